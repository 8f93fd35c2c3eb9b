"""Fill a database with synthetic data at a chosen scale, with bulk inserts.

    python bench/generate.py --scale ci        # about a minute or less
    python bench/generate.py --scale national  # 38 branches, 250,000 members, 2,500,000 visits

All of it is invented: random codes and aliases, never real people.
"""

import argparse
import datetime
import os
import random
import sys
import time
import uuid
from pathlib import Path

SCALES = {
    # branches, centres, members, visits, cases, outreach sessions, trainings
    "ci": dict(branches=6, centres=10, members=2_000, visits=20_000, cases=800, sessions=500, trainings=50),
    "medium": dict(
        branches=38, centres=120, members=25_000, visits=250_000, cases=10_000, sessions=6_000, trainings=500
    ),
    "national": dict(
        branches=38, centres=120, members=250_000, visits=2_500_000, cases=100_000, sessions=60_000, trainings=5_000
    ),
}
BATCH = 5_000
YEARS = 3


def setup_django():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    import django

    django.setup()


def generate(scale, seed=1, out=print):
    from django.db import transaction

    from opsi import provinces
    from members.models import Member, MemberKindPeriod
    from opsi.tenant import Branch, DropInCentre
    from outreach.models import OutreachContact, OutreachSession, Training, TrainingAttendance
    from services.models import CaseStep, PaperworkCase, ServiceType, Visit, VisitService

    sizes = SCALES[scale]
    rng = random.Random(seed)
    today = datetime.date.today()
    start = today - datetime.timedelta(days=365 * YEARS)
    timings = {}

    def timed(name, fn):
        began = time.perf_counter()
        count = fn()
        timings[name] = (count, time.perf_counter() - began)
        out(f"  {name:<22} {count:>10,} rows  {timings[name][1]:6.1f} s")

    def day():
        return start + datetime.timedelta(days=rng.randint(0, 365 * YEARS - 1))

    def uic(n):
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return (
            letters[n % 26]
            + letters[n // 26 % 26]
            + letters[n // 676 % 26]
            + letters[n // 17576 % 26]
            + str(rng.choice([1, 2, 3]))
            + f"{n % 28 + 1:02d}{n % 12 + 1:02d}{n // 336 % 100:02d}"
        )

    with transaction.atomic():
        codes = [p.code for p in provinces.PROVINCES][: sizes["branches"]]
        existing = set(Branch.objects.values_list("province", flat=True))
        Branch.objects.bulk_create(
            Branch(province=c, name=f"{provinces.BY_CODE[c].name}", region="west") for c in codes if c not in existing
        )
        branches = list(Branch.objects.filter(province__in=codes))
        centres = [
            DropInCentre(branch=branches[i % len(branches)], name=f"DIC bench {i}") for i in range(sizes["centres"])
        ]
        timed("drop-in centres", lambda: len(DropInCentre.objects.bulk_create(centres)))
        centres_by_branch = {}
        for centre in centres:
            centres_by_branch.setdefault(centre.branch_id, []).append(centre)

        def members():
            made = []
            for i in range(0, sizes["members"], BATCH):
                batch = []
                for n in range(i, min(i + BATCH, sizes["members"])):
                    joined = day()
                    batch.append(
                        Member(
                            branch=branches[n % len(branches)],
                            uic=uic(n),
                            alias=f"Anggota {n}",
                            kind=rng.choices(["regular", "former", "honorary"], [85, 12, 3])[0],
                            gender=rng.choices(["woman", "waria", "man", "not_said"], [75, 15, 8, 2])[0],
                            birth_year=rng.randint(1965, 2005),
                            work_setting=rng.choice(["street", "venue", "online"]),
                            joined_on=joined,
                            consent_on=joined,
                            peer_educator=rng.random() < 0.05,
                        )
                    )
                made += Member.objects.bulk_create(batch)
            MemberKindPeriod.objects.bulk_create(
                (MemberKindPeriod(member=m, kind=m.kind, started_on=m.joined_on) for m in made), batch_size=BATCH
            )
            return made

        member_list = []
        timed("members", lambda: len(member_list.extend(members()) or member_list))
        by_branch = {}
        for m in member_list:
            by_branch.setdefault(m.branch_id, []).append(m)
        services = list(ServiceType.objects.all())

        def visits():
            total = 0
            for i in range(0, sizes["visits"], BATCH):
                batch = []
                for _ in range(min(BATCH, sizes["visits"] - i)):
                    member = rng.choice(member_list)
                    batch.append(
                        Visit(
                            drop_in_centre=rng.choice(centres_by_branch[member.branch_id]),
                            member=member,
                            uic=member.uic,
                            visited_on=day(),
                            submission_key=uuid.uuid4(),
                        )
                    )
                Visit.objects.bulk_create(batch)
                VisitService.objects.bulk_create(
                    VisitService.line(v, s, 10 if s.commodity_id else 1) for v in batch for s in rng.sample(services, 2)
                )
                total += len(batch)
            return total

        timed("visits (+2 services)", visits)

        def cases():
            batch = []
            for _ in range(sizes["cases"]):
                member = rng.choice(member_list)
                opened = day()
                issued = rng.random() < 0.6
                step_on = min(today, opened + datetime.timedelta(days=rng.randint(5, 120)))
                batch.append(
                    PaperworkCase(
                        member=member,
                        document=rng.choice(["ktp", "kk", "birth_certificate", "bpjs"]),
                        opened_on=opened,
                        step="issued" if issued else "submitted",
                        step_on=step_on,
                        issued_on=step_on if issued else None,
                    )
                )
            made = PaperworkCase.objects.bulk_create(batch, batch_size=BATCH)
            CaseStep.objects.bulk_create((CaseStep(case=c, step=c.step, on=c.step_on) for c in made), batch_size=BATCH)
            return len(made)

        timed("paperwork cases", cases)

        def sessions():
            made = OutreachSession.objects.bulk_create(
                (
                    OutreachSession(
                        branch=rng.choice(branches),
                        held_on=day(),
                        place_kind="hotspot",
                        new_contacts=rng.randint(0, 10),
                        repeat_contacts=rng.randint(0, 10),
                    )
                    for _ in range(sizes["sessions"])
                ),
                batch_size=BATCH,
            )
            OutreachContact.objects.bulk_create(
                (
                    OutreachContact(session=s, member=m, uic=m.uic)
                    for s in made
                    for m in rng.sample(by_branch.get(s.branch_id, member_list), 2)
                ),
                batch_size=BATCH,
            )
            return len(made)

        timed("outreach sessions", sessions)

        def trainings():
            made = Training.objects.bulk_create(
                (
                    Training(
                        title=f"Pelatihan {n}",
                        topic="hiv_sti",
                        audience="members",
                        branch=rng.choice(branches),
                        starts_on=(d := day()),
                        ends_on=d,
                    )
                    for n in range(sizes["trainings"])
                ),
                batch_size=BATCH,
            )
            TrainingAttendance.objects.bulk_create(
                (
                    TrainingAttendance(training=t, member=m, day=t.starts_on)
                    for t in made
                    for m in rng.sample(by_branch.get(t.branch_id, member_list), 10)
                ),
                batch_size=BATCH,
                ignore_conflicts=True,
            )
            return len(made)

        timed("trainings", trainings)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default="ci")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"Generating scale {args.scale!r}")
    began = time.perf_counter()
    generate(args.scale, args.seed)
    print(f"Done in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
