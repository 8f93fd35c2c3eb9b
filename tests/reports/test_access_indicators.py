"""Outcome 1 and the UNAIDS coverage indicator on a dataset counted by hand."""

import datetime

import pytest

from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS, UNAIDS_GAM
from reports.scopes import Scope
from services.models import Referral
from services.paperwork import advance, open_case
from services.stock import receive
from services.visits import log_visit
from tests.factories import MemberFactory

D = datetime.date
YEAR = periods.year(2025)


def stock_up(catalogue, by, *centres):
    """Condoms and lubricant received at the start of 2024, so that visits can hand them out."""
    for centre in centres:
        for item in ("condom_item", "lube_item"):
            receive(centre, catalogue[item], 1000, D(2024, 1, 1), by)


@pytest.fixture
def access_data(jakarta, bali, jakarta_dic, bali_dic, catalogue, ayu):
    """2025, Jakarta and Bali.

    - Mawar (Jakarta): 3 visits: 10 Nov counselling + 10 condoms, 20 Dec condoms 5 + lube 2, 2 Feb rest.
    - Walk-in DEAG3010195 at Jakarta: 31 Dec (last day, WIT-free) counselling only.
    - Kamboja (Bali): 1 visit 15 Dec counselling + HIV test referral; 1 visit in 2024 (previous period).
    - Cases: Mawar KTP opened 1 Jan issued 31 Jan (30 days), BPJS opened 1 Feb issued 2 Apr (60 days);
      Kamboja KTP opened 1 Mar issued 1 Jun (92 days).
    - Referrals 2025: Jakarta puskesmas reached, Jakarta hospital pending; Bali VCT not reached.
    """
    c = catalogue
    stock_up(c, ayu, jakarta_dic, bali_dic)
    mawar = MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
    kamboja = MemberFactory(branch=bali, alias="Kamboja", uic="KAMB2010190")

    def visit(centre, member, on, services, uic=""):
        log_visit(centre=centre, member=member, uic=uic, on=on, services=services, by=ayu)

    visit(jakarta_dic, mawar, D(2025, 11, 10), {c["counselling"]: 1, c["condoms"]: 10})
    visit(jakarta_dic, mawar, D(2025, 12, 20), {c["condoms"]: 5, c["lube"]: 2})
    visit(jakarta_dic, mawar, D(2025, 2, 2), {c["rest"]: 1})
    visit(jakarta_dic, None, D(2025, 12, 31), {c["counselling"]: 1}, uic="DEAG3010195")
    visit(bali_dic, kamboja, D(2025, 12, 15), {c["counselling"]: 1, c["hiv_test"]: 1})
    visit(bali_dic, kamboja, D(2024, 6, 1), {c["rest"]: 1})

    today = D(2026, 1, 1)
    ktp = open_case(mawar, "ktp", D(2025, 1, 1), ayu)
    advance(ktp, "issued", D(2025, 1, 31), ayu, today=today)
    bpjs = open_case(mawar, "bpjs", D(2025, 2, 1), ayu)
    advance(bpjs, "issued", D(2025, 4, 2), ayu, today=today)
    ktp_b = open_case(kamboja, "ktp", D(2025, 3, 1), ayu)
    advance(ktp_b, "issued", D(2025, 6, 1), ayu, today=today)

    for branch, kind, outcome in [
        (jakarta, "puskesmas", "reached"),
        (jakarta, "hospital", "pending"),
        (bali, "vct_clinic", "not_reached"),
    ]:
        Referral.objects.create(branch=branch, made_on=D(2025, 7, 1), facility_kind=kind, service="x", outcome=outcome)
    return {"jakarta": jakarta, "bali": bali}


def test_key_figures(access_data, sari):
    report = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari)
    assert report.figure("visits").value == 5
    assert report.figure("visits").previous == 1
    assert report.figure("unique_people").value == 3  # Mawar, the walk-in, Kamboja
    assert report.figure("ktp_issued").value == 2
    assert report.figure("bpjs_issued").value == 1
    assert report.figure("ktp_and_bpjs").value == 1  # Mawar


def test_services_by_type_with_quantities(access_data, sari, catalogue):
    table = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari).table("services_by_type")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows[str(catalogue["condoms"])] == [2, 15]
    assert rows[str(catalogue["lube"])] == [1, 2]
    assert rows[str(catalogue["counselling"])] == [3, "–"]


def test_documents_issued_and_median_days(access_data, sari):
    from services.models import Document

    table = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari).table("documents_issued")
    rows = {row[0]: row[1:] for row in table.rows}
    labels = dict(Document.choices)
    assert rows[labels["ktp"]] == [2, 61]  # 30 and 92 days: half-way between the two
    assert rows[labels["bpjs"]] == [1, 60]
    assert rows[labels["kk"]] == [0, "–"]


@pytest.mark.parametrize("days,median", [([17, 28, 40, 65], 34), ([17, 28], 23), ([17, 28, 40], 28), ([9], 9)])
def test_median_days_to_issue_is_the_median_rounded_to_whole_days_halves_up(jakarta, ayu, sari, days, median):
    from services.models import Document

    for n in days:
        member = MemberFactory(branch=jakarta)
        case = open_case(member, "bpjs", D(2025, 1, 1), ayu)
        advance(case, "issued", D(2025, 1, 1) + datetime.timedelta(days=n), ayu, today=D(2026, 1, 1))
    table = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari).table("documents_issued")
    assert {row[0]: row[1:] for row in table.rows}[dict(Document.choices)["bpjs"]] == [len(days), median]


def test_referrals_by_outcome(access_data, sari):
    from services.models import FacilityKind, ReferralOutcome

    table = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari).table("referrals_by_outcome")
    kinds, outcomes = dict(FacilityKind.choices), dict(ReferralOutcome.choices)
    assert table.value(kinds["puskesmas"], outcomes["reached"]) == 1
    assert table.value(kinds["vct_clinic"], outcomes["not_reached"]) == 1
    assert table.rows[-1][-1] == 3


def test_a_branch_report_leaves_the_other_branch_out(access_data, ayu):
    report = build_report(BRIDGING_THE_GAPS, YEAR, Scope("branch", str(access_data["jakarta"].pk)), ayu)
    assert report.figure("visits").value == 4
    assert report.figure("unique_people").value == 2


def test_unaids_coverage_by_branch(access_data, sari):
    table = build_report(UNAIDS_GAM, YEAR, Scope("national"), sari).table("prevention_coverage")
    rows = {row[0]: row[1:] for row in table.rows}
    # Oct-Dec 2025. Jakarta: Mawar (counselling, condoms, lube) covered; walk-in (counselling only) not.
    assert rows["Jakarta"] == [2, 1, "50%"]
    assert rows["Bali"] == [1, 1, "100%"]


@pytest.fixture
def gam_data(access_data, jakarta_dic, bali_dic, catalogue, ayu):
    """access_data, and:

    - the Jakarta walk-in DEAG3010195 also at Bali on 1 Dec 2025 for condoms: counselling in
      Jakarta and condoms in Bali make two prevention services nationally, one in each branch;
    - Anyelir (Bali) on 5 Oct 2025 for rest only: reached, not covered;
    - walk-in SERU1020288 at Jakarta on 31 Mar 2025 (counselling) and 1 Apr 2025 (condoms).

    Q4 2025: Jakarta reached 2 (Mawar, walk-in), covered 1 (Mawar); Bali reached 3 (Kamboja,
    walk-in, Anyelir), covered 1 (Kamboja); nationally 4 people reached (the walk-in once),
    3 covered (Mawar, Kamboja, the walk-in): 75 %. Adding the rows gave 5, 2, 40 %.
    H1 2025 (window April-June): Seruni reached (1 Apr), not covered (31 Mar is outside).
    """
    c = catalogue
    log_visit(centre=bali_dic, member=None, uic="DEAG3010195", on=D(2025, 12, 1), services={c["condoms"]: 2}, by=ayu)
    anyelir = MemberFactory(branch=access_data["bali"], alias="Anyelir", uic="ANYE2030391")
    log_visit(centre=bali_dic, member=anyelir, uic="", on=D(2025, 10, 5), services={c["rest"]: 1}, by=ayu)
    log_visit(
        centre=jakarta_dic, member=None, uic="SERU1020288", on=D(2025, 3, 31), services={c["counselling"]: 1}, by=ayu
    )
    log_visit(centre=jakarta_dic, member=None, uic="SERU1020288", on=D(2025, 4, 1), services={c["condoms"]: 3}, by=ayu)
    return access_data


def test_unaids_total_counts_each_person_once_with_services_from_every_branch(gam_data, sari):
    table = build_report(UNAIDS_GAM, YEAR, Scope("national"), sari).table("prevention_coverage")
    rows = [row[1:] for row in table.rows]
    assert {row[0]: row[1:] for row in table.rows}["Bali"] == [3, 1, "33%"]
    assert rows[-1] == [4, 3, "75%"]


def test_unaids_last_three_months_are_the_last_three_calendar_months(gam_data, sari):
    table = build_report(UNAIDS_GAM, periods.half_year(2025, 1), Scope("national"), sari).table("prevention_coverage")
    assert {row[0]: row[1:] for row in table.rows}["Jakarta"] == [1, 0, "0%"]
    assert "2025-04-01" in table.note


def test_unaids_window_of_a_date_range_starts_with_the_month_two_before_its_last(gam_data, sari):
    from reports.indicators.access import coverage_window

    assert coverage_window(periods.Period(D(2025, 1, 15), D(2025, 5, 20))) == (D(2025, 3, 1), D(2025, 5, 20))
    assert coverage_window(periods.Period(D(2025, 4, 10), D(2025, 5, 20))) == (D(2025, 4, 10), D(2025, 5, 20))
    table = build_report(UNAIDS_GAM, periods.Period(D(2025, 1, 15), D(2025, 5, 20)), Scope("national"), sari).table(
        "prevention_coverage"
    )
    assert {row[0]: row[1:] for row in table.rows}["Jakarta"] == [1, 1, "100%"]  # Seruni: 31 Mar and 1 Apr


def test_query_count_does_not_grow_with_visits_or_branches(
    access_data, sari, catalogue, ayu, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import BranchFactory, DropInCentreFactory

    with CaptureQueriesContext(connection) as small:
        build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari)
        build_report(UNAIDS_GAM, YEAR, Scope("national"), sari)
    for code in ["32", "33"]:
        centre = DropInCentreFactory(branch=BranchFactory(province=code))
        stock_up(catalogue, ayu, centre)
        for day in range(10):
            member = MemberFactory(branch=centre.branch)
            log_visit(
                centre=centre,
                member=member,
                uic="",
                on=D(2025, 12, 1 + day),
                services={catalogue["condoms"]: 3, catalogue["counselling"]: 1},
                by=ayu,
            )
    with django_assert_num_queries(len(small.captured_queries)):
        build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari)
        build_report(UNAIDS_GAM, YEAR, Scope("national"), sari)


def test_a_visit_at_half_past_midnight_in_papua_belongs_to_the_new_year(catalogue, ayu, sari):
    from datetime import datetime, timezone as dt_timezone
    from unittest import mock

    from services.forms import VisitForm
    from tests.factories import BranchFactory, DropInCentreFactory, UserFactory

    papua = BranchFactory(province="94", name="Papua")
    centre = DropInCentreFactory(branch=papua, name="DIC Jayapura")
    coordinator = UserFactory(username="yuli", role="coordinator", branches=[papua])
    member = MemberFactory(branch=papua, alias="Cendrawasih")
    # 15:30 UTC on 31 December is 22:30 in Jakarta but already 00:30 on 1 January in Jayapura.
    with mock.patch("django.utils.timezone.now", return_value=datetime(2025, 12, 31, 15, 30, tzinfo=dt_timezone.utc)):
        form = VisitForm(user=coordinator, member=member)
        assert form.initial["visited_on"] == D(2026, 1, 1)
    log_visit(centre=centre, member=member, uic="", on=D(2025, 12, 31), services={catalogue["rest"]: 1}, by=coordinator)
    log_visit(centre=centre, member=member, uic="", on=D(2026, 1, 1), services={catalogue["rest"]: 1}, by=coordinator)
    report = build_report(BRIDGING_THE_GAPS, YEAR, Scope("branch", str(papua.pk)), sari)
    assert report.figure("visits").value == 1


def test_a_member_who_moved_branch_counts_where_she_was_at_the_time(jakarta, bali, jakarta_dic, catalogue, ayu, sari):
    """Mawar joined in Bali in 2024, got her KTP there in March 2025 and moved to Jakarta on
    1 June 2025; she visited Jakarta's centre on 1 July. Her Bali KTP and her membership
    before June stay with Bali."""
    from members.moving import move_member

    mawar = MemberFactory(branch=bali, alias="Mawar", joined_on=D(2024, 1, 1))
    ktp = open_case(mawar, "ktp", D(2025, 1, 10), ayu)
    advance(ktp, "issued", D(2025, 3, 1), ayu, today=D(2026, 1, 1))
    move_member(mawar, jakarta, D(2025, 6, 1), ayu)
    log_visit(centre=jakarta_dic, member=mawar, uic="", on=D(2025, 7, 1), services={catalogue["rest"]: 1}, by=ayu)

    def figures(branch, period):
        report = build_report(BRIDGING_THE_GAPS, period, Scope("branch", str(branch.pk)), sari)
        return {key: report.figure(key).value for key in ("members", "ktp_issued", "visits")}

    assert figures(jakarta, YEAR) == {"members": 1, "ktp_issued": 0, "visits": 1}
    assert figures(bali, YEAR) == {"members": 0, "ktp_issued": 1, "visits": 0}
    assert figures(bali, periods.quarter(2025, 1)) == {"members": 1, "ktp_issued": 1, "visits": 0}
    assert figures(jakarta, periods.quarter(2025, 1))["members"] == 0
    assert (
        build_report(BRIDGING_THE_GAPS, YEAR, Scope("branch", str(jakarta.pk)), sari).figure("members").previous == 0
    )  # on 31 December 2024 she was in Bali


def test_a_move_saved_without_a_date_leaves_past_reports_as_they_were(jakarta, bali, sari):
    mawar = MemberFactory(branch=jakarta, alias="Mawar", joined_on=D(2024, 1, 1))
    before = build_report(BRIDGING_THE_GAPS, YEAR, Scope("branch", str(jakarta.pk)), sari).figure("members").value
    mawar.branch = bali
    mawar.save()  # the member form: moved today
    after = build_report(BRIDGING_THE_GAPS, YEAR, Scope("branch", str(jakarta.pk)), sari).figure("members").value
    assert before == after == 1


def test_peer_educators_of_a_past_period_are_those_who_were_then(jakarta, ayu, sari):
    from members.moving import set_peer_educator

    dahlia = MemberFactory(branch=jakarta, alias="Dahlia", joined_on=D(2024, 1, 1))
    set_peer_educator(dahlia, True, D(2025, 4, 1), ayu)
    report = build_report(BRIDGING_THE_GAPS, periods.quarter(2025, 2), Scope("national"), sari)
    assert (report.figure("peer_educators").value, report.figure("peer_educators").previous) == (1, 0)
    set_peer_educator(dahlia, False, D(2025, 9, 1), ayu)
    report = build_report(BRIDGING_THE_GAPS, periods.quarter(2025, 2), Scope("national"), sari)
    assert (report.figure("peer_educators").value, report.figure("peer_educators").previous) == (1, 0)


def test_services_by_type_of_each_branch_add_up_to_the_national_table(access_data, sari):
    def visits_per_service(scope):
        table = build_report(BRIDGING_THE_GAPS, YEAR, scope, sari).table("services_by_type")
        return {row[0]: row[1] for row in table.rows}

    national = visits_per_service(Scope("national"))
    jakarta = visits_per_service(Scope("branch", str(access_data["jakarta"].pk)))
    bali = visits_per_service(Scope("branch", str(access_data["bali"].pk)))
    assert sum(national.values()) > sum(jakarta.values()) > 0
    assert {name: jakarta[name] + bali[name] for name in national} == national
