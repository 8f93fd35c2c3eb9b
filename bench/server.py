"""gunicorn with production settings on a free loopback port, for the benchmarks that load it.

    with production_server(secret_key) as server:
        ... server.origin, server.cache ...

Production runs with a cache shared by its processes (memcached, ``CACHE_URL``; README): the
sessions are read from it, the database behind them (``cached_db``), and a change to the
catalogue or the centres is forgotten by every worker at once. The server here does the same
when memcached is installed (``scripts/system-deps.sh``): a memcached of its own on another
free port, 64 MB, stopped with the server. Without it the server runs with each worker's own
cache and the sessions in the database, and ``server.cache`` says so for the results.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess  # nosec B404: our own gunicorn, memcached and curl, loopback only
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    origin: str
    cache: str  # what the results say about the cache and the sessions


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(check, what, tries=100):
    for _ in range(tries):
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not become ready")


def _stop(process):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


@contextlib.contextmanager
def production_server(secret_key, workers=2, shared_cache=True):
    """gunicorn (``workers`` sync workers) with production settings; the bench database
    (``DATABASE_URL``, else the SQLite file this process uses), ``secret_key`` so that the
    sessions this process makes can be read there."""
    from django.conf import settings

    env = {
        **os.environ,
        # Production settings; "benchmark" also lets them run on the SQLite of `make bench`.
        "DJANGO_ENV": "benchmark",
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{settings.DATABASES['default']['NAME']}"),
        # The bench data holds no identity vault rows, so a fresh key is enough.
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_HASH_KEY": Fernet.generate_key().decode(),
        "OFFLINE_SEAL_KEY": Fernet.generate_key().decode(),
        "SECURE_SSL_REDIRECT": "false",
        "AXES_ENABLED": "false",
    }
    with contextlib.ExitStack() as stack:
        memcached = shutil.which("memcached") if shared_cache else None
        if memcached:
            cache_port = free_port()
            as_root = ["-u", "nobody"] if os.geteuid() == 0 else []  # memcached refuses to run as root
            cache = subprocess.Popen(
                [memcached, "-l", "127.0.0.1", "-p", str(cache_port), "-U", "0", "-m", "64", "-t", "2", *as_root],
                start_new_session=True,
            )
            stack.callback(_stop, cache)

            def answers():
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", cache_port), 0.5) as s:
                    s.sendall(b"version\r\n")
                    return s.recv(64).startswith(b"VERSION")
                return False

            _wait_for(answers, "memcached")
            env["CACHE_URL"] = f"pymemcache://127.0.0.1:{cache_port}"
            described = (
                "memcached (shared by the workers); sessions in it, the database behind (cached_db), "
                "with the logged-in user's row"
            )
        else:
            env.pop("CACHE_URL", None)
            described = (
                "each worker's own cache (memcached not installed); sessions in the database"
                if shared_cache
                else "each worker's own cache; sessions in the database"
            )
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "opsi.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        stack.callback(_stop, server)
        origin = f"http://127.0.0.1:{port}"

        def ready():  # a worker answers, not only the socket is open
            return (
                subprocess.run(
                    ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "2", origin + "/healthz"],
                    capture_output=True,
                    text=True,
                ).stdout
                == "200"
            )

        _wait_for(ready, "gunicorn")
        yield Server(origin=origin, cache=described)


def session_key(user, secret_key, **extra):
    """A session of ``user`` (with ``extra`` keys, e.g. the two-step device) that the server
    started with ``secret_key`` reads as logged in."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings

    with override_settings(SECRET_KEY=secret_key):
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.update(extra)
        session.create()
    return session.session_key
