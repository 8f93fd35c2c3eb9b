import datetime

from django.utils import timezone

from incidents.models import Response
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from tests.incidents.conftest import make_incident


def test_report_counts_only_incidents_whose_consent_allows_statistics(jakarta, bali, sari):
    reported = timezone.make_aware(datetime.datetime(2025, 5, 2, 9))
    quick = make_incident(jakarta, consent="statistics", kinds=("violence", "extortion"), reported_at=reported)
    slow = make_incident(bali, consent="legal_action", perpetrator="client", kinds=("violence",), reported_at=reported)
    make_incident(jakarta, consent="record_only", kinds=("arrest",), reported_at=reported)
    Response.objects.create(incident=quick, help_kind="medical", at=reported + datetime.timedelta(hours=5))
    Response.objects.create(incident=slow, help_kind="legal", at=reported + datetime.timedelta(hours=100))

    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    assert report.figure("incidents").value == 2
    assert report.figure("incidents_responded").value == "50%"
    by_violation = {row[0]: row[1] for row in report.table("incidents_by_violation").rows}
    from incidents.models import ViolationKind

    labels = dict(ViolationKind.choices)
    assert by_violation[labels["violence"]] == 2
    assert by_violation[labels["extortion"]] == 1
    assert by_violation[labels["arrest"]] == 0  # record only: never counted


def test_counts_below_5_are_suppressed_in_reports_that_leave(jakarta, sari):
    make_incident(jakarta)
    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari, suppress_small=True)
    assert report.figure("incidents").value == "<5"
