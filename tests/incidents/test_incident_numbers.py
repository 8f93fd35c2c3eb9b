import datetime

from django.utils import timezone

from incidents.models import Response
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from tests.incidents.conftest import make_incident


def test_report_counts_only_incidents_whose_consent_allows_statistics(jakarta, bali, sari):
    """Jakarta: 6 incidents for statistics (violence and extortion), helped after 5 hours;
    Bali: 4 for legal action (violence), helped after 100 hours; Jakarta: 5 recorded only
    (arrest), never counted. 10 counted, 6 of them helped within 72 hours."""
    reported = timezone.make_aware(datetime.datetime(2025, 5, 2, 9))
    for _ in range(6):
        quick = make_incident(jakarta, consent="statistics", kinds=("violence", "extortion"), reported_at=reported)
        Response.objects.create(incident=quick, help_kind="medical", at=reported + datetime.timedelta(hours=5))
    for _ in range(4):
        slow = make_incident(
            bali, consent="legal_action", perpetrator="client", kinds=("violence",), reported_at=reported
        )
        Response.objects.create(incident=slow, help_kind="legal", at=reported + datetime.timedelta(hours=100))
    for _ in range(5):
        make_incident(jakarta, consent="record_only", kinds=("arrest",), reported_at=reported)

    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    assert report.figure("incidents").value == 10
    assert report.figure("incidents_responded").value == "60%"
    by_violation = {row[0]: row[1] for row in report.table("incidents_by_violation").rows}
    from incidents.models import ViolationKind

    labels = dict(ViolationKind.choices)
    assert by_violation[labels["violence"]] == 10
    assert by_violation[labels["extortion"]] == 6
    assert by_violation[labels["arrest"]] == 0  # record only: never counted


def test_counts_below_5_are_suppressed_in_reports_that_leave(jakarta, sari):
    make_incident(jakarta)
    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari, suppress_small=True)
    assert report.figure("incidents").value == "<5"


def test_incident_cells_below_5_are_hidden_even_when_the_report_is_not_suppressed(jakarta, sari):
    """One incident on one day: "physical violence 1, arrest 1, police 1" names the person harmed."""
    make_incident(jakarta, kinds=("violence", "arrest"))
    for _ in range(6):
        make_incident(jakarta, perpetrator="client", kinds=("extortion",))
    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    from incidents.models import PerpetratorKind, ViolationKind

    violations = {row[0]: row[1] for row in report.table("incidents_by_violation").rows}
    assert violations[dict(ViolationKind.choices)["violence"]] == "<5"
    assert violations[dict(ViolationKind.choices)["arrest"]] == "<5"
    assert violations[dict(ViolationKind.choices)["extortion"]] == 6
    perpetrators = {row[0]: row[1] for row in report.table("incidents_by_perpetrator").rows}
    assert perpetrators[dict(PerpetratorKind.choices)["police"]] == "<5"
    # The total (7) would give police back from client (6): a second cell is hidden.
    assert perpetrators[dict(PerpetratorKind.choices)["client"]] != 6
    assert report.figure("incidents").value == 7  # shown: it hides nobody


def test_incident_figures_below_5_are_hidden_with_their_share(jakarta, sari):
    reported = timezone.make_aware(datetime.datetime(2025, 5, 2, 9))
    incident = make_incident(jakarta, reported_at=reported)
    Response.objects.create(incident=incident, help_kind="medical", at=reported + datetime.timedelta(hours=5))
    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    assert report.figure("incidents").value == "<5"
    assert "100" not in str(report.figure("incidents_responded").value)


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
