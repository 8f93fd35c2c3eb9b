"""Synthetic members for the demo branches: invented aliases, random codes, no real people."""

import datetime
import random

from .models import Gender, Member, MemberKind, WorkSetting
from .registration import register_member
from .uic import build_uic

ALIASES = [
    "Mawar",
    "Melati",
    "Anggrek",
    "Kenanga",
    "Dahlia",
    "Kamboja",
    "Teratai",
    "Seruni",
    "Cempaka",
    "Flamboyan",
    "Lili",
    "Tulip",
    "Sakura",
    "Bougenvil",
    "Asoka",
    "Kemuning",
]
PARENT_NAMES = ["Siti", "Budi", "Sri", "Agus", "Dewi", "Joko", "Wati", "Hadi", "Rina", "Yanto", "Nur", "Eko"]


def seed(context, per_branch=24):
    rng = random.Random(2026)
    created = []
    for branch in context["branches"].values():
        for i in range(per_branch):
            gender = rng.choices([Gender.WOMAN, Gender.WARIA, Gender.MAN, Gender.NOT_SAID], weights=[70, 18, 8, 4])[0]
            born = datetime.date(rng.randint(1970, 2004), rng.randint(1, 12), rng.randint(1, 28))
            kind = rng.choices(list(MemberKind), weights=[80, 14, 6])[0]
            joined = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
            member = register_member(
                Member(
                    branch=branch,
                    uic=build_uic(rng.choice(PARENT_NAMES), rng.choice(PARENT_NAMES), gender, born),
                    alias=f"{ALIASES[i % len(ALIASES)]} {branch.name[:3]}{i // len(ALIASES) or ''}".strip(),
                    kind=kind,
                    gender=gender,
                    birth_year=born.year,
                    work_setting=rng.choice(WorkSetting.values),  # register_member drops it if honorary
                    joined_on=joined,
                    consent_on=joined,
                    peer_educator=rng.random() < 0.15,
                ),
                by=None,
            )
            created.append(member)
    context["members"] = created
