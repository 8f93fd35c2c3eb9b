"""Helpers of scripts/scan.sh (outside scanners against the app under production settings).

python scripts/scan_helpers.py proxy LISTEN_PORT UPSTREAM_PORT CERT KEY
    TLS in front of gunicorn, as nginx is in production: the scanners speak https to
    LISTEN_PORT; the request goes on to 127.0.0.1:UPSTREAM_PORT with
    ``X-Forwarded-Proto: https``, and a POST without a Referer gets the https address of
    the page it was sent to (CSRF wants one under production settings; a browser sends it).
    wapiti does not send back the CSRF cookie (Secure) it was given, so a request without one
    gets a fixed one, as a browser keeps it: its forms then carry tokens made from it and
    Django still checks each POST's token against it.
python scripts/scan_helpers.py sessions ORIGIN OUT_DIR
    logs the demo users in through the real login pages (password, and the code of an
    authenticator for those who need two steps) and writes each one's session cookie and page
    key to OUT_DIR/<username>.cookie, and admin's after the password only (the two-step page)
    to OUT_DIR/admin-password-only.cookie. Runs with the same environment as gunicorn (same
    database, same SECRET_KEY).
"""

import http.client
import http.server
import socketserver
import ssl
import sys
from pathlib import Path

CSRF_SECRET = "scan" * 8  # 32 characters, like a secret Django makes
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}


def proxy(listen_port, upstream_port, cert, key):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # the scanners log; the proxy stays quiet
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            skip = HOP_BY_HOP | {"cookie", "x-forwarded-proto"}
            headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
            headers["X-Forwarded-Proto"] = "https"
            cookies = self.headers.get_all("Cookie") or []
            if not any("csrftoken=" in cookie for cookie in cookies):
                cookies.append(f"csrftoken={CSRF_SECRET}")
            headers["Cookie"] = "; ".join(cookies)
            host = self.headers.get("Host", f"127.0.0.1:{listen_port}")
            if self.command == "POST" and not self.headers.get("Referer"):
                headers.pop("referer", None)
                headers["Referer"] = f"https://{host}{self.path}"
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=120)
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                data = response.read()
            except OSError as error:
                self.send_error(502, str(error))
                return
            finally:
                upstream.close()
            self.send_response_only(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_TRACE = _forward

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    server = Server(("127.0.0.1", listen_port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


def sessions(origin, out_dir):
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    django.setup()
    from django.conf import settings
    from django.test import Client
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from opsi import session_binding
    from opsi.models import User

    host = origin.split("://", 1)[1]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    password = os.environ["SCAN_PASSWORD"]
    two_step = {"admin", "sekretariat"}
    for username in ["koordinator.jakarta", "penjangkau.jakarta", "krisis", "sekretariat", "admin"]:
        user = User.objects.get(username=username)
        client = Client(HTTP_HOST=host, HTTP_REFERER=origin + "/login/")
        response = client.post("/login/", {"username": username, "password": password}, secure=True)
        assert response.status_code == 302, (username, response.status_code)
        if username in two_step:
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="scan", defaults={"confirmed": True})
            code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
            client.post("/login/code/", {"token": code}, secure=True)
        home = client.get("/", secure=True)
        assert home.status_code == 200, (username, home.status_code, home.get("Location"))
        # The page key too: a session whose request lacks it is ended (opsi/session_binding.py).
        cookies = [settings.SESSION_COOKIE_NAME, session_binding.COOKIE]
        (out / f"{username}.cookie").write_text("; ".join(f"{n}={client.cookies[n].value}" for n in cookies) + "\n")
        print(f"{username}: logged in")
    # The two-step page's form is reached with the password given and the code not yet.
    client = Client(HTTP_HOST=host, HTTP_REFERER=origin + "/login/")
    response = client.post("/login/", {"username": "admin", "password": password}, secure=True)
    assert response.status_code == 302, response.status_code
    asked = client.get("/", secure=True).get("Location", "")
    assert asked.startswith("/login/code/"), asked
    halfway = [name for name in (settings.SESSION_COOKIE_NAME, session_binding.COOKIE) if name in client.cookies]
    (out / "admin-password-only.cookie").write_text("; ".join(f"{n}={client.cookies[n].value}" for n in halfway) + "\n")
    print("admin: password given, code not yet")


if __name__ == "__main__":
    if sys.argv[1] == "proxy":
        proxy(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif sys.argv[1] == "sessions":
        sessions(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
