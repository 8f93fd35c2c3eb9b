"""Where the national annual report spends its time: SQL, rounding (protection), the rest.

    DATABASE_URL=postgres://... python -m bench.report_profile --scale medium [--repeat 7] [--profile]

Generates the data once (an empty database only), then builds the national annual report of
last year several times and prints the median, the query count, the time spent in the database
(each query timed through an execute wrapper), in rounding, and the slowest queries. With
--profile, one more build under cProfile. With --explain, EXPLAIN ANALYZE of each query.
"""

import argparse
import cProfile
import datetime
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Timer:
    """An execute wrapper that keeps each query's SQL and milliseconds."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - began) * 1000, sql, params))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument(
        "--suppress", action="store_true", help="the version for use outside OPSI (every figure rounded)"
    )
    parser.add_argument("--branch", action="store_true", help="one branch's report instead of the national one")
    parser.add_argument("--fresh", action="store_true", help="drop the kept figures before each build (a recount)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import generate
    from members.models import Member
    from opsi.models import User
    from reports import periods, protection
    from reports.building import build_report
    from reports.definitions import BRIDGING_THE_GAPS
    from reports.exporters import PdfExport
    from reports.scopes import Scope

    call_command("migrate", verbosity=0)
    if not Member.objects.exists():
        print(f"Generating scale {args.scale!r}...")
        generate(args.scale)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
    secretariat, _ = User.objects.get_or_create(username="bench.secretariat", defaults={"role": "secretariat"})
    year = periods.year(datetime.date.today().year - 1)

    from opsi.tenant import Branch

    scope = Scope("branch", str(Branch.objects.order_by("pk").first().pk)) if args.branch else Scope("national")

    def build():
        if args.fresh:
            from opsi.models import KeptFact
            from reports.kept import REPORT

            KeptFact.objects.filter(kind=REPORT.name).delete()
        return build_report(BRIDGING_THE_GAPS, year, scope, secretariat, args.suppress)

    spent = {"suppress": 0.0}
    original = protection.protect

    def timed_suppress(*a, **k):
        began = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            spent["suppress"] += (time.perf_counter() - began) * 1000

    protection.protect = timed_suppress  # building calls it through the module
    build()  # warm up
    rows = []
    for _ in range(args.repeat):
        timer = Timer()
        spent["suppress"] = 0.0
        began = time.perf_counter()
        with connection.execute_wrapper(timer):
            report = build()
        total = (time.perf_counter() - began) * 1000
        sql = sum(q[0] for q in timer.queries)
        rows.append((total, sql, spent["suppress"], len(timer.queries)))
        print(
            f"total {total:7.0f} ms   sql {sql:7.0f} ms   protection {spent['suppress']:6.0f} ms   "
            f"other {total - sql - spent['suppress']:6.0f} ms   {len(timer.queries)} queries"
        )
    print(
        "median total {:.0f} ms, sql {:.0f} ms, protection {:.0f} ms, queries {}".format(
            *(statistics.median(r[i] for r in rows) for i in range(3)), rows[-1][3]
        )
    )
    print("slowest queries of the last build:")
    for ms, sql, params in sorted(timer.queries, key=lambda q: q[0], reverse=True)[:12]:
        print(f"  {ms:7.1f} ms  {sql[:220]}")
    if args.explain and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for ms, sql, params in sorted(timer.queries, key=lambda q: q[0], reverse=True)[:12]:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(r[0] for r in cursor.fetchall())
                print(f"\n--- {ms:.1f} ms\n{sql[:400]}\n{plan}")
    if args.pdf:
        times = []
        for _ in range(3):
            began = time.perf_counter()
            PdfExport().write(report)
            times.append((time.perf_counter() - began) * 1000)
        print(f"PDF median {statistics.median(times):.0f} ms ({', '.join(f'{t:.0f}' for t in times)})")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        build()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
