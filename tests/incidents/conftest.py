import datetime

import pytest

from incidents.models import Incident, Violation
from opsi.models import User
from tests.factories import UserFactory


@pytest.fixture
def rina(db):
    """The national crisis-response officer."""
    return UserFactory(username="rina", role=User.Role.CRISIS_RESPONSE)


def make_incident(branch, consent="statistics", kinds=("violence",), perpetrator="police", on=None, **kw):
    incident = Incident.objects.create(
        branch=branch,
        occurred_on=on or datetime.date(2025, 5, 1),
        place_kind="street",
        perpetrator=perpetrator,
        account=kw.pop("account", "Dipukul saat razia."),
        consent=consent,
        **kw,
    )
    for kind in kinds:
        Violation.objects.create(incident=incident, kind=kind)
    return incident


@pytest.fixture
def incidents(jakarta, bali):
    return {
        "own": make_incident(jakarta, account="JAKARTA-ACCOUNT-MARKER"),
        "other": make_incident(bali, account="BALI-ACCOUNT-MARKER"),
    }
