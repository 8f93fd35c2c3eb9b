"""Trainings held and their participants: a training spanning two quarters counts once, in the
period of its first day, so the quarters add up to the half-year and the year."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from members.models import Gender
from outreach.models import Audience, OutsideParticipants, Training, TrainingAttendance
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from tests.factories import MemberFactory

D = datetime.date


@pytest.fixture
def spanning(jakarta):
    """Police in Jakarta from 30 March to 2 April 2025: 3 women and 2 men from outside, and
    Mawar (a member, woman) who came on 1 April only. Journalists on 10 April 2025: 4 men.
    Members' training from 31 March to 1 April 2025 (HIV), Melati (waria) on 1 April."""
    police = Training.objects.create(
        title="Polisi", topic="human_rights", audience="police", branch=jakarta,
        starts_on=D(2025, 3, 30), ends_on=D(2025, 4, 2),
    )  # fmt: skip
    OutsideParticipants.objects.create(training=police, gender="woman", count=3)
    OutsideParticipants.objects.create(training=police, gender="man", count=2)
    mawar = MemberFactory(branch=jakarta, alias="Mawar", gender="woman")
    TrainingAttendance.objects.create(training=police, member=mawar, day=D(2025, 4, 1))
    journalists = Training.objects.create(
        title="Jurnalis", topic="human_rights", audience="journalists", branch=jakarta,
        starts_on=D(2025, 4, 10), ends_on=D(2025, 4, 10),
    )  # fmt: skip
    OutsideParticipants.objects.create(training=journalists, gender="man", count=4)
    members = Training.objects.create(
        title="HIV", topic="hiv_sti", audience="members", branch=jakarta,
        starts_on=D(2025, 3, 31), ends_on=D(2025, 4, 1),
    )  # fmt: skip
    melati = MemberFactory(branch=jakarta, alias="Melati", gender="waria")
    TrainingAttendance.objects.create(training=members, member=melati, day=D(2025, 4, 1))


def outside(user, period):
    table = build_report(BRIDGING_THE_GAPS, period, Scope("national"), user).table("outside_trainings")
    audiences, genders = dict(Audience.choices), dict(Gender.choices)

    def cells(audience):
        return {
            "trainings": table.value(audiences[audience], _("Trainings")),
            "woman": table.value(audiences[audience], genders["woman"]),
            "man": table.value(audiences[audience], genders["man"]),
            "total": table.value(audiences[audience], _("Total")),
        }

    return cells("police"), cells("journalists"), table.value(_("Total"), _("Trainings"))


@pytest.mark.parametrize(
    "period, police, journalists, trainings",
    [
        # Q1: the police training began on 30 March: it and all its 6 participants (Mawar came
        # in April, to a training held in March).
        (periods.quarter(2025, 1), {"trainings": 1, "woman": 4, "man": 2, "total": 6}, 0, 1),
        # Q2: the journalists only; the police training is not counted a second time.
        (periods.quarter(2025, 2), {"trainings": 0, "woman": 0, "man": 0, "total": 0}, 4, 1),
        (periods.half_year(2025, 1), {"trainings": 1, "woman": 4, "man": 2, "total": 6}, 4, 2),
        (periods.year(2025), {"trainings": 1, "woman": 4, "man": 2, "total": 6}, 4, 2),
    ],
)
def test_a_training_spanning_two_quarters_counts_in_the_quarter_of_its_first_day(
    spanning, sari, period, police, journalists, trainings
):
    shown_police, shown_journalists, shown_trainings = outside(sari, period)
    assert shown_police == police
    assert shown_journalists["man"] == shown_journalists["total"] == journalists
    assert shown_journalists["trainings"] == (1 if journalists else 0)
    assert shown_trainings == trainings


def test_quarters_add_up_to_the_half_year_and_the_year(spanning, sari):
    quarters = [outside(sari, periods.quarter(2025, n)) for n in (1, 2, 3, 4)]
    for period in (periods.half_year(2025, 1), periods.year(2025)):
        whole = outside(sari, period)
        counted = [q for q in quarters if q[0]["total"] or q[1]["total"]]
        assert whole[2] == sum(q[2] for q in counted)
        assert whole[0]["total"] + whole[1]["total"] == sum(q[0]["total"] + q[1]["total"] for q in counted)


def test_members_trainings_held_count_once_while_members_trained_count_by_the_day_they_came(spanning, sari):
    def topic(period):
        report = build_report(BRIDGING_THE_GAPS, period, Scope("national"), sari)
        hiv = report.table("member_trainings").rows[1]  # HIV and STIs
        return hiv[1], hiv[2], report.figure("members_trained").value

    # Held from 31 March; Melati came on 1 April (and Mawar, to the police training, too).
    assert topic(periods.quarter(2025, 1)) == (1, 0, 0)
    assert topic(periods.quarter(2025, 2)) == (0, 1, 2)  # not held again; Melati and Mawar trained in Q2
    assert topic(periods.half_year(2025, 1)) == (1, 1, 2)


def test_the_method_note_says_when_a_training_counts(sari):
    with translation.override("en"):
        notes = [str(n) for n in BRIDGING_THE_GAPS.method_notes]
    assert any("first day" in n and "once" in n for n in notes)
