import datetime

import pytest
from django.core.exceptions import ValidationError

from django.db.models import Count

from members.models import MemberKind, MemberKindPeriod
from members.models.members import kind_period_open_on
from members.registration import change_kind, member_leaves
from tests.factories import MemberFactory

D = datetime.date


def count_by_kind_on(periods, on):
    """{kind: members} as of ``on``, by the condition the membership report counts with."""
    rows = periods.filter(kind_period_open_on(on)).values("kind").annotate(n=Count("member", distinct=True))
    return {kind: 0 for kind in MemberKind.values} | {row["kind"]: row["n"] for row in rows}


@pytest.fixture
def history(jakarta, ayu):
    """Three members of Jakarta whose kinds change over 2024-2025."""
    mawar = MemberFactory(branch=jakarta, alias="Mawar", joined_on=D(2024, 1, 1))
    melati = MemberFactory(branch=jakarta, alias="Melati", joined_on=D(2024, 1, 1))
    anggrek = MemberFactory(branch=jakarta, alias="Anggrek", joined_on=D(2024, 6, 1), kind="honorary")
    change_kind(mawar, "former", D(2025, 3, 1), ayu)
    member_leaves(melati, D(2025, 6, 30))
    return mawar, melati, anggrek


@pytest.mark.parametrize(
    "on,expected",
    [
        (D(2023, 12, 31), {"regular": 0, "former": 0, "honorary": 0}),
        (D(2024, 3, 1), {"regular": 2, "former": 0, "honorary": 0}),
        (D(2025, 2, 28), {"regular": 2, "former": 0, "honorary": 1}),
        (D(2025, 3, 1), {"regular": 1, "former": 1, "honorary": 1}),
        (D(2025, 6, 29), {"regular": 1, "former": 1, "honorary": 1}),
        (D(2025, 6, 30), {"regular": 0, "former": 1, "honorary": 1}),
    ],
)
def test_members_by_kind_as_of_a_date(history, on, expected):
    assert count_by_kind_on(MemberKindPeriod.objects.all(), on) == expected


def test_change_of_kind_keeps_the_earlier_kind_with_its_dates(history):
    mawar = history[0]
    periods = list(mawar.kind_periods.values_list("kind", "started_on", "ended_on"))
    assert periods == [("regular", D(2024, 1, 1), D(2025, 3, 1)), ("former", D(2025, 3, 1), None)]
    mawar.refresh_from_db()
    assert mawar.kind == "former"


def test_change_of_kind_cannot_be_dated_before_the_current_kind(history, ayu):
    with pytest.raises(ValidationError):
        change_kind(history[0], "regular", D(2025, 1, 1), ayu)


def test_leaving_before_joining_is_refused(history, ayu):
    with pytest.raises(ValidationError):
        member_leaves(history[2], D(2024, 1, 1))


def test_counts_are_scoped_like_everything_else(history, bali, bunga):
    MemberFactory(branch=bali, alias="Kamboja", joined_on=D(2024, 1, 1))
    assert count_by_kind_on(MemberKindPeriod.objects.visible_to(bunga), D(2024, 3, 1))["regular"] == 1
