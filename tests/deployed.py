"""What the deployment tests share: a memcached of their own, a browser-like HTTP client for a
gunicorn behind a TLS proxy, the row count of every table, processes stopped with their group."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess  # nosec B404: memcached, gunicorn and our scripts, loopback only
import time
import urllib.parse

import psycopg
import requests

DEMO_PASSWORD = "sandi-demo-2026"  # opsi/management/commands/seed_demo.py


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s")


def stop(process, timeout=20):
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def memcached():
    """A memcached on a free loopback port: its CACHE_URL."""
    binary = shutil.which("memcached")
    assert binary, "memcached is not installed (scripts/system-deps.sh test installs it)"
    port = free_port()
    as_root = ["-u", "nobody"] if os.geteuid() == 0 else []  # memcached refuses to run as root
    process = subprocess.Popen(
        [binary, "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-m", "32", "-t", "1", *as_root],
        start_new_session=True,
    )

    def answers():
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5) as s:
            s.sendall(b"version\r\n")
            return s.recv(64).startswith(b"VERSION")
        return False

    try:
        wait_for(answers, "memcached")
        yield f"pymemcache://127.0.0.1:{port}"
    finally:
        stop(process)


class Browser:
    """One person's browser, talking to an app server directly as nginx would pass it on (https
    said by X-Forwarded-Proto, the site's Host): its cookies go with it from one server to another."""

    def __init__(self, host, address=None):
        self.host = host
        self.address = address  # the client's address, as nginx appends it (TRUSTED_PROXY_HOPS=1)
        self.cookies = {}

    def request(self, method, origin, path, **kwargs):
        headers = {"Host": self.host, "X-Forwarded-Proto": "https", "Referer": f"https://{self.host}{path}"}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if method == "POST" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        response = requests.request(
            method,
            origin + path,
            headers=headers,
            cookies=dict(self.cookies),  # sent as given: the secure flag means https, which the proxy ended
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        for cookie in response.cookies:
            if cookie.expires is not None and cookie.expires < time.time():
                self.cookies.pop(cookie.name, None)
            else:
                self.cookies[cookie.name] = cookie.value
        return response

    def get(self, origin, path):
        return self.request("GET", origin, path)

    def post(self, origin, path, data=None):
        return self.request("POST", origin, path, data=data or {})

    def log_in(self, origin, username, password=DEMO_PASSWORD):
        form = self.get(origin, "/login/")
        assert form.status_code == 200, form.status_code
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        return self.request(
            "POST",
            origin,
            "/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        )

    def logged_in(self, origin):
        """The home page is served (not a way to the login page)."""
        response = self.get(origin, "/")
        return response.status_code == 200 and 'name="password"' not in response.text


def row_counts(url):
    """Every table of the public schema: its row count."""
    with psycopg.connect(url, autocommit=True) as db:
        tables = [
            name for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ]
        return {t: db.execute(f'SELECT count(*) FROM public."{t}"').fetchone()[0] for t in tables}  # nosec B608


def database_url(url, name):
    """The same server and login, another database."""
    parts = urllib.parse.urlsplit(url)
    return parts._replace(path="/" + name).geturl()
