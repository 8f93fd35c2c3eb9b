import datetime

from django.utils.translation import gettext as _

from members.models import Gender, MemberKind
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from tests.factories import BranchFactory, MemberFactory

YEAR = periods.year(2025)
D = datetime.date


def build(user, scope=Scope("national"), period=YEAR, **kw):
    return build_report(BRIDGING_THE_GAPS, period, scope, user, **kw)


def test_key_figures_match_the_hand_count(report_data, sari):
    report = build(sari)
    # On 2025-12-31: Mawar, Melati, Dahlia (Jakarta) and Kamboja (Bali); Lili left that day.
    assert report.figure("members").value == 4
    assert report.figure("members").previous == 3  # 2024-12-31: Mawar, Melati, Lili
    assert report.figure("new_members").value == 2  # Dahlia, Kamboja
    assert report.figure("new_members").previous == 3
    assert report.figure("peer_educators").value == 1
    assert report.figure("branches_active").value == 2


def test_members_by_kind_and_gender_uses_the_kind_on_the_last_day(report_data, sari):
    table = build(sari).table("members_by_kind_gender")
    kinds, genders = dict(MemberKind.choices), dict(Gender.choices)
    assert table.value(kinds["regular"], genders["woman"]) == 2  # Mawar, Dahlia
    assert table.value(kinds["former"], genders["waria"]) == 1  # Melati changed kind in 2025
    assert table.value(kinds["honorary"], genders["man"]) == 1
    assert table.value(_("Total"), _("Total")) == 4


def test_a_kind_change_inside_the_period_counts_the_earlier_kind_before_it(report_data, sari):
    table = build(sari, period=periods.quarter(2025, 1)).table("members_by_kind_gender")
    assert table.value(dict(MemberKind.choices)["regular"], dict(Gender.choices)["waria"]) == 1


def test_a_branch_scope_counts_only_that_branch(report_data, sari):
    report = build(sari, scope=Scope("branch", str(report_data["bali"].pk)))
    assert report.figure("members").value == 1
    assert [row[0] for row in report.table("members_by_branch_kind").rows] == ["Bali", _("Total")]


def test_coordinator_cannot_scope_another_branch(report_data, ayu):
    assert not Scope("branch", str(report_data["bali"].pk)).allowed(ayu)
    assert not Scope("national").allowed(ayu)
    assert Scope("branch", str(report_data["jakarta"].pk)).allowed(ayu)


def test_query_count_does_not_grow_with_members_or_branches(report_data, sari, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        build(sari)
    for code in ["32", "33", "35", "61", "71"]:
        MemberFactory.create_batch(8, branch=BranchFactory(province=code))
    with django_assert_num_queries(len(small.captured_queries)):
        build(sari)


def test_the_previous_column_is_what_the_previous_report_shows(report_data, sari):
    """Both periods are counted in one pass: each figure must land in its own period."""
    MemberFactory(branch=report_data["bali"], alias="Anggrek", joined_on=D(2024, 3, 1), peer_educator=True)
    this_year, last_year = build(sari), build(sari, period=periods.year(2024))
    for figure in last_year.key_figures:
        # Incident figures add up their own rounded rows: the year before's are not set beside them.
        expected = "–" if figure.sensitive else figure.value
        assert this_year.figure(figure.key).previous == expected, figure.key
    assert this_year.figure("peer_educators").previous == 1  # Anggrek; Dahlia joined in 2025
    assert this_year.figure("branches_active").previous == 2
    regular_waria = (dict(MemberKind.choices)["regular"], dict(Gender.choices)["waria"])
    assert last_year.table("members_by_kind_gender").value(*regular_waria) == 1  # Melati, before her change
    assert this_year.table("members_by_kind_gender").value(*regular_waria) == 0
