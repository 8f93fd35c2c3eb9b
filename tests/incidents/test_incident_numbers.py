import datetime

import pytest

from django.utils import timezone
from django.utils.translation import gettext

from incidents.models import Response
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from tests.incidents.conftest import make_incident


# Recorded a day after: counted for readers who may not read incidents (the cutoff is the end
# of the month after the period: reports.protection).
RECORDED = timezone.make_aware(datetime.datetime(2025, 5, 2, 9))


def test_report_counts_only_incidents_whose_consent_allows_statistics(jakarta, bali, sari):
    """Jakarta: 5 incidents for statistics (violence and extortion), helped after 5 hours;
    Bali: 5 for legal action (violence), helped after 100 hours; Jakarta: 5 recorded only
    (arrest), never counted. 10 counted, 5 of them helped within 72 hours (multiples of 5:
    shown as they are)."""
    for _ in range(5):
        quick = make_incident(jakarta, consent="statistics", kinds=("violence", "extortion"), reported_at=RECORDED)
        Response.objects.create(incident=quick, help_kind="medical", at=RECORDED + datetime.timedelta(hours=5))
    for _ in range(5):
        slow = make_incident(
            bali, consent="legal_action", perpetrator="client", kinds=("violence",), reported_at=RECORDED
        )
        Response.objects.create(incident=slow, help_kind="legal", at=RECORDED + datetime.timedelta(hours=100))
    for _ in range(5):
        make_incident(jakarta, consent="record_only", kinds=("arrest",), reported_at=RECORDED)

    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    assert report.figure("incidents").value == 10
    assert report.figure("incidents_responded").value == "50%"
    by_violation = {row[0]: row[1] for row in report.table("incidents_by_violation").rows}
    from incidents.models import ViolationKind

    labels = dict(ViolationKind.choices)
    assert by_violation[labels["violence"]] == 10
    assert by_violation[labels["extortion"]] == 5
    assert by_violation[labels["arrest"]] == 0  # record only: never counted


def test_a_single_incident_is_shown_as_0_or_5_the_same_in_every_report(jakarta, sari):
    make_incident(jakarta, reported_at=RECORDED)
    shown = {
        build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari, external).figure("incidents").value
        for external in (False, True)
    }
    assert len(shown) == 1 and shown <= {0, 5}


def test_incident_cells_are_rounded_to_5_even_when_the_report_stays_inside(jakarta, sari):
    """One incident on one day: "physical violence 1, arrest 1, police 1" would name the person harmed."""
    make_incident(jakarta, kinds=("violence", "arrest"), reported_at=RECORDED)
    for _ in range(6):
        make_incident(jakarta, perpetrator="client", kinds=("extortion",), reported_at=RECORDED)
    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    from incidents.models import PerpetratorKind, ViolationKind

    violations = {row[0]: row[1] for row in report.table("incidents_by_violation").rows}
    assert violations[dict(ViolationKind.choices)["violence"]] in (0, 5)
    assert violations[dict(ViolationKind.choices)["arrest"]] in (0, 5)
    assert violations[dict(ViolationKind.choices)["extortion"]] in (5, 10)
    perpetrators = {row[0]: row[1] for row in report.table("incidents_by_perpetrator").rows}
    assert perpetrators[dict(PerpetratorKind.choices)["police"]] in (0, 5)
    assert perpetrators[dict(PerpetratorKind.choices)["client"]] in (5, 10)
    # The total (7) is rounded on its own, the same as the key figure that shows the same count.
    assert perpetrators[gettext("Total")] == report.figure("incidents").value in (5, 10)
    for table in ("incidents_by_violation", "incidents_by_perpetrator"):
        assert all(row[1] % 5 == 0 for row in report.table(table).rows)
    with pytest.raises(KeyError):  # a branch's own row is not for the secretariat
        report.table("incidents_by_branch")


def test_the_share_helped_is_worked_out_from_the_rounded_counts(jakarta, sari):
    incident = make_incident(jakarta, reported_at=RECORDED)
    Response.objects.create(incident=incident, help_kind="medical", at=RECORDED + datetime.timedelta(hours=5))
    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    shown = report.figure("incidents").value
    assert shown in (0, 5)
    assert report.figure("incidents_responded").value in (("–",) if shown == 0 else ("0%", "100%"))


def test_a_branch_report_shorter_than_a_month_is_refused(jakarta, putri):
    from reports.forms import ReportForm

    data = {
        "definition": "btg",
        "period_kind": "range",
        "year": "2025",
        "start": "2025-05-01",
        "end": "2025-05-01",
        "scope": f"branch:{jakarta.pk}",
    }
    form = ReportForm(data, user=putri)
    assert not form.is_valid()
    form = ReportForm({**data, "end": "2025-05-31"}, user=putri)
    assert form.is_valid(), form.errors
