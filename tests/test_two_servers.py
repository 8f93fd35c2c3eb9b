"""More than one machine: two app servers (gunicorn, production settings, on two loopback ports)
and a worker (manage.py db_worker) against one PostgreSQL and one memcached, as README's
deployment behind a load balancer would run them. What one server did, the other knows:

- a login made on A is a login on B; a logout on B ends it on A;
- failed logins on A lock that address out of B (opsi/lockout.py counts in the database);
- a report of a closed period counted on A is read back on B, not counted again (opsi/kept.py);
- a member export asked for on A is made by the worker and fetched on B, by the one who asked.

The servers run this tree's own commit (git archive of HEAD), with the venv of the tests.
"""

import os
import re
import secrets
import subprocess  # nosec B404: git, gunicorn, manage.py; loopback only
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from tests.deployed import Browser, database_url, free_port, memcached, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
HOST = "opsi.test"

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not os.environ.get("DATABASE_URL"),
    reason="runs in the PostgreSQL part (two servers share one PostgreSQL)",
)


def manage(code, env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=code, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def cells(html):
    """The figures of a report page's tables, in order."""
    return re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", html)


def test_two_app_servers_and_a_worker_share_sessions_lockouts_figures_and_jobs(tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)

    admin_url = os.environ["DATABASE_URL"]
    name = f"opsi_two_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    app_url = database_url(admin_url, name)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "TASKS_"))}
    processes = []
    try:
        with memcached() as cache_url:
            env = {
                **base,
                "DJANGO_ENV": "production",
                "SECRET_KEY": secrets.token_urlsafe(48),
                "ALLOWED_HOSTS": HOST,
                "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
                "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                "FIELD_HASH_KEY": Fernet.generate_key().decode(),
                "OFFLINE_SEAL_KEY": secrets.token_urlsafe(32),
                "DATABASE_URL": app_url,
                "CACHE_URL": cache_url,
                "TRUSTED_PROXY_HOPS": "1",
            }
            manage(code, env, "migrate", "--noinput", "-v0")
            manage(code, {**env, "DJANGO_ENV": "development", "DEBUG": "on"}, "seed_demo")
            manage(code, env, "collectstatic", "--noinput", "-v0")

            origins = []
            for _ in ("A", "B"):
                port = free_port()
                command = [sys.executable, "-m", "gunicorn", "opsi.wsgi", "--bind", f"127.0.0.1:{port}"]
                command += ["--workers", "2", "--log-level", "warning"]
                processes.append(subprocess.Popen(command, cwd=code, env=env, start_new_session=True))
                origins.append(f"http://127.0.0.1:{port}")
            worker = [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--interval",
                "0.2",
                "--no-startup-delay",
            ]
            processes.append(subprocess.Popen(worker, cwd=code, env=env, start_new_session=True))
            a, b = origins

            def answers(origin):
                try:
                    return Browser(HOST).get(origin, "/healthz/ready").text == "ready\n"
                except OSError:
                    return False

            for origin in origins:
                wait_for(lambda: answers(origin), f"the app server at {origin}")

            # A login on A is a login on B; a logout on B ends it on A.
            coordinator = Browser(HOST, address="203.0.113.5")
            assert coordinator.log_in(a, "koordinator.jakarta").status_code == 302
            assert coordinator.logged_in(b) and coordinator.logged_in(a)
            other = Browser(HOST, address="203.0.113.6")
            assert other.log_in(a, "koordinator.jakarta").status_code == 302
            assert other.post(b, "/logout/").status_code == 302
            assert not other.logged_in(a) and not other.logged_in(b)
            assert coordinator.logged_in(a)  # her other login lives on

            # Five wrong passwords on A from one address: B refuses that address, even the right one.
            guesser = Browser(HOST, address="198.51.100.7")
            for _ in range(settings.AXES_FAILURE_LIMIT):
                assert guesser.log_in(a, "koordinator.bali", "not-her-password").status_code in (200, 429)
            assert guesser.log_in(b, "koordinator.bali").status_code == 429
            assert not guesser.logged_in(b)
            owner = Browser(HOST, address="203.0.113.9")  # the owner, from her own address, is not locked out
            assert owner.log_in(b, "koordinator.bali").status_code == 302 and owner.logged_in(b)

            # A closed year's report counted on A is read back on B, with the same figures.
            page = coordinator.get(a, "/reports/").text
            scope = re.search(r'<select name="scope"[^>]*>.*?<option value="([^"]+)"', page, re.S).group(1)
            year = time.gmtime().tm_year - 1
            report = f"/reports/?definition=btg&period_kind=year&year={year}&scope={scope}"

            def kept():
                with psycopg.connect(app_url) as db:
                    return db.execute("SELECT count(*) FROM opsi_keptfact").fetchone()[0]

            before = kept()
            on_a = coordinator.get(a, report)
            assert on_a.status_code == 200 and cells(on_a.text)
            counted = kept()
            assert counted > before
            on_b = coordinator.get(b, report)
            assert on_b.status_code == 200 and kept() == counted
            assert cells(on_b.text) == cells(on_a.text)

            # An export asked for on A, made by the worker, fetched on B by her, and by nobody else.
            asked = coordinator.post(a, "/members/export.csv", {"submission_key": str(uuid.uuid4())})
            assert asked.status_code == 302 and asked.headers["Location"].startswith("/files/"), asked.status_code
            progress = asked.headers["Location"]

            def made():
                return 'data-state="done"' in coordinator.get(b, progress).text

            wait_for(made, "the worker's file", seconds=120)
            got = coordinator.get(b, progress + "download")
            assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
            assert got.text.count("\n") > 10  # a heading and her branch's members
            assert owner.get(b, progress + "download").status_code == 404  # Bali's coordinator
            for process in processes:
                assert process.poll() is None, "a server or the worker stopped"
    finally:
        for process in processes:
            stop(process)
        with psycopg.connect(admin_url, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
