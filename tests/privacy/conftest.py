"""dora: the data protection officer OPSI names (no branch); ayu and bunga coordinate Jakarta and Bali."""

import datetime

import pytest
from django.utils import timezone

from opsi.models import User
from privacy.models import MemberRequest
from tests.factories import MemberFactory, UserFactory


@pytest.fixture
def dora(db):
    return UserFactory(username="dora", role=User.Role.DATA_PROTECTION)


@pytest.fixture
def melati(jakarta):
    """Another member of Jakarta: nothing of hers may reach Mawar's copy."""
    return MemberFactory(branch=jakarta, alias="Melati", uic="MELA2150390")


@pytest.fixture
def kamboja(bali):
    return MemberFactory(branch=bali, alias="Kamboja", uic="KABU2150390")


def make_request(member, centre, kind="access", received_at=None, **kw):
    return MemberRequest.objects.create(
        branch=member.branch,
        drop_in_centre=centre,
        member=member,
        kind=kind,
        checked_how="known",
        received_at=received_at or timezone.now(),
        **kw,
    )


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)
