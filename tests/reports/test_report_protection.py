"""Who is shown which incident figures, for which periods, and what a report for use outside
OPSI may cover (reports.protection)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports import kept, periods, protection
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.forms import ReportForm
from reports.scopes import Scope
from tests.incidents.conftest import make_incident
from tests.reports.test_access_indicators import access_data  # noqa: F401 (a fixture)

D = datetime.date
Q1 = periods.quarter(2025, 1)  # its incidents count when recorded by 30 April 2025, shown from 1 May
IN_TIME = timezone.make_aware(datetime.datetime(2025, 4, 30, 23))
YEAR = periods.year(2025)  # its incidents count when recorded by 31 January 2026, shown from 1 February
AFTER_THE_YEARS_CUTOFF = timezone.make_aware(datetime.datetime(2026, 2, 1, 9))
INCIDENT_TABLES = {"incidents_by_violation", "incidents_by_perpetrator", "incidents_by_branch"}


@pytest.fixture
def incidents(jakarta, bali):
    """Q1 2025: 7 incidents in Jakarta and 3 in Bali, all recorded by the end of April."""
    for _ in range(7):
        make_incident(jakarta, on=D(2025, 2, 10), reported_at=IN_TIME)
    for _ in range(3):
        make_incident(bali, on=D(2025, 3, 5), perpetrator="client", reported_at=IN_TIME)
    return {"jakarta": jakarta, "bali": bali}


def incident_figures(report):
    """The incident key figures and tables a report shows."""
    figures = {f.key: f.value for f in report.key_figures if f.sensitive}
    tables = {t.key: t.rows for s in report.sections for t in s.tables if t.key in INCIDENT_TABLES}
    return figures, tables


def form(data, user):
    base = {"definition": "btg", "year": "2025", "number": "1", "scope": "national:"}
    return ReportForm({**base, **data}, user=user)


@pytest.mark.parametrize(
    "lang,message",
    [
        ("en", "A report for use outside OPSI covers a quarter, a half-year or a year, not a date range."),
        (
            "id",
            "Laporan untuk dipakai di luar OPSI mencakup satu triwulan, semester, atau tahun, bukan rentang tanggal.",
        ),
    ],
)
def test_a_report_for_use_outside_over_a_date_range_is_refused_in_the_users_language(sari, lang, message):
    with translation.override(lang):
        refused = form({"period_kind": "range", "start": "2025-01-01", "end": "2025-03-30", "suppress": "on"}, sari)
        assert not refused.is_valid()
        assert refused.errors["period_kind"] == [message]
        inside = form({"period_kind": "range", "start": "2025-01-01", "end": "2025-03-30"}, sari)
        assert inside.is_valid(), inside.errors


@pytest.mark.parametrize(
    "lang,message",
    [
        ("en", "A report for use outside OPSI covers a period that has ended."),
        ("id", "Laporan untuk dipakai di luar OPSI mencakup periode yang sudah berakhir."),
    ],
)
def test_a_report_for_use_outside_of_a_period_not_over_yet_is_refused(sari, lang, message):
    this_year = str(kept.today().year)
    with translation.override(lang):
        refused = form({"period_kind": "year", "year": this_year, "suppress": "on"}, sari)
        assert not refused.is_valid()
        assert refused.errors["period_kind"] == [message]
    assert form({"period_kind": "half", "number": "2", "year": "2025", "suppress": "on"}, sari).is_valid()


def test_the_secretariat_sees_a_years_national_incidents_once_the_cutoff_has_passed(incidents, sari):
    with translation.override("en"):
        national = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari)
    figures, tables = incident_figures(national)
    # By violation and perpetrator; not by branch: a row of it is one branch's figure.
    assert set(tables) == INCIDENT_TABLES - {"incidents_by_branch"}
    assert "regional reports" not in national.notices
    assert all(row[1] % 5 == 0 for rows in tables.values() for row in rows)
    # The total adds up its rounded rows (Jakarta's 7 by police, Bali's 3 by clients), and is the key figure.
    perpetrators = tables["incidents_by_perpetrator"]
    assert perpetrators[-1][1] == sum(row[1] for row in perpetrators[:-1]) == figures["incidents"]
    assert figures["incidents"] in (5, 10, 15)
    assert national.figure("incidents").previous == "–"  # the year before adds up its own rows
    assert any("recorded by 31 January 2026" in note for note in national.method_notes)


@pytest.mark.parametrize(
    "scope,period",
    [
        (Scope("national"), Q1),
        (Scope("national"), periods.half_year(2025, 1)),
        (Scope("region", "west"), YEAR),
    ],
)
def test_the_secretariat_sees_no_incidents_for_a_quarter_a_half_or_a_region(incidents, sari, scope, period):
    """A quarter shown 5 inside a half shown 0 would be 1 to 4, however each is rounded."""
    with translation.override("en"):
        report = build_report(BRIDGING_THE_GAPS, period, scope, sari)
    assert incident_figures(report) == ({}, {})
    assert "whole country over a whole year only" in report.notices[0]


def test_a_report_for_use_outside_gives_incidents_for_a_national_year_only(incidents, sari, ayu):
    jakarta = Scope("branch", str(incidents["jakarta"].pk))
    assert incident_figures(build_report(BRIDGING_THE_GAPS, Q1, jakarta, ayu, external=True)) == ({}, {})
    assert incident_figures(build_report(BRIDGING_THE_GAPS, YEAR, jakarta, ayu, external=True)) == ({}, {})
    outside = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari, external=True)
    inside = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari)
    assert incident_figures(outside) == incident_figures(inside) != ({}, {})


@pytest.mark.parametrize("user", ["sari", "dewi", "putri"])
def test_readers_who_may_not_read_incidents_see_none_for_a_branch(incidents, request, user):
    reader = request.getfixturevalue(user)
    with translation.override("en"):
        report = build_report(BRIDGING_THE_GAPS, YEAR, Scope("branch", str(incidents["jakarta"].pk)), reader)
    assert incident_figures(report) == ({}, {})
    assert report.notices and "whole country" in report.notices[0]
    assert next(s for s in report.sections if s.key == "stigma").notice == report.notices[0]
    assert report.table("outside_trainings")  # what the role may read is still there


def test_the_secretariat_sees_no_incidents_for_a_date_range_or_a_period_not_over(incidents, sari):
    for period in (periods.Period(D(2025, 1, 1), D(2025, 3, 30)), periods.year(kept.today().year)):
        report = build_report(BRIDGING_THE_GAPS, period, Scope("national"), sari)
        assert incident_figures(report) == ({}, {}), period
        assert report.notices


def test_the_secretariat_sees_a_years_incidents_only_from_the_day_after_the_cutoff(incidents, sari, monkeypatch):
    monkeypatch.setattr(protection, "ended_everywhere_before", lambda: D(2026, 1, 31))
    before = build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari)
    assert incident_figures(before) == ({}, {})
    assert "1 February 2026" in before.notices[0] or "1 Februari 2026" in before.notices[0]
    monkeypatch.setattr(protection, "ended_everywhere_before", lambda: D(2026, 2, 1))
    assert incident_figures(build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari))[0]["incidents"] > 0


def test_an_incident_recorded_after_the_cutoff_does_not_change_what_the_secretariat_was_shown(incidents, sari, ayu):
    shown = incident_figures(build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari))
    make_incident(incidents["jakarta"], on=D(2025, 3, 31), perpetrator="client", reported_at=AFTER_THE_YEARS_CUTOFF)
    assert incident_figures(build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), sari)) == shown
    # Those who handle incidents count it: Jakarta's 8, rounded.
    jakarta = Scope("branch", str(incidents["jakarta"].pk))
    assert build_report(BRIDGING_THE_GAPS, Q1, jakarta, ayu).figure("incidents").value in (5, 10)


def test_a_coordinator_sees_her_branch_incidents_rounded_for_an_open_quarter_but_not_for_a_range(jakarta, ayu):
    today = kept.today()
    make_incident(jakarta, on=today, reported_at=timezone.now())
    quarter = periods.quarter(today.year, (today.month - 1) // 3 + 1)
    report = build_report(BRIDGING_THE_GAPS, quarter, Scope("branch", str(jakarta.pk)), ayu)
    figures, tables = incident_figures(report)
    assert figures["incidents"] in (0, 5) and set(tables) == INCIDENT_TABLES
    over_a_range = periods.Period(quarter.start, today)
    if over_a_range.kind is None:
        report = build_report(BRIDGING_THE_GAPS, over_a_range, Scope("branch", str(jakarta.pk)), ayu)
        assert incident_figures(report) == ({}, {}) and report.notices


def test_the_report_page_says_why_incidents_are_not_shown(client_of, incidents, sari):
    response = client_of(sari).get(
        reverse("report_page"),
        {
            "definition": "btg",
            "period_kind": "quarter",
            "year": "2025",
            "number": "1",
            "scope": f"branch:{incidents['jakarta'].pk}",
        },
    )
    page = response.content.decode()
    assert "hanya untuk seluruh negeri selama satu tahun penuh" in page


def test_a_median_over_fewer_than_5_documents_is_not_shown_outside(access_data, sari):  # noqa: F811
    """Mawar's KTP took 30 days, Kamboja's 92: a median of two is near enough each one's days."""
    inside = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    outside = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari, external=True)
    assert [row[2] for row in inside.table("documents_issued").rows if row[1]] != []
    assert all(row[2] == "–" for row in outside.table("documents_issued").rows)
    # The documents issued show what the key figures of the same counts show.
    ktp = outside.table("documents_issued").rows[0][1]
    assert ktp == outside.figure("ktp_issued").value in (0, 5)


def test_the_report_page_for_use_outside_costs_no_more_queries(
    client_of, incidents, sari, django_assert_max_num_queries
):
    client = client_of(sari)
    query = {"definition": "btg", "period_kind": "year", "year": "2024", "number": "1", "scope": "national:"}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kept_figures = __import__("opsi.models", fromlist=["KeptFact"]).KeptFact.objects
    kept_figures.all().delete()
    with CaptureQueriesContext(connection) as inside:
        client.get(reverse("report_page"), query)
    kept_figures.all().delete()
    with django_assert_max_num_queries(len(inside.captured_queries)):
        response = client.get(reverse("report_page"), {**query, "suppress": "on"})
    assert response.context["report"].external


def test_a_branchs_count_shows_one_figure_in_the_national_regional_and_branch_reports(incidents, sari, ayu):
    """Two roundings of one count would narrow it down: it is rounded once. Incidents: the
    coordinator's table and key figure show one figure for Jakarta's 7."""
    jakarta = incidents["jakarta"]
    own = build_report(BRIDGING_THE_GAPS, Q1, Scope("branch", str(jakarta.pk)), ayu)
    by_branch = own.table("incidents_by_branch").rows
    assert by_branch[0][1] in (5, 10) and by_branch[-1][1] == by_branch[0][1]  # her branch's row, and the total
    perpetrators = own.table("incidents_by_perpetrator").rows
    assert own.figure("incidents").value == perpetrators[-1][1] == sum(row[1] for row in perpetrators[:-1])
    # The same for every figure of a report for use outside: Jakarta's members.
    national = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari, external=True)
    own = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("branch", str(jakarta.pk)), sari, external=True)
    by_branch = national.table("members_by_branch_kind")
    assert next(r for r in by_branch.rows if r[0] == jakarta.name)[-1] == own.figure("members").value


@pytest.mark.parametrize(
    "lang,heading,note",
    [
        ("en", "How the figures are protected", "Random rounding: a count is rounded up or down"),
        ("id", "Cara angka dilindungi", "Pembulatan acak: sebuah hitungan dibulatkan ke atas atau ke bawah"),
    ],
)
def test_the_report_page_says_how_its_figures_are_rounded(client_of, incidents, sari, lang, heading, note):
    sari.language = lang  # the page follows the user's own language
    sari.save(update_fields=["language"])
    query = {"definition": "btg", "period_kind": "quarter", "year": "2025", "number": "1", "scope": "national:"}
    text = client_of(sari).get(reverse("report_page"), {**query, "suppress": "on"}).content.decode()
    assert heading in text and note in text
    assert "&lt;5" not in text


def test_a_count_on_the_last_day_shows_one_figure_for_the_quarter_the_half_and_the_year(report_data, sari):
    """Members on 31 December are one count for Q4, the second half and the year: drawn once,
    else three draws of it (5, 5 and 0) would say it is 1 to 4."""
    reports = [
        build_report(BRIDGING_THE_GAPS, period, Scope("national"), sari, external=True)
        for period in (periods.quarter(2025, 4), periods.half_year(2025, 2), periods.year(2025))
    ]
    for key in ("members", "peer_educators", "ktp_and_bpjs"):
        assert len({report.figure(key).value for report in reports}) == 1, key
    for key in ("members_by_kind_gender", "members_by_branch_kind"):
        assert len({str(report.table(key).rows) for report in reports}) == 1, key
    # And the previous column of the next quarter shows the same.
    next_quarter = build_report(BRIDGING_THE_GAPS, periods.quarter(2026, 1), Scope("national"), sari)
    assert next_quarter.figure("members").previous == 4  # inside OPSI: the true count
