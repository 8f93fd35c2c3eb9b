"""A year of synthetic visits, referrals, paperwork cases and stock (no real people)."""

import datetime
import random
import uuid

from django.utils import timezone

from .models import (
    CaseStep,
    Commodity,
    Document,
    FacilityKind,
    HealthCare,
    HivResult,
    HivResultKind,
    PaperworkCase,
    Prep,
    Referral,
    ReferralOutcome,
    ServiceType,
    Step,
    StockMovement,
    Visit,
    VisitService,
)

WALK_IN_CODES = ["WAKU2010101", "JOSA2020292", "RIBU3030393", "NIAG2040494"]


def seed(context, visits_per_centre=150):
    rng = random.Random(4)
    today = timezone.localdate()
    services = list(ServiceType.objects.all())
    condoms = Commodity.objects.filter(name="Kondom").first()
    lube = Commodity.objects.filter(name="Pelicin").first()
    coordinator = context["users"]["koordinator.jakarta"]
    members = context.get("members", [])
    for branch in context["branches"].values():
        branch_members = [m for m in members if m.branch_id == branch.pk]
        for centre in branch.drop_in_centres.all():
            for item, amount in ((condoms, 5000), (lube, 2000)):
                if item:
                    StockMovement.objects.create(
                        drop_in_centre=centre,
                        commodity=item,
                        on=today - datetime.timedelta(days=365),
                        kind=StockMovement.Kind.RECEIVED,
                        quantity=amount,
                        source="Donor",
                    )
            visits = []
            for _ in range(visits_per_centre):
                member = rng.choice(branch_members) if branch_members and rng.random() < 0.85 else None
                visits.append(
                    Visit(
                        drop_in_centre=centre,
                        member=member,
                        uic=member.uic if member else rng.choice(WALK_IN_CODES),
                        visited_on=today - datetime.timedelta(days=rng.randint(0, 364)),
                        submission_key=uuid.uuid4(),
                    )
                )
            Visit.objects.bulk_create(visits)
            lines, out = [], {}
            for visit in visits:
                for service in rng.sample(services, rng.randint(1, 3)):
                    quantity = rng.choice([5, 10, 20]) if service.commodity_id else 1
                    lines.append(VisitService.line(visit, service, quantity))
                    if service.commodity_id:
                        out[service.commodity_id] = out.get(service.commodity_id, 0) + quantity
            VisitService.objects.bulk_create(lines)
            StockMovement.objects.bulk_create(
                StockMovement(
                    drop_in_centre=centre,
                    commodity_id=item,
                    on=today,
                    kind=StockMovement.Kind.HANDED_OUT,
                    quantity=-quantity,
                    source="visits",
                )
                for item, quantity in out.items()
            )
            _seed_care(branch, centre, visits, coordinator, today)
            Referral.objects.bulk_create(
                Referral(
                    branch=branch,
                    member=v.member,
                    uic=v.uic,
                    visit=v,
                    made_on=v.visited_on,
                    facility_kind=rng.choice(FacilityKind.values),
                    service=rng.choice(["Tes HIV", "Cek IMS", "ARV"]),
                    outcome=rng.choice(ReferralOutcome.values),
                    made_by=coordinator,
                )
                for v in visits[::6]
            )
        for member in branch_members[::3]:
            opened = today - datetime.timedelta(days=rng.randint(20, 300))
            document = rng.choice(Document.values)
            path = [Step.IDENTIFIED, Step.GATHERED, Step.SUBMITTED, Step.ISSUED][: rng.randint(1, 4)]
            on = opened
            case = PaperworkCase.objects.create(
                member=member, document=document, opened_on=opened, step=path[-1], step_on=opened
            )
            for step in path:
                CaseStep.objects.create(case=case, step=step, on=on, helped_by=coordinator)
                case.step_on = on
                on = min(today, on + datetime.timedelta(days=rng.randint(3, 40)))
            case.issued_on = case.step_on if path[-1] == Step.ISSUED else None
            case.barrier = rng.choice(["", "", "no_domicile_letter", "stigma", "cost"])
            case.save()


def _seed_care(branch, centre, visits, coordinator, today):
    """HIV tests, results, treatment, STI treatment and PrEP at one visit in four, drawn apart
    from the rest so that the other demo records stay as they were."""
    rng = random.Random(f"care {centre.name}")
    cares = []
    for visit in visits[::4]:
        care = HealthCare(
            branch=branch,
            visit=visit,
            given_on=visit.visited_on,
            hiv_tested=rng.random() < 0.6,
            sti_treated=rng.random() < 0.2,
            prep=rng.choice(["", "", "", Prep.STARTED, Prep.CONTINUED]),
            recorded_by=coordinator,
        )
        if care.hiv_tested or care.sti_treated or care.prep:
            cares.append(care)
    HealthCare.objects.bulk_create(cares)
    results = []
    for care in cares:
        if not care.hiv_tested:
            continue
        result = rng.choices(HivResultKind.values, weights=[85, 6, 9])[0]
        started = care.given_on + datetime.timedelta(days=rng.randint(0, 30))
        treated = result == HivResultKind.REACTIVE and started <= today and rng.random() < 0.7
        results.append(
            HivResult(
                care=care,
                result=result,
                art_started_on=started if treated else None,
                art_recorded_at=timezone.now() if treated else None,
            )
        )
    HivResult.objects.bulk_create(results)
