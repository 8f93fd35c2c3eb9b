"""Benchmark pages, the visit POST, the national report and load on gunicorn.

    python bench/run.py --scale ci          # generate (if the database is empty) and measure
    DATABASE_URL=postgres://... python bench/run.py --scale national

Timings are medians and 95th percentiles of repeated runs (time.perf_counter),
through Django's test client in this process; the load test runs gunicorn on
127.0.0.1 and drives it with wrk (bounded: a few seconds per target). Results go
to bench/RESULTS.md (or --out).
"""

import argparse
import datetime
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values, p):
    """The nearest-rank percentile: the 95th of 20 values is the 19th, not the largest (which
    the half-up rounding this replaced gave, Python rounding 19.5 to 20)."""
    values = sorted(values)
    index = max(0, min(len(values) - 1, math.ceil(p / 100 * len(values)) - 1))
    return values[index]


def cpu_probe():
    """Milliseconds for a fixed Python loop: shared machines vary, so runs compare only beside this."""
    began = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return (time.perf_counter() - began) * 1000


def measure(fn, repeat):
    fn()  # warm up
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), percentile(times, 95)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="ci")
    # 40: on a shared machine one stray slow request among 20 was the p95 by itself.
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--load-seconds", type=int, default=5)
    parser.add_argument("--load-rounds", type=int, default=3, help="interleaved rounds of the load test")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
    parser.add_argument(
        "--only",
        action="append",
        choices=["pages", "report", "load"],
        help="run only this part (repeatable); the results are printed and no file is written",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from bench.generate import generate
    from members.models import Member
    from opsi.tenant import Branch, DropInCentre
    from opsi.models import User
    from services.models import ServiceType, Visit

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    generation = None
    if not Member.objects.exists():
        print(f"Generating scale {args.scale!r}...")
        generation = generate(args.scale)
        if connection.vendor == "postgresql":
            # Measure the database as it is in service, vacuumed and analysed: straight after the
            # bulk inserts autovacuum works through millions of rows during the measurements, and
            # index-only counts read the table until the visibility map is set.
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            generation["VACUUM ANALYZE (every table)"] = (None, time.perf_counter() - began)
            print(f"  VACUUM ANALYZE {generation['VACUUM ANALYZE (every table)'][1]:.1f} s")
    vendor = connection.vendor
    branch = Branch.objects.order_by("pk").first()
    coordinator, _ = User.objects.get_or_create(username="bench.coordinator", defaults={"role": "coordinator"})
    coordinator.branches.set([branch])
    secretariat, _ = User.objects.get_or_create(username="bench.secretariat", defaults={"role": "secretariat"})
    member = Member.objects.filter(branch=branch).order_by("pk")[Member.objects.filter(branch=branch).count() // 2]
    centre = DropInCentre.objects.filter(branch=branch).first()
    client = Client()
    client.force_login(coordinator)
    counts = {"branches": Branch.objects.count(), "members": Member.objects.count(), "visits": Visit.objects.count()}

    def logged_in(user):
        """A client logged in as ``user``, with the second factor where the role needs it."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from opsi.two_factor import required_for

        other = Client()
        other.force_login(user)
        if required_for(user):
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
            session = other.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return other

    outreach_worker, _ = User.objects.get_or_create(username="bench.outreach", defaults={"role": "outreach_worker"})
    outreach_worker.branches.set([branch])
    administrator, _ = User.objects.get_or_create(username="bench.admin", defaults={"role": "admin"})
    crisis_response, _ = User.objects.get_or_create(username="bench.crisis", defaults={"role": "crisis_response"})
    clients = {
        "coordinator": client,
        "outreach worker": logged_in(outreach_worker),
        "secretariat": logged_in(secretariat),
        "administrator": logged_in(administrator),
        "crisis response": logged_in(crisis_response),
    }

    def page(url, data=None, as_client=None, before=None):
        def get():
            if before:
                before()
            response = (as_client or client).get(url, data or {})
            assert response.status_code == 200, (url, response.status_code)

        connection.queries_log.clear()  # a full log would hide new queries from the count
        with CaptureQueriesContext(connection) as ctx:
            get()
        median, p95 = measure(get, args.repeat)
        return median, p95, len(ctx.captured_queries)

    parts = set(args.only or ["pages", "report", "load"])
    results = []

    def record(name, median, p95, queries=None):
        results.append((name, median, p95, queries))
        print(
            f"{name:<32} median {median:7.1f} ms  p95 {p95:7.1f} ms"
            + ("" if queries is None else f"  {queries} queries")
        )

    if "pages" in parts:
        code_prefix = member.uic[:6]
        from django.db.models import Count

        from services.models import Visit

        # The member of the branch with the most visits: a regular's page, not a newcomer's.
        regular = Visit.objects.filter(member__branch=branch).values("member").annotate(n=Count("*")).order_by("-n")[:1]
        regular = regular[0]["member"] if regular else member.pk
        for name, url, data in [
            ("member search by alias", "/members/", {"q": member.alias.split()[-1]}),
            ("member search by code", "/members/", {"q": code_prefix}),
            ("member list", "/members/", None),
            ("member page with timeline", f"/members/{member.pk}/", None),
            ("member page, the longest history in the branch", f"/members/{regular}/", None),
            ("visit form", "/visits/new/", {"member": member.pk}),
            ("drop-in centre visits", f"/drop-in-centres/{centre.pk}/visits/", None),
            # The rest of the menu (templates/includes/nav_items.html), as a coordinator sees it.
            ("referrals", "/referrals/", None),
            ("paperwork", "/cases/stuck/", None),
            ("outreach sessions", "/outreach/", None),
            ("trainings", "/trainings/", None),
            ("branches", "/branches/", None),
            ("incidents", "/incidents/", None),
            ("reports page", "/reports/", None),
        ]:
            median, p95, queries = page(url, data)
            record(name, median, p95, queries)

        from django.core.cache import cache
        from django.utils import timezone

        from services.today import branch_figures_key

        def forget_branch_figures():
            cache.delete(branch_figures_key(timezone.localdate()))

        from opsi import kept as facts

        late_centre = Visit.objects.values_list("drop_in_centre", flat=True).first()

        def after_a_late_visit():
            # What a visit typed in today for yesterday drops: its branch's row of this quarter's
            # kept days, counted again on the next page.
            yesterday = facts.today() - datetime.timedelta(days=1)
            facts.written(Visit, "made", [Visit(drop_in_centre_id=late_centre, visited_on=yesterday)])
            forget_branch_figures()

        for role, other in clients.items():
            homes = [(f"home, {role}", None)]
            if role == "secretariat":  # its branch table is kept 5 minutes: measure it read afresh too
                homes.append(("home, secretariat, figures afresh", forget_branch_figures))
                homes.append(("home, secretariat, after a visit typed in late", after_a_late_visit))
            for name, before in homes:
                median, p95, queries = page("/", as_client=other, before=before)
                record(name, median, p95, queries)
        median, p95, queries = page("/incidents/", as_client=clients["crisis response"])  # every branch's
        record("incidents, crisis response", median, p95, queries)

        service = ServiceType.objects.filter(commodity__isnull=True).first()

        def post_visit():
            import uuid

            response = client.post(
                "/visits/new/",
                {
                    "member": member.pk,
                    "submission_key": str(uuid.uuid4()),
                    "services": [service.pk],
                    "drop_in_centre": centre.pk,
                    "visited_on": branch.today().isoformat(),
                },
            )
            assert response.status_code == 302, response.content[:500]
            client.get(response.url)

        median, p95 = measure(post_visit, args.repeat)
        record("log a visit (POST + redirect)", median, p95)

    report_times = pdf_times = None
    if "report" in parts:
        report, report_times, pdf_times = measure_report(secretariat)
        for name, (median, p95, queries) in report_times.items():
            print(f"{name:<60} median {median:6.0f} ms  p95 {p95:6.0f} ms  {queries} queries")
        print(f"PDF median {pdf_times[0]:.0f} ms")

    load = None if args.no_load or "load" not in parts else load_test(args, coordinator, member)

    if args.only:  # a part of the run: printed, the results file left as it is
        if load:
            for name, rps, p90, p99, non2xx, ratios in load[1]:
                print(
                    f"load {name:<26} {rps:8.0f} req/s  ratios " + ", ".join(f"{k}: {v:.2f}" for k, v in ratios.items())
                )
        return
    write_results(args, vendor, counts, generation, results, report_times, pdf_times, load)
    print(f"Results written to {args.out}")


# The national annual report as the secretariat meets it (medians of 5 builds each). A closed
# year is kept once counted (reports.kept), and so are the key figures of the year before that
# every report shows beside its own: what is counted live is the open year, a closed year after
# a late change into it, and everything on the first report of a day (kept figures last a day).
FIRST_COUNT = "first report of a day, closed year (nothing kept)"
OPEN_YEAR = "the open year, counted live (the year before kept)"
LATE_CHANGE = "a closed year recounted after a late change into it"
READ_BACK = "a closed year read back from its kept figures"


def measure_report(secretariat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import kept, periods
    from reports.building import build_report
    from reports.definitions import BRIDGING_THE_GAPS
    from reports.exporters import PdfExport
    from opsi.kept import Reach
    from opsi.models import KeptFact
    from reports.scopes import Scope

    this_year = datetime.date.today().year
    closed, open_year = periods.year(this_year - 1), periods.year(this_year)

    def build(period):
        return build_report(BRIDGING_THE_GAPS, period, Scope("national"), secretariat)

    def first_count():
        KeptFact.objects.filter(kind=kept.REPORT.name).delete()
        return build(closed)

    def late_change():
        kept.facts.forget({kept.REPORT: Reach(datetime.date(this_year - 1, 6, 1))})  # what a visit of last June drops
        return build(closed)

    scenarios = [
        (FIRST_COUNT, first_count),
        (OPEN_YEAR, lambda: build(open_year)),
        (LATE_CHANGE, late_change),
        (READ_BACK, lambda: build(closed)),
    ]
    first_count()
    build(open_year)  # keeps the key figures of the closed year too
    found = {}
    for name, fn in scenarios:
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        found[name] = (*measure(fn, 5), len(ctx.captured_queries))
    report = build(closed)
    return report, found, measure(lambda: PdfExport().write(report), 3)


def load_test(args, user, member):
    """Throughput and p95 on gunicorn (2 workers) of a trivial view, member search and the visit form."""
    if not shutil.which("wrk"):
        print("wrk not found (apt-get install wrk): load test skipped")
        return None
    from django.utils.crypto import get_random_string

    from bench.server import production_server, session_key

    secret_key = "bench-" + "k" * 60
    key = session_key(user, secret_key)
    with production_server(secret_key) as server:
        origin = server.origin
        # A browser sends back its CSRF and language cookies too; without them every page would set
        # them again.
        from django.conf import settings

        cookie = (
            f"sessionid={key}; csrftoken={get_random_string(32)}; "
            f"{settings.LANGUAGE_COOKIE_NAME}={user.language or settings.LANGUAGE_CODE}"
        )
        subprocess.run(["wrk", "-t1", "-c2", "-d1s", f"{origin}/healthz"], capture_output=True)
        # Two baselines: the bare stack (no session cookie: no session, user or branch read),
        # and the same trivial view for a logged-in user, who pays the session, the user, the
        # two-step check and the branches on every page before the page's own work.
        targets = [
            ("trivial view, anonymous", "/healthz", False),
            ("trivial view, logged in", "/healthz", True),
            ("member search", f"/members/?q={member.uic[:6]}", True),
            ("visit form", f"/visits/new/?member={member.pk}", True),
        ]
        # The machine's speed drifts by 10-20 % from minute to minute: the targets run in
        # interleaved rounds and every ratio is taken within a round, then the median.
        rounds = {name: [] for name, _path, _logged_in in targets}
        for round_number in range(args.load_rounds):
            for name, path, logged_in in targets:
                headers = ["-H", f"Cookie: {cookie}"] if logged_in else []
                out = subprocess.run(
                    [
                        "wrk",
                        "-t2",
                        "-c8",
                        f"-d{args.load_seconds}s",
                        "--latency",
                        *headers,
                        "-H",
                        "X-Forwarded-Proto: https",
                        f"{origin}{path}",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=args.load_seconds + 30,
                ).stdout
                rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
                p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)
                p90 = re.search(r"90%\s+([\d.]+)(\w+)", out)
                non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
                check = subprocess.run(
                    [
                        "curl",
                        "-s",
                        "-o",
                        "/dev/null",
                        "-w",
                        "%{http_code}",
                        "-H",
                        f"Cookie: {cookie}",
                        "-H",
                        "X-Forwarded-Proto: https",
                        f"{origin}{path}",
                    ],
                    capture_output=True,
                    text=True,
                ).stdout
                assert check == "200", f"{path} answered {check}, not 200: the load test would measure the wrong page"
                rounds[name].append((rps, _ms(p90), _ms(p99), int(non2xx.group(1)) if non2xx else 0))
                print(
                    f"load {name:<26} round {round_number + 1}: {rps:8.0f} req/s  p90 {_ms(p90):6.1f} ms  "
                    f"p99 {_ms(p99):6.1f} ms"
                )
        found = []
        for name, runs in rounds.items():
            ratios = {
                base: statistics.median(r[0] / b[0] for r, b in zip(runs, rounds[base]))
                for base in ("trivial view, anonymous", "trivial view, logged in")
            }
            found.append(
                (
                    name,
                    statistics.median(r[0] for r in runs),
                    statistics.median(r[1] for r in runs),
                    statistics.median(r[2] for r in runs),
                    sum(r[3] for r in runs),
                    ratios,
                )
            )
        return server.cache, found


def _ms(match):
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000}.get(unit, 1)


def write_results(args, vendor, counts, generation, results, report_times, pdf_times, load):
    lines = [
        "# Benchmark results",
        "",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}",
        f"- CPU probe (a 3-million-step Python loop, lower is faster): {cpu_probe():.0f} ms",
        f"- Database: {vendor}",
        f"- Scale: {args.scale} ({counts['branches']} branches, {counts['members']:,} members, {counts['visits']:,} visits)",
        f"- Repeats per page: {args.repeat} (test client, in process)",
        "",
    ]
    if generation:
        lines += ["## Data generation (bulk inserts)", "", "| table | rows | seconds |", "| --- | ---: | ---: |"]
        lines += [
            f"| {name} | {'–' if rows is None else f'{rows:,}'} | {secs:.1f} |"
            for name, (rows, secs) in generation.items()
        ]
        lines.append("")
    lines += [
        "## Pages",
        "",
        "| page | median ms | p95 ms | queries | p95 < 50 ms |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    lines += [
        f"| {n} | {m:.1f} | {p:.1f} | {q if q is not None else '–'} | "
        f"{('yes' if p < 50 else 'no') if q is not None else '–'} |"
        for n, m, p, q in results
    ]
    lines += [
        "",
        "## National annual report",
        "",
        "| indicators | median ms | p95 ms | queries |",
        "| --- | ---: | ---: | ---: |",
        *(f"| {name} | {m:.0f} | {p:.0f} | {q} |" for name, (m, p, q) in report_times.items()),
        "",
        f"- PDF (WeasyPrint): median {pdf_times[0]:.0f} ms, p95 {pdf_times[1]:.0f} ms",
        "",
    ]
    if load:
        cache, runs = load
        lines += [
            f"## Load on gunicorn (2 sync workers, wrk -t2 -c8, {args.load_rounds} interleaved rounds of "
            f"{args.load_seconds} s; medians)",
            "",
            f"Cache: {cache}.",
            "",
            "| target | req/s | p90 ms | p99 ms | ratio to trivial, anonymous | ratio to trivial, logged in "
            "| non-2xx |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {n} | {r:.0f} | {p90:.1f} | {p99:.1f} | {ratios['trivial view, anonymous']:.2f} "
            f"| {ratios['trivial view, logged in']:.2f} | {bad} |"
            for n, r, p90, p99, bad, ratios in runs
        ]
        lines.append("")
    lines += targets_table(results, report_times, pdf_times, load)
    lines += growth_table(args, vendor, counts, results, report_times)
    Path(args.out).write_text("\n".join(lines))


def targets_table(results, report_times, pdf_times, load):
    """The targets (set for national scale on PostgreSQL), met or not at this run's scale."""
    load = load[1] if load else None
    p95 = {name: p for name, _m, p, _q in results}
    rows = [
        ("member search p95 < 100 ms", p95["member search by alias"], 100, "ms"),
        ("visit POST p95 < 100 ms", p95["log a visit (POST + redirect)"], 100, "ms"),
        *(
            (f"national annual indicators, {name}, median < 1 s", report_times[name][0], 1000, "ms")
            for name in (OPEN_YEAR, LATE_CHANGE, FIRST_COUNT)
        ),
        ("its PDF median < 3 s", pdf_times[0], 3000, "ms"),
    ]
    slowest = max((p, name) for name, _m, p, q in results if q is not None)  # pages (GET), not the POST
    rows.append((f"every page p95 < 50 ms (slowest: {slowest[1]})", slowest[0], 50, "ms"))
    lines = ["## Targets", "", "| target | figure | met |", "| --- | ---: | --- |"]
    lines += [
        f"| {label} | {figure:.0f} {unit} | {'yes' if figure < limit else 'no'} |"
        for label, figure, limit, unit in rows
    ]
    if load:
        ratio = {name: ratios for name, *_rest, ratios in load}["trivial view, logged in"]["trivial view, anonymous"]
        lines.append(
            f"| trivial view logged in >= 0.6 of anonymous, under load | {ratio:.2f} "
            f"| {'yes' if ratio >= 0.6 else 'no'} |"
        )
        for page in ("member search", "visit form"):
            ratio = {name: ratios for name, *_rest, ratios in load}[page]["trivial view, logged in"]
            lines.append(
                f"| {page} under load >= half the trivial view, logged in | {ratio:.2f} "
                f"| {'yes' if ratio >= 0.5 else 'no'} |"
            )
    return lines + [""]


# What "how cost grows" compares between scales: a page's figures, or the indicators'.
GROWTH_PAGES = ["member page with timeline", "member search by alias", "member search by code"]


def growth_table(args, vendor, counts, results, report_times):
    """The member page, member search and the indicators at each scale measured on this
    database, side by side: each run keeps its figures in bench/growth-<scale>-<database>.json
    and the table is built from every such file there (the other scales as last measured)."""
    import json

    by_name = {name: (median, p95, queries) for name, median, p95, queries in results}
    mine = {
        "scale": args.scale,
        "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        "members": counts["members"],
        "visits": counts["visits"],
        "cpu_probe_ms": round(cpu_probe()),
        "figures": {
            **{name: by_name[name] for name in GROWTH_PAGES},
            "national annual indicators": report_times[FIRST_COUNT],
        },
    }
    folder = Path(args.out).resolve().parent
    (folder / f"growth-{args.scale}-{vendor}.json").write_text(json.dumps(mine, indent=1) + "\n")
    known = {}
    for path in folder.glob(f"growth-*-{vendor}.json"):
        found = json.loads(path.read_text())
        known[found["scale"]] = found
    order = ["ci", "medium", "national"]
    scales = sorted(known, key=lambda scale: (order.index(scale) if scale in order else len(order), scale))
    lines = [
        "## How cost grows (median ms / p95 ms / queries at each scale)",
        "",
        "| | " + " | ".join(scales) + " |",
        "| --- |" + " ---: |" * len(scales),
        "| members | " + " | ".join(f"{known[s]['members']:,}" for s in scales) + " |",
        "| visits | " + " | ".join(f"{known[s]['visits']:,}" for s in scales) + " |",
        "| measured on (CPU probe) | "
        + " | ".join(f"{known[s]['date']} ({known[s]['cpu_probe_ms']} ms)" for s in scales)
        + " |",
    ]
    for name in [*GROWTH_PAGES, "national annual indicators"]:
        cells = []
        for scale in scales:
            figures = known[scale]["figures"].get(name)
            cells.append(f"{figures[0]:.1f} / {figures[1]:.1f} / {figures[2]}" if figures else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines + [
        "",
        "Each scale's figures come from its own run (`bench/growth-<scale>-<database>.json`): "
        "compare them with their CPU probes beside them.",
        "",
    ]


if __name__ == "__main__":
    main()
