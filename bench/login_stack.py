"""What a login costs a plain page: the trivial view, anonymous and logged in, in this process.

    bash scripts/with-postgres.sh .venv/bin/python -m bench.login_stack [--rounds 7 --repeat 300]

The trivial view (/healthz) does nothing itself, so what a logged-in request costs beyond the
anonymous one is the login stack: the session, the user, the branches or the two-step device,
and the middleware around them. The variants run in interleaved rounds (the machine's speed
drifts from minute to minute); each figure is the median of the rounds' medians, with the
queries and writes of one request (the health check's SELECT 1 is not captured: it runs outside
the query log). The load test in bench/run.py gives the same ratio under
gunicorn and wrk.

Run it with CACHE_URL naming a memcached (as production does) for the cache variants to mean a
round trip to it; with each process's own cache they measure only the Python side.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CACHED_DB = "django.contrib.sessions.backends.cached_db"
DB = "django.contrib.sessions.backends.db"
KEPT = "opsi.sessions"  # cached_db, with the user's row read beside the session (opsi/login_cache.py)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=300, help="requests per variant and round")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    os.environ.setdefault("CONN_MAX_AGE", "60")  # as in production: no new connection per request
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from opsi.tenant import Branch
    from opsi.models import User

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    branch = Branch.objects.order_by("pk").first() or Branch.objects.create(province="31", name="Jakarta")
    coordinator, _ = User.objects.get_or_create(username="bench.stack.coordinator", defaults={"role": "coordinator"})
    coordinator.branches.set([branch])
    secretariat, _ = User.objects.get_or_create(username="bench.stack.secretariat", defaults={"role": "secretariat"})

    def client(user=None, engine=None):
        """A client whose session engine is fixed when its middleware is first loaded."""
        with override_settings(**({"SESSION_ENGINE": engine} if engine else {})):
            made = Client()
            if user is not None:
                made.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[1])
                if user.role == "secretariat":
                    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
                    session = made.session
                    session["otp_device_id"] = device.persistent_id
                    session.save()
                made.get("/")  # the first page of a login notes once whether two-step login is on
            made.get("/healthz")
        return made

    # (client, whether the connection is checked with a SELECT 1 before a request's first query,
    # whether the user's row is kept in the cache beside the session: opsi/login_cache.py)
    variants = {
        "anonymous": (client(), True, False),
        "coordinator, sessions in the database": (client(coordinator, DB), True, False),
        "coordinator, sessions in a cache": (client(coordinator, CACHED_DB), True, False),
        "coordinator, sessions in a cache, no health check": (client(coordinator, CACHED_DB), False, False),
        "coordinator, sessions and user in a cache": (client(coordinator, KEPT), True, True),
        "secretariat (two-step), sessions in the database": (client(secretariat, DB), True, False),
        "secretariat (two-step), sessions in a cache": (client(secretariat, CACHED_DB), True, False),
        "secretariat (two-step), sessions and user in a cache": (client(secretariat, KEPT), True, True),
    }

    def health_checks(enabled):
        connection.settings_dict["CONN_HEALTH_CHECKS"] = enabled  # kept when the connection is made again
        connection.health_check_enabled = enabled

    queries = {}
    for name, (made, checked, kept) in variants.items():
        health_checks(checked)
        with override_settings(LOGINS_IN_CACHE=kept):
            made.get("/healthz")  # the first keeps the user's row (kept variants)
            with CaptureQueriesContext(connection) as ctx:
                made.get("/healthz")
        sql = [q["sql"] for q in ctx.captured_queries]
        queries[name] = (len(sql), sum(not s.lstrip().upper().startswith("SELECT") for s in sql))

    medians = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, (made, checked, kept) in variants.items():
            health_checks(checked)
            times = []
            with override_settings(LOGINS_IN_CACHE=kept):
                for _ in range(args.repeat):
                    began = time.perf_counter()
                    made.get("/healthz")
                    times.append((time.perf_counter() - began) * 1000)
            medians[name].append(statistics.median(times))

    base = statistics.median(medians["anonymous"])
    print(f"{connection.vendor}, {args.rounds} rounds of {args.repeat} requests per variant")
    print(f"{'variant':<52} {'ms':>6} {'ratio':>6} {'queries':>8} {'writes':>7}")
    for name, values in medians.items():
        ms = statistics.median(values)
        print(f"{name:<52} {ms:6.3f} {base / ms:6.2f} {queries[name][0]:8d} {queries[name][1]:7d}")


if __name__ == "__main__":
    main()
