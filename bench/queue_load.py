"""The site's answer times while exports run on the queue (issue: long work off the web workers).

    python bench/queue_load.py --scale ci                # SQLite file of DATABASE_URL, or the default
    DATABASE_URL=postgres://... python bench/queue_load.py --scale medium
    ... --scale national-members   # the 250,000 members of national scale, no visits (exports read members only)

gunicorn (2 sync workers, production settings, bench/server.py) serves; four people each ask
for the national member export in Excel (the heaviest file: every member, every column); WORKERS
``manage.py db_worker`` processes make them. Meanwhile this process asks, one after the other,
``/healthz`` and a logged-in page (a coordinator's member list) and times each answer. The same
is timed first with the queue idle. Printed as a Markdown table for bench/FINDINGS.md.
"""

import argparse
import contextlib
import os
import signal
import statistics
import subprocess  # nosec B404: our own workers, loopback only
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _times(origin, path, cookie, seconds=None, until=None):
    """Answer times in ms of ``path``, asked one after the other for ``seconds`` or ``until()``."""
    times = []
    began = time.monotonic()
    while True:
        request = urllib.request.Request(origin + path, headers={"Cookie": cookie, "X-Forwarded-Proto": "https"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:  # nosec B310: our loopback server
            response.read()
            assert response.status == 200, (path, response.status)
        times.append((time.perf_counter() - start) * 1000)
        time.sleep(0.05)
        if seconds is not None and time.monotonic() - began >= seconds:
            return times
        if until is not None and until():
            return times


def _row(label, times):
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"| {label} | {len(times)} | {statistics.median(times):.1f} | {p95:.1f} | {max(times):.1f} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="ci")
    parser.add_argument("--workers", type=int, default=4, help="db_worker processes")
    parser.add_argument("--nice", type=int, default=10, help="the workers' niceness (0: as the web)")
    parser.add_argument("--exports", type=int, default=4)
    parser.add_argument("--baseline-seconds", type=int, default=10)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils.crypto import get_random_string

    from bench.generate import SCALES, generate
    from bench.server import production_server, session_key
    from members.models import Member
    from opsi import jobs
    from opsi.models import User
    from opsi.tenant import Branch

    # The members of the national scale alone: an export reads the member table only.
    SCALES["national-members"] = dict(SCALES["national"], visits=0, cases=0, sessions=0, trainings=0)
    call_command("migrate", verbosity=0)
    if not Member.objects.exists():
        print(f"Generating scale {args.scale!r}...")
        generate(args.scale)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    branch = Branch.objects.order_by("pk").first()
    coordinator, _ = User.objects.get_or_create(username="bench.coordinator", defaults={"role": "coordinator"})
    coordinator.branches.set([branch])
    members = Member.objects.count()
    jobs.Job.objects.all().delete()

    secret_key = "bench-" + "k" * 60
    cookie = (
        f"sessionid={session_key(coordinator, secret_key)}; csrftoken={get_random_string(32)}; "
        f"{settings.LANGUAGE_COOKIE_NAME}=id"
    )
    page = "/members/"
    with production_server(secret_key) as server:
        origin = server.origin
        _times(origin, page, cookie, seconds=2)  # warm both gunicorn workers
        idle = {path: _times(origin, path, cookie, seconds=args.baseline_seconds) for path in ("/healthz", page)}

        asked = []
        for n in range(args.exports):
            user, _ = User.objects.get_or_create(username=f"bench.secretariat{n}", defaults={"role": "secretariat"})
            asked.append(jobs.request_job(user, "member_export", {"format": "xlsx", "query": "status=all"})[0].pk)
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{settings.DATABASES['default']['NAME']}"),
        }
        workers = [
            subprocess.Popen(
                ["nice", "-n", str(args.nice), sys.executable, "manage.py", "db_worker", "--no-reload", "-v0"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
            for _ in range(args.workers)
        ]
        try:

            def all_done():
                return not jobs.Job.objects.filter(pk__in=asked).exclude(state__in=["done", "failed"]).exists()

            began = time.monotonic()
            busy = {"/healthz": [], page: []}
            while not all_done():
                for path in busy:
                    busy[path] += _times(origin, path, cookie, until=lambda: True)
            elapsed = time.monotonic() - began
        finally:
            for worker in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=120)
    made = list(jobs.Job.objects.filter(pk__in=asked).values_list("state", "started_at", "finished_at", "size"))
    assert all(state == "done" for state, *_ in made), made
    durations = [(finished - started).total_seconds() for _, started, finished, _ in made]
    print(
        f"\n{connection.vendor}, scale {args.scale} ({members:,} members), {args.exports} national XLSX exports "
        f"on {args.workers} workers (nice {args.nice}); all made in {elapsed:.1f} s, each "
        f"{min(durations):.1f}-{max(durations):.1f} s, {made[0][3] / 1e6:.1f} MB\n"
    )
    print("| request | answers | median ms | p95 ms | max ms |")
    print("| --- | --- | --- | --- | --- |")
    for path in ("/healthz", page):
        print(_row(f"`{path}` queue idle", idle[path]))
        print(_row(f"`{path}` {args.exports} exports running", busy[path]))


if __name__ == "__main__":
    main()
