"""Faults survived, measured: run against a throwaway PostgreSQL cluster, loopback only, bounded in time.

    bash scripts/with-postgres.sh .venv/bin/python bench/faults.py [--seconds 20] [--clients 8]

with-postgres.sh exports OPSI_PGDATA and OPSI_PGBIN, which this script uses to restart the
cluster. Four faults, on gunicorn (2 sync workers, production settings) at 127.0.0.1:

1. the database restarted (stopped for --gap seconds) while clients post visits in a loop,
   each visit with its own submission key, sent again after a "try again" page as a user
   would: every answer in the gap must be the 503 page in Bahasa Indonesia (no traceback);
   afterwards every acknowledged visit is there exactly once, none half-written (a visit
   without its service lines), and the server carries on without a restart;
2. the database refusing writes (``default_transaction_read_only``, as a full disk or a
   read-only replica would): the visit form comes back filled with a message, nothing is
   saved, and the same form sent again after the database accepts writes saves one visit;
3. a report PDF and a member export asked for through the page's form (POST with a submission
   key) and made on the queue by ``manage.py db_worker`` beside gunicorn: every gunicorn worker
   killed (SIGKILL) while the form is answered, the same form sent again; then the db_worker
   killed while it makes the file and a new one started, which takes the job over once the
   killed one stops beating (opsi/jobs.py); one job, made once, its file fetched from the
   progress page;
4. a worker killed in the middle of a member import (after its check): no member of it is
   written, and the same confirmation sent again imports every row.

    --only queue import    runs only these (restart, read-only, queue, import)

Prints the figures and writes them to bench/FAULTS.md (or --out; with --only, to --out alone). Exits non-zero if a
record was lost, doubled or half-written.
"""

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess  # nosec B404: our own server and pg_ctl, loopback only
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TRY_AGAIN_ID = "Silakan coba lagi"
REFUSED_ID = "Belum ada yang tersimpan"
SCENARIOS = ("restart", "read-only", "queue", "import")


class Server:
    """gunicorn with production settings on a free loopback port."""

    def __init__(self, secret_key):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        default_log = Path(tempfile.gettempdir()) / "opsi-faults-gunicorn.log"
        self.log = Path(os.environ.get("OPSI_FAULTS_LOG") or default_log)
        self.env = {
            **os.environ,
            "DJANGO_ENV": "production",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "FIELD_HASH_KEY": Fernet.generate_key().decode(),
            "OFFLINE_SEAL_KEY": Fernet.generate_key().decode(),
            "SECURE_SSL_REDIRECT": "false",
            "BEHIND_TLS_PROXY": "false",
            "AXES_ENABLED": "false",
            "CONN_MAX_AGE": "60",
            # A killed db_worker's job goes back on the queue after 5 s of silence (30 s in production).
            "JOB_HEARTBEAT_SECONDS": "1",
            "JOB_STALE_SECONDS": "5",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=self.env, check=True
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "opsi.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stderr=open(self.log, "wb"),
        )
        for _ in range(150):
            try:
                if self.request("GET", "/healthz/ready")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not become ready")

    def request(self, method, path, body=None, cookie="", timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Cookie": cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data

    def answer(self, method, path, body, cookie):
        """The status and headers (a redirect's Location) of a form sent."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status, dict(response.getheaders())

    def workers(self):
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)


def pg_ctl(*args):
    data, pgbin = os.environ["OPSI_PGDATA"], os.environ["OPSI_PGBIN"]
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, f"{pgbin}/pg_ctl", "-D", data, "-w", *args], check=True, capture_output=True)


def restart_under_load(server, cookie, csrf, form, seconds, clients, gap):
    """Clients post visits in a loop; the database stops for `gap` seconds in the middle."""
    acknowledged, attempts, lock = [], [], threading.Lock()
    stop_at = time.monotonic() + seconds
    down = {}

    def client():
        key = str(uuid.uuid4())
        while time.monotonic() < stop_at:
            body = urlencode({**form, "submission_key": key, "csrfmiddlewaretoken": csrf}, doseq=True)
            began = time.monotonic()
            try:
                status, data = server.request("POST", f"/visits/new/?member={form['member']}", body, cookie)
            except OSError as error:
                status, data = 0, str(error).encode()
            page = data.decode("utf-8", "replace")
            with lock:
                attempts.append((began, status, "Traceback" in page, TRY_AGAIN_ID in page))
                if status == 302:
                    acknowledged.append(key)
            if status == 302:
                key = str(uuid.uuid4())
            else:
                time.sleep(0.2)  # a person reads the page, then presses "Send again" (same key)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)
    down["stop"] = time.monotonic()
    pg_ctl("stop", "-m", "fast")
    time.sleep(gap)
    pg_ctl("start", "-o", os.environ["OPSI_PGOPTS"], "-l", os.path.join(os.environ["OPSI_PGDATA"], "..", "server.log"))
    down["start"] = time.monotonic()
    for thread in threads:
        thread.join()
    after = [a for a in attempts if a[0] >= down["start"] and a[1] == 302]
    first_ok = min(a[0] for a in after) - down["start"] if after else None
    in_gap = [a for a in attempts if down["stop"] <= a[0] < down["start"]]
    return {
        "requests": len(attempts),
        "saved (302)": sum(a[1] == 302 for a in attempts),
        "try-again pages (503)": sum(a[1] == 503 for a in attempts),
        "503 pages in Bahasa Indonesia": sum(a[1] == 503 and a[3] for a in attempts),
        "other failures (500, connection refused)": sum(a[1] not in (302, 503) for a in attempts),
        "pages with a traceback": sum(a[2] for a in attempts),
        "requests during the gap": len(in_gap),
        "seconds from database start to the first saved visit": round(first_ok, 2) if first_ok is not None else None,
        "gap seconds": gap,
        "_acknowledged": acknowledged,
    }


def refused_writes(server, cookie, csrf, form):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER SYSTEM SET default_transaction_read_only = on")
        cursor.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)
    key = str(uuid.uuid4())
    body = urlencode({**form, "submission_key": key, "csrfmiddlewaretoken": csrf}, doseq=True)
    status, data = server.request("POST", f"/visits/new/?member={form['member']}", body, cookie)
    page = data.decode()
    with connection.cursor() as cursor:
        cursor.execute("SET default_transaction_read_only = off")
        cursor.execute("ALTER SYSTEM RESET default_transaction_read_only")
        cursor.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)
    kept = f'value="{key}"' in page and f'value="{form["visited_on"]}"' in page
    again, _ = server.request("POST", f"/visits/new/?member={form['member']}", body, cookie)
    return {
        "answer while read-only": status,
        "message in Bahasa Indonesia": REFUSED_ID in page,
        "form came back filled": kept,
        "answer when sent again": again,
        "_key": key,
    }


def start_db_worker(server):
    """A ``manage.py db_worker`` beside gunicorn, with the same settings (and keys)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.5"],
        cwd=ROOT,
        env=server.env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=open(server.log.with_suffix(".worker.log"), "ab"),
    )


def killed_queue(server, user, cookie, csrf, path, expect):
    """A file asked for through the page's form (POST with a submission key): every gunicorn
    worker killed (SIGKILL) while the request is answered, then the same form sent again; the
    db_worker killed (SIGKILL) while it makes the file, a new one started; the file fetched
    from its progress page. One job, made to the end once, one file, one audited fetch."""
    from auditlog.models import LogEntry
    from django.db import connection

    from opsi.jobs import Job

    def wait(condition, seconds):
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            connection.close()
            found = condition()
            if found:
                return found
            time.sleep(0.1)
        return None

    began = time.monotonic()
    jobs_before = set(Job.objects.filter(requested_by=user).values_list("pk", flat=True))
    worker = start_db_worker(server)
    body = urlencode({"submission_key": str(uuid.uuid4()), "csrfmiddlewaretoken": csrf})
    answers = []
    # The first send: a worker has the request and waits for the rest of the form when every
    # worker is killed; gunicorn starts new ones.
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    conn.sendall(head.encode() + body[: len(body) // 2].encode())
    time.sleep(0.5)
    for pid in server.workers():
        os.kill(pid, signal.SIGKILL)
    try:
        first = conn.recv(100).split(b"\r\n")[0].decode() or "no answer (connection closed)"
    except OSError as error:
        first = type(error).__name__
    conn.close()
    mine = lambda: Job.objects.filter(requested_by=user).exclude(pk__in=jobs_before)  # noqa: E731
    made_by_killed = mine().count()
    again = None
    for _ in range(100):  # the same form again (same key), as a user would after an error page
        try:
            again, headers = server.answer("POST", path, body, cookie)
            answers.append(headers.get("Location", ""))
            break
        except OSError:
            time.sleep(0.2)
    twice = server.answer("POST", path, body, cookie)  # and once more, as a double click would
    answers.append(twice[1].get("Location", ""))
    job = mine().first()
    running = wait(lambda: mine().filter(state=Job.State.RUNNING).exists(), 120) if job else None
    if running:
        time.sleep(0.3)  # well inside the work
    connection.close()
    killed_while = mine().values_list("state", flat=True).first()
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    killed_at = time.monotonic()
    worker = start_db_worker(server)
    try:
        finished = wait(lambda: mine().filter(state__in=[Job.State.DONE, Job.State.FAILED]).first(), 240)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    done_after = round(time.monotonic() - killed_at, 2)
    page = server.request("GET", f"/files/{job.pk}/", cookie=cookie)[1] if job else b""
    file_url = f"/files/{job.pk}/download" if job else ""
    offered = bool(job) and file_url.encode() in page
    entries = LogEntry.objects.count()
    status, data = server.request("GET", file_url, cookie=cookie) if offered else (None, b"")
    return {
        "first send (gunicorn workers killed while it is read)": first,
        "jobs made by the killed send": made_by_killed,
        "same form sent again, twice": f"{again}, {twice[0]}",
        "progress pages they were sent to": len({a for a in answers if a.startswith("/files/")}),
        "jobs made": mine().count(),
        "state when the db_worker was killed": killed_while,
        "state in the end": finished.state if finished else "not finished",
        "attempts": finished.attempts if finished else None,
        "seconds from the kill to the file made": done_after,
        "progress page offers the file": offered,
        "download": status,
        "download is the file": data.startswith(expect),
        "audit entries of the download": LogEntry.objects.count() - entries,
        "whole scenario seconds": round(time.monotonic() - began, 1),
    }


def import_csv(branch, rows):
    """Members nobody else has (codes starting ZZ), in the sample file's columns."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    lines = [
        "branch,uic,alias,kind,gender,birth_year,work_setting,joined_on,consent_on,peer_educator,legal_name,nik,phone"
    ]
    for n in range(rows):
        code = f"ZZ{letters[n % 26]}{letters[n // 26 % 26]}2{n % 28 + 1:02d}{n // 28 % 12 + 1:02d}{80 + n // 336 % 20}"
        lines.append(f"{branch.province},{code},Uji {n},regular,woman,1990,street,2024-01-15,2024-01-15,no,,,")
    return "\n".join(lines) + "\n"


def killed_import(server, cookie, csrf, branch, rows, kill_after):
    """Check a file, then kill every worker while its import runs; the same confirmation again."""
    from members.models import Member

    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="members.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{import_csv(branch, rows)}\r\n--{boundary}--\r\n"
    ).encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    conn.request(
        "POST",
        "/members/import/",
        body=body,
        headers={"Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    checked = conn.getresponse().read().decode()
    conn.close()
    token = re.search(r'name="confirm" value="([^"]+)"', checked)
    if token is None:
        return {"check": "no confirmation offered: " + re.sub(r"\s+", " ", checked)[-300:]}
    confirm = urlencode({"confirm": token.group(1), "csrfmiddlewaretoken": csrf})
    before = Member.objects.count()
    result = {}

    def run():
        try:
            result["first"] = server.request("POST", "/members/import/", confirm, cookie, timeout=120)[0]
        except OSError as error:
            result["first"] = type(error).__name__

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(kill_after)
    for pid in server.workers():
        os.kill(pid, signal.SIGKILL)
    thread.join()
    written = Member.objects.count() - before
    status = None
    for _ in range(100):
        try:
            status = server.request("POST", "/members/import/", confirm, cookie, timeout=120)[0]
            break
        except OSError:
            time.sleep(0.2)
    return {
        "killed request": result.get("first"),
        "members written by it (0 or all, never part)": f"{written} of {rows}",
        "next try": status,
        "members after the next try": f"{Member.objects.count() - before} of {rows}",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20, help="length of the load during the restart")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--gap", type=float, default=5, help="seconds the database stays down")
    parser.add_argument("--import-rows", type=int, default=400, help="rows of the import killed midway")
    parser.add_argument("--kill-after", type=float, default=1.0, help="seconds into the import")
    parser.add_argument(
        "--only", nargs="+", choices=SCENARIOS, help="run only these faults (printed; written only with --out)"
    )
    parser.add_argument("--out", help="where the figures go (default bench/FAULTS.md, for a whole run)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Run through scripts/with-postgres.sh: the faults are PostgreSQL's")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings
    from django.utils.crypto import get_random_string
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.generate import generate
    from members.models import Member
    from opsi import session_binding
    from opsi.tenant import Branch, DropInCentre
    from opsi.models import User
    from services.models import ServiceType, Visit, VisitService

    began = time.monotonic()
    call_command("migrate", verbosity=0)
    if not Member.objects.exists():
        generate("ci", out=lambda *a: None)
    branch = Branch.objects.order_by("pk").first()
    coordinator, _ = User.objects.get_or_create(username="faults.coordinator", defaults={"role": "coordinator"})
    coordinator.branches.set([branch])
    secretariat, _ = User.objects.get_or_create(username="faults.secretariat", defaults={"role": "secretariat"})
    device, _ = TOTPDevice.objects.get_or_create(user=secretariat, name="faults", defaults={"confirmed": True})
    secret_key = "faults-" + get_random_string(60)
    csrf = get_random_string(32)

    def session_cookie(user, **extra):
        with override_settings(SECRET_KEY=secret_key):  # the server must be able to read this session
            session = SessionStore()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session["last_seen"] = session["login_started_at"] = int(time.time())
            session.update(extra)
            page_key = session_binding.bind(session)
            session.create()
        return f"sessionid={session.session_key}; {session_binding.COOKIE}={page_key}; csrftoken={csrf}"

    cookie = session_cookie(coordinator)
    national_cookie = session_cookie(secretariat, otp_device_id=device.persistent_id)
    member = Member.objects.filter(branch=branch).order_by("pk").first()
    centre = DropInCentre.objects.filter(branch=branch).first()
    service = ServiceType.objects.filter(commodity__isnull=True).first()
    form = {
        "member": member.pk,
        "services": [service.pk],
        "drop_in_centre": centre.pk,
        "visited_on": branch.today().isoformat(),
    }
    visits_before = Visit.objects.count()
    connection.close()

    server = Server(secret_key)
    only = set(args.only or SCENARIOS)
    restart = refused = pdf = export = imported = None
    try:
        if "restart" in only:
            restart = restart_under_load(server, cookie, csrf, form, args.seconds, args.clients, args.gap)
            acknowledged = restart.pop("_acknowledged")
            saved = Visit.objects.filter(submission_key__in=acknowledged)
            restart["visits acknowledged"] = len(acknowledged)
            found = {str(key) for key in saved.values_list("submission_key", flat=True)}
            restart["acknowledged visits lost"] = len(set(acknowledged) - found)
            restart["visits saved twice"] = len(acknowledged) - len(set(acknowledged))
            restart["visits half-written (no service line)"] = (
                Visit.objects.filter(pk__gt=0).exclude(pk__in=VisitService.objects.values("visit")).count()
            )
            restart["visits in the database beyond those acknowledged"] = (
                Visit.objects.count() - visits_before - len(acknowledged)
            )
            restart["server restarted"] = "no (same gunicorn master)" if server.process.poll() is None else "yes"
            connection.close()
        if "read-only" in only:
            refused = refused_writes(server, cookie, csrf, form)
            refused["visits saved with that key"] = Visit.objects.filter(submission_key=refused.pop("_key")).count()
            connection.close()
        if "queue" in only:
            year = branch.today().year - 1
            report = {"definition": "btg", "period_kind": "year", "year": year, "scope": "national:"}
            pdf = killed_queue(
                server, secretariat, national_cookie, csrf, "/reports/report.pdf?" + urlencode(report), b"%PDF"
            )
            export = killed_queue(server, secretariat, national_cookie, csrf, "/members/export.xlsx", b"PK")
            connection.close()
        if "import" in only:
            imported = killed_import(server, cookie, csrf, branch, args.import_rows, args.kill_after)
    finally:
        server.stop()

    lines = [
        "# Faults survived",
        "",
        f"PostgreSQL, gunicorn 2 sync workers, production settings, loopback; bench data at ci scale; "
        f"{args.clients} clients posting visits for {args.seconds} s, the database stopped for {args.gap:g} s "
        f"(`pg_ctl stop -m fast`, then `start`). Whole run {time.monotonic() - began:.0f} s.",
    ]
    if restart:
        lines += ["", "## Database restarted under load", "", "| figure | value |", "| --- | ---: |"]
        lines += [f"| {k} | {v} |" for k, v in restart.items()]
    if refused:
        lines += ["", "## Database refusing writes (read-only)", "", "| figure | value |", "| --- | ---: |"]
        lines += [f"| {k} | {v} |" for k, v in refused.items()]
    if pdf:
        lines += [
            "",
            "## A file made on the queue: gunicorn workers killed (SIGKILL) while the form is answered, "
            "then the db_worker killed while it makes the file",
            "",
            "The first send is cut off while a worker reads the form; the same form (its submission key) "
            "is then sent twice. `JOB_HEARTBEAT_SECONDS=1`, `JOB_STALE_SECONDS=5` (production: 5 and 30 s, "
            "so there a killed worker's job starts again about 30 s later).",
            "",
            "| figure | report PDF | member export (xlsx) |",
            "| --- | ---: | ---: |",
        ]
        lines += [f"| {k} | {pdf[k]} | {export[k]} |" for k in pdf]
    if imported:
        lines += [
            "",
            f"## Worker killed (SIGKILL) {args.kill_after:g} s into an import of {args.import_rows} members",
            "",
            "| figure | value |",
            "| --- | ---: |",
        ]
        lines += [f"| {k} | {v} |" for k, v in imported.items()]
    if args.out or not args.only:  # a part of the faults does not replace the whole page
        Path(args.out or ROOT / "bench" / "FAULTS.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    bad = (
        restart is not None
        and bool(
            restart["acknowledged visits lost"]
            or restart["visits saved twice"]
            or restart["visits half-written (no service line)"]
            or restart["pages with a traceback"]
        )
    ) or (refused is not None and (refused["visits saved with that key"] != 1 or not refused["form came back filled"]))
    bad = bad or any(
        made is not None
        and (
            made["jobs made"] != 1
            or made["progress pages they were sent to"] != 1
            or made["state in the end"] != "done"
            or not made["download is the file"]
        )
        for made in (pdf, export)
    )
    bad = bad or (
        imported is not None
        and imported.get("members after the next try") != f"{args.import_rows} of {args.import_rows}"
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
