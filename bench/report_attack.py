"""The attacker's test on benchmark data: every report of a year, downloaded and solved together.

    python bench/report_attack.py --scale ci
    DATABASE_URL=postgres://... python bench/report_attack.py --scale national --year 2025

As ``tests/reports/test_report_set_attack.py`` does on the demo data, the secretariat and a
coordinator download, through the report download URL, every report of the year their form
offers (both definitions, quarters, halves, the year, every scope, with and without "for use
outside OPSI", both languages; month ranges, 1 January to each day of the busiest month, one-day
national reports), and ``tests.reports.lattice`` solves them together. Prints the time taken
and what was pinned; exits 1 when a protected figure is given back. The benchmark data has no
incidents: a few per branch and month are added (once, on distinct days, perpetrators and kinds).
"""

import argparse
import datetime
import logging
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def add_incidents(year, per_branch_and_month, seed=27):
    """Incidents of ``year`` on random days of each branch, recorded a day after (none if any exist)."""
    from django.utils import timezone

    from incidents.models import Consent, Incident, PerpetratorKind, PlaceKind, Violation, ViolationKind
    from opsi.tenant import Branch

    if Incident.objects.exists():
        return 0
    rng = random.Random(seed)
    made = []
    for branch in Branch.objects.order_by("pk"):
        for month in range(1, 13):
            for _ in range(rng.randint(0, per_branch_and_month)):
                day = datetime.date(year, month, rng.randint(1, 28))
                made.append(
                    Incident(
                        branch=branch,
                        occurred_on=day,
                        place_kind=rng.choice(PlaceKind.values),
                        perpetrator=rng.choice(PerpetratorKind.values),
                        account="Kejadian sintetis untuk uji beban.",
                        consent=rng.choices(Consent.values, weights=[15, 50, 20, 15])[0],
                        reported_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
                        + datetime.timedelta(hours=rng.randint(2, 30)),
                    )
                )
    Incident.objects.bulk_create(made)
    Violation.objects.bulk_create(
        Violation(incident=incident, kind=kind)
        for incident in made
        for kind in rng.sample(ViolationKind.values, rng.randint(1, 2))
    )
    return len(made)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="ci")
    parser.add_argument("--year", type=int, default=datetime.date.today().year - 1)
    parser.add_argument("--incidents", type=int, default=3, help="at most this many per branch and month")
    parser.add_argument("--no-ranges", action="store_true", help="calendar periods only")
    parser.add_argument("--definitions", default="btg,gam", help="report definitions, comma-separated")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.generate import generate
    from members.models import Member
    from opsi.models import User
    from opsi.tenant import Branch
    from opsi.two_factor import required_for
    from services.models import Visit
    from tests.reports.report_set import attack

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("django.request").setLevel(logging.ERROR)  # a refused request is no data, not news
    call_command("migrate", verbosity=0)
    if not Member.objects.exists():
        print(f"Generating scale {args.scale!r}...")
        generate(args.scale)
    added = add_incidents(args.year, args.incidents)
    print(
        f"{connection.vendor}, {Branch.objects.count()} branches, {Member.objects.count():,} members, "
        f"{Visit.objects.count():,} visits; {added} incidents added for {args.year}"
    )
    branch = Branch.objects.order_by("pk").first()
    coordinator, _ = User.objects.get_or_create(username="bench.coordinator", defaults={"role": "coordinator"})
    coordinator.branches.set([branch])
    secretariat, _ = User.objects.get_or_create(username="bench.secretariat", defaults={"role": "secretariat"})

    failed = False
    for user in (secretariat, coordinator):
        client = Client()
        client.force_login(user)
        if required_for(user):
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        began = time.perf_counter()
        result = attack(client, user, args.year, args.definitions.split(","), ranges=not args.no_ranges)
        print(f"\n{user.username} ({time.perf_counter() - began:.1f} s in all)")
        for name, value in result.summary().items():
            print(f"  {name:<40} {value}")
        for line in result.examples(10):
            print("    " + line)
        failed = failed or bool(result.forbidden or result.false)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
