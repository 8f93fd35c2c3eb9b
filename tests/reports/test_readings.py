"""How four indicators are read, decided as a donor would expect and written in the notes."""

import datetime

import pytest

from outreach.models import Training, TrainingAttendance
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from services.paperwork import advance, open_case
from tests.factories import MemberFactory

D = datetime.date
YEAR = periods.year(2025)


def figure(user, key, scope=Scope("national"), period=YEAR):
    return build_report(BRIDGING_THE_GAPS, period, scope, user).figure(key).value


def test_members_holding_ktp_and_bpjs_are_those_still_members_on_the_last_day(jakarta, ayu, sari):
    """Mawar stays, Lili leaves on 30 November: both got KTP and BPJS in 2025; only Mawar counts."""
    mawar = MemberFactory(branch=jakarta, alias="Mawar", joined_on=D(2024, 1, 1))
    lili = MemberFactory(branch=jakarta, alias="Lili", joined_on=D(2024, 1, 1))
    for member in (mawar, lili):
        for document in ("ktp", "bpjs"):
            case = open_case(member, document, D(2025, 2, 1), ayu)
            advance(case, "issued", D(2025, 3, 1), ayu, today=D(2026, 1, 1))
    from members.registration import member_leaves

    member_leaves(lili, D(2025, 11, 30))
    assert figure(sari, "ktp_and_bpjs") == 1
    assert figure(sari, "ktp_and_bpjs", period=periods.quarter(2025, 3)) == 2  # on 30 September both


@pytest.fixture
def training_data(jakarta, bali):
    """A members' training in Jakarta from 30 Dec 2025 to 2 Jan 2026: Mawar came on 30 Dec,
    Melati only on 1 Jan. A national members' training (no branch) in August 2025 attended by
    Dahlia (Jakarta)."""
    mawar = MemberFactory(branch=jakarta, alias="Mawar")
    melati = MemberFactory(branch=jakarta, alias="Melati")
    dahlia = MemberFactory(branch=jakarta, alias="Dahlia")
    spans = Training.objects.create(
        title="HAM",
        topic="human_rights",
        audience="members",
        branch=jakarta,
        starts_on=D(2025, 12, 30),
        ends_on=D(2026, 1, 2),
    )
    TrainingAttendance.objects.create(training=spans, member=mawar, day=D(2025, 12, 30))
    TrainingAttendance.objects.create(training=spans, member=melati, day=D(2026, 1, 1))
    national = Training.objects.create(
        title="Nasional",
        topic="organising",
        audience="members",
        branch=None,
        starts_on=D(2025, 8, 1),
        ends_on=D(2025, 8, 1),
    )
    TrainingAttendance.objects.create(training=national, member=dahlia, day=D(2025, 8, 1))
    return {"jakarta": jakarta}


def test_members_trained_counts_the_days_attended_within_the_period(training_data, sari):
    assert figure(sari, "members_trained") == 2  # Mawar (30 Dec) and Dahlia (national); not Melati
    assert figure(sari, "members_trained", period=periods.year(2026)) == 1  # Melati


def test_national_trainings_appear_in_the_national_report_only(training_data, sari):
    jakarta = training_data["jakarta"]
    assert figure(sari, "members_trained", Scope("region", jakarta.region)) == 1  # Mawar
    assert figure(sari, "members_trained", Scope("branch", str(jakarta.pk))) == 1
    assert figure(sari, "members_trained") == 2


def test_incidents_helped_within_72_hours_is_labelled_as_the_percentage_it_is(sari):
    report = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari)
    label = report.figure("incidents_responded").label
    assert "%" in label
