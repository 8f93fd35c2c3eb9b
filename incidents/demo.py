"""Synthetic incidents and one warning for the demo branches (no real events)."""

import datetime
import random

from django.utils import timezone

from .models import Consent, Incident, PerpetratorKind, PlaceKind, Response, Violation, ViolationKind

ACCOUNTS = [
    "Didatangi petugas saat razia malam, barang dirampas.",
    "Klien memukul dan menolak membayar.",
    "Ditolak saat berobat ke puskesmas setelah ditanya pekerjaan.",
    "Diminta uang oleh oknum agar tidak dibawa ke panti.",
]


def seed(context):
    rng = random.Random(9)
    coordinator = context["users"]["koordinator.jakarta"]
    members = context.get("members", [])
    today = timezone.localdate()
    for branch in context["branches"].values():
        branch_members = [m for m in members if m.branch_id == branch.pk]
        for i in range(12):
            occurred = today - datetime.timedelta(days=rng.randint(1, 360))
            reported = timezone.make_aware(datetime.datetime.combine(occurred, datetime.time(10))) + datetime.timedelta(
                hours=rng.randint(2, 72)
            )
            incident = Incident.objects.create(
                branch=branch,
                member=rng.choice(branch_members) if branch_members and rng.random() < 0.6 else None,
                occurred_on=occurred,
                place_kind=rng.choice(PlaceKind.values),
                perpetrator=rng.choice(PerpetratorKind.values),
                account=rng.choice(ACCOUNTS),
                consent=rng.choices(Consent.values, weights=[15, 50, 20, 15])[0],
                status=rng.choice(["reported", "responding", "closed"]),
                reported_at=reported,
                recorded_by=coordinator,
            )
            for kind in rng.sample(ViolationKind.values, rng.randint(1, 2)):
                Violation.objects.create(incident=incident, kind=kind)
            if incident.status != "reported":
                Response.objects.create(
                    incident=incident,
                    help_kind="counselling",
                    at=reported + datetime.timedelta(hours=rng.randint(1, 120)),
                    by=coordinator,
                )
