"""HIV tests, results, treatment, STI treatment, PrEP, new and returning people, violence as a
share of members: each cell counted by hand on its own fixture; results and violence shown only
where incident figures are (``reports.protection.incident_access``), rounded like them."""

import datetime
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from incidents.models import Incident, Violation
from members.registration import change_kind
from reports import periods
from reports.building import Context, build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.exporters import PdfExport
from reports.indicators import health
from reports.scopes import Scope
from services.care import Care
from services.models import HealthCare, HivResult, Visit
from services.referrals import record_outcome, refer
from services.visits import log_visit
from tests.factories import MemberFactory

D = datetime.date
YEAR = periods.year(2025)
WALK_IN, WALK_TWO = "DEAG3010195", "SERU1020288"


@pytest.fixture
def health_data(jakarta, bali, jakarta_dic, bali_dic, catalogue, ayu):
    """2025, by hand.

    Jakarta's centre:
    - Mawar (regular): 10 Feb tested non-reactive; referred 1 Mar for a test, reached 10 Mar, reactive,
      ART from 20 Mar; tested again 5 Jan 2026 (another year).
    - Melati (regular, former from 1 June): 1 Apr tested reactive (not a sex worker on 31 Dec: not counted).
    - the walk-in DEAG3010195: 5 May tested, result not given; STI treatment; PrEP started.
    - the walk-in SERU1020288: 1 Nov tested reactive, no ART; 1 Dec PrEP continued, no test.
    - Dahlia (regular): 20 Dec 2024 and 1 Jun 2025, rest only.
    - Kenanga (regular): 15 Dec tested reactive, ART from 10 Jan 2026 (after the year).
    - Kamboja (of Bali) came to Jakarta's centre on 1 Jun 2024.
    Bali's centre: Kamboja (regular) 1 Jul tested non-reactive, STI treatment.
    Incidents (Jakarta): Mawar violence 1 Aug and 1 Oct (statistics), Dahlia extortion 1 Sep
    (statistics), Melati violence 1 Jul (record only). Members on 31 Dec 2025: 4 in Jakarta, 1 in Bali.
    """
    c = catalogue
    mawar = MemberFactory(branch=jakarta, alias="Mawar", joined_on=D(2024, 1, 1))
    melati = MemberFactory(branch=jakarta, alias="Melati", joined_on=D(2024, 1, 1))
    change_kind(melati, "former", D(2025, 6, 1), ayu)
    dahlia = MemberFactory(branch=jakarta, alias="Dahlia", joined_on=D(2024, 1, 1))
    kenanga = MemberFactory(branch=jakarta, alias="Kenanga", joined_on=D(2024, 1, 1))
    kamboja = MemberFactory(branch=bali, alias="Kamboja", joined_on=D(2024, 1, 1))

    def visit(centre, member, on, care=None, uic="", services=None):
        log_visit(
            centre=centre,
            member=member,
            uic=uic,
            on=on,
            services=services if services is not None else {c["counselling"]: 1},
            by=ayu,
            care=care,
        )

    visit(jakarta_dic, mawar, D(2025, 2, 10), Care(hiv_test="non_reactive"))
    referral = refer(
        branch=jakarta,
        member=mawar,
        uic="",
        on=D(2025, 3, 1),
        facility_kind="vct_clinic",
        facility_name="",
        service="Tes HIV",
        by=ayu,
    )
    record_outcome(referral, "reached", D(2025, 3, 10), Care(hiv_test="reactive", art_started_on=D(2025, 3, 20)), ayu)
    visit(jakarta_dic, mawar, D(2026, 1, 5), Care(hiv_test="non_reactive"))
    visit(jakarta_dic, melati, D(2025, 4, 1), Care(hiv_test="reactive"))
    visit(jakarta_dic, None, D(2025, 5, 5), Care(hiv_test="not_given", sti_treated=True, prep="started"), WALK_IN)
    visit(jakarta_dic, None, D(2025, 11, 1), Care(hiv_test="reactive"), WALK_TWO)
    visit(jakarta_dic, None, D(2025, 12, 1), Care(prep="continued"), WALK_TWO)
    visit(jakarta_dic, dahlia, D(2024, 12, 20), services={c["rest"]: 1})
    visit(jakarta_dic, dahlia, D(2025, 6, 1), services={c["rest"]: 1})
    visit(jakarta_dic, kenanga, D(2025, 12, 15), Care(hiv_test="reactive", art_started_on=D(2026, 1, 10)))
    visit(jakarta_dic, kamboja, D(2024, 6, 1))
    visit(bali_dic, kamboja, D(2025, 7, 1), Care(hiv_test="non_reactive", sti_treated=True))

    def incident(member, on, kind, consent="statistics"):
        found = Incident.objects.create(
            branch=jakarta,
            member=member,
            occurred_on=on,
            place_kind="street",
            perpetrator="client",
            account="-",
            consent=consent,
        )
        Violation.objects.create(incident=found, kind=kind)

    incident(mawar, D(2025, 8, 1), "violence")
    incident(mawar, D(2025, 10, 1), "violence")
    incident(dahlia, D(2025, 9, 1), "extortion")
    incident(melati, D(2025, 7, 1), "violence", consent="record_only")
    return {"jakarta": jakarta, "bali": bali}


def context(branches, branch_ids=None, period=YEAR, to_cutoff=False):
    return Context(
        period=period,
        branches=branches,
        branch_ids=branch_ids,
        includes_national=branch_ids is None,
        incidents_to_cutoff=to_cutoff,
    )


def national(health_data):
    return context([health_data["bali"], health_data["jakarta"]])


def jakarta_only(health_data):
    return context([health_data["jakarta"]], [health_data["jakarta"].pk])


def cells(table):
    return dict(zip(table.row_keys, (row[1] for row in table.rows)))


def test_tests_sti_treatment_and_prep_counted_by_hand(health_data):
    with translation.override("en"):
        table = health.hiv_testing(national(health_data))
    # Tested at a centre: Mawar, the two walk-ins, Kenanga, Kamboja (Melati is no longer a sex
    # worker on 31 Dec); where referred: Mawar; each person once: 5.
    assert cells(table) == {
        "at_centres": 5,
        "by_referral": 1,
        "tested": 5,
        "sti": 2,
        "prep_started": 1,
        "prep_continued": 1,
    }
    assert health.hiv_tested_total(national(health_data)) == 5
    assert cells(health.hiv_testing(jakarta_only(health_data)))["tested"] == 4
    assert health.hiv_tested_total(national(health_data), periods.year(2026)) == 1  # Mawar, January 2026


def test_results_and_treatment_counted_by_hand(health_data):
    table = health.hiv_results(national(health_data))
    assert table.sensitive
    # Know their result: Mawar, SERU1020288, Kenanga, Kamboja (the walk-in DEAG... was not given
    # hers); reactive: Mawar, SERU1020288, Kenanga; linked to ART by 31 Dec: Mawar only.
    assert cells(table) == {"know": 4, "reactive": 3, "linked": 1}
    assert cells(health.hiv_results(jakarta_only(health_data))) == {"know": 3, "reactive": 3, "linked": 1}
    # Kenanga's treatment started on 10 January 2026: linked in a period that holds both days.
    q4_to_january = periods.Period(D(2025, 10, 1), D(2026, 1, 31))
    found = cells(health.hiv_results(context(national(health_data).branches, period=q4_to_january)))
    # SERU1020288 and Kenanga reactive in the range (Mawar's January test is non-reactive).
    assert found == {"know": 3, "reactive": 2, "linked": 1}


def test_results_recorded_after_the_cutoff_are_not_counted_for_readers_counted_to_it(health_data):
    HealthCare.objects.update(created_at=timezone.make_aware(datetime.datetime(2025, 12, 31)))
    HivResult.objects.filter(art_started_on__isnull=False).update(
        art_recorded_at=timezone.make_aware(datetime.datetime(2025, 12, 31))
    )
    HealthCare.objects.filter(visit__member__alias="Kenanga").update(
        created_at=timezone.make_aware(datetime.datetime(2026, 2, 3))
    )
    to_cutoff = context(national(health_data).branches, to_cutoff=True)
    assert cells(health.hiv_results(to_cutoff)) == {"know": 3, "reactive": 2, "linked": 1}
    # Mawar's treatment, recorded after the cutoff (from the visit's page): not linked for them.
    HivResult.objects.filter(art_started_on__isnull=False).update(
        art_recorded_at=timezone.make_aware(datetime.datetime(2026, 3, 1))
    )
    to_cutoff = context(national(health_data).branches, to_cutoff=True)  # counted afresh
    assert cells(health.hiv_results(to_cutoff)) == {"know": 3, "reactive": 2, "linked": 0}
    assert cells(health.hiv_results(national(health_data))) == {"know": 4, "reactive": 3, "linked": 1}


def test_new_and_returning_counted_by_hand(health_data):
    # 2025 at every centre: Mawar, Melati, the two walk-ins, Kenanga new; Dahlia (Dec 2024) and
    # Kamboja (Jakarta, Jun 2024) returning.
    assert cells(health.new_and_returning(national(health_data))) == {"new": 5, "returning": 2, "total": 7}
    assert cells(health.new_and_returning(jakarta_only(health_data))) == {"new": 5, "returning": 1, "total": 6}
    bali = context([health_data["bali"]], [health_data["bali"].pk])
    # Kamboja came to a centre before, in another branch: returning in Bali's report too.
    assert cells(health.new_and_returning(bali)) == {"new": 0, "returning": 1, "total": 1}
    assert health.new_people_total(national(health_data)) == 5
    # 2026: Mawar came before.
    assert health.new_people_total(national(health_data), periods.year(2026)) == 0


def test_violence_as_a_share_of_members_counted_by_hand(health_data):
    table = health.violence_among_members(national(health_data))
    # Mawar (two counted incidents of violence: once); Dahlia's extortion is not violence;
    # Melati's incident is recorded only. Members on 31 Dec 2025: five.
    assert table.sensitive and table.rows[0][1:3] == [1, 5]
    assert str(table.rows[0][3]) == "20%"


def report(user, period=YEAR, scope=Scope("national"), **kw):
    with translation.override("en"):
        return build_report(BRIDGING_THE_GAPS, period, scope, user, **kw)


def keys(report):
    return {table.key for section in report.sections for table in section.tables}


def test_tests_and_reactive_results_by_sex_and_age_counted_by_hand(health_data):
    from reports.breakdowns import by_age, by_sex

    # Tested: Mawar, Kenanga, Kamboja (members: women born in 1990, 35 in 2025) and the walk-ins
    # by their codes: DEAG3010195 (gender digit 3: waria, born 1995), SERU1020288 (1: a man, born
    # 1988). Reactive: Mawar, Kenanga and SERU1020288.
    tested = health.hiv_tested_by_sex_and_age(national(health_data))
    assert tested == {("female", "25_plus"): 3, ("transgender", "25_plus"): 1, ("male", "25_plus"): 1}
    reactive = health.reactive_by_sex_and_age(national(health_data))
    assert reactive == {("female", "25_plus"): 2, ("male", "25_plus"): 1}
    assert health.reactive_total(national(health_data)) == 3
    young = MemberFactory(branch=health_data["jakarta"], alias="Anggrek", gender="waria", birth_year=2003)
    visit = Visit.objects.filter(member__alias="Kamboja", visited_on=D(2025, 7, 1)).get()
    Visit.objects.filter(pk=visit.pk).update(member=young, uic=young.uic)
    tested = health.hiv_tested_by_sex_and_age(national(health_data))
    # Kamboja's test now Anggrek's: a waria member born in 2003, 22 in 2025.
    assert tested == {
        ("female", "25_plus"): 2,
        ("transgender", "25_plus"): 1,
        ("male", "25_plus"): 1,
        ("transgender", "under_25"): 1,
    }
    assert (by_sex(tested)["transgender"], by_age(tested)["under_25"]) == (2, 1)


def test_sti_treatment_and_prep_by_sex_and_age_counted_by_hand(health_data):
    # STI treatment: the walk-in DEAG3010195 (waria, born 1995) and Kamboja (a woman born in 1990);
    # PrEP started: DEAG3010195; continued: SERU1020288 (a man, born 1988).
    assert health.sti_treated_by_sex_and_age(national(health_data)) == {
        ("transgender", "25_plus"): 1,
        ("female", "25_plus"): 1,
    }
    assert health.prep_started_by_sex_and_age(national(health_data)) == {("transgender", "25_plus"): 1}
    assert health.prep_continued_by_sex_and_age(national(health_data)) == {("male", "25_plus"): 1}


def test_the_report_breaks_sti_treatment_and_prep_down_to_their_own_figures(health_data, sari):
    built = report(sari)
    by_sex = next(t for s in built.sections for t in s.tables if t.key == "breakdown_by_sex")
    testing = next(t for s in built.sections for t in s.tables if t.key == "hiv_testing")
    for key in ("sti_treated", "prep_started", "prep_continued"):
        row, column = by_sex.links[key]
        source_row, source_column = testing.links[key]
        assert by_sex.rows[row][column] == testing.rows[source_row][source_column]
    assert testing.rows[testing.links["sti_treated"][0]][1] == 2


def test_the_report_shows_tests_and_new_people_as_counted(health_data, sari):
    built = report(sari)
    assert built.figure("hiv_tested").value == 5 and built.figure("new_people").value == 5
    assert built.table("hiv_testing").value("Tested for HIV, each person once", "People") == 5
    assert built.table("new_and_returning").value("Total", "Number") == built.figure("unique_people").value == 7


def test_a_coordinator_sees_her_branch_results_rounded_for_a_quarter(health_data, ayu):
    built = report(ayu, periods.quarter(2025, 4), Scope("branch", str(health_data["jakarta"].pk)))
    assert {"hiv_results", "violence_among_members"} <= keys(built)
    results = built.table("hiv_results")
    assert results.rounded and all(row[1] % 5 == 0 for row in results.rows)


@pytest.mark.parametrize(
    "period,scope",
    [
        (periods.quarter(2025, 4), "national"),
        (periods.half_year(2025, 2), "national"),
        (YEAR, "region"),
    ],
)
def test_the_secretariat_never_sees_results_below_the_national_year(health_data, sari, period, scope):
    scope = Scope("region", health_data["jakarta"].region) if scope == "region" else Scope("national")
    built = report(sari, period, scope)
    assert "hiv_results" not in keys(built) and "violence_among_members" not in keys(built)
    assert "hiv_testing" in keys(built)  # tests done are not results


def test_the_secretariat_sees_the_national_year_rounded_to_the_cutoff(health_data, sari):
    built = report(sari)
    assert {"hiv_results", "violence_among_members"} <= keys(built)
    assert all(row[1] % 5 == 0 for row in built.table("hiv_results").rows)


def test_a_report_for_outside_rounds_every_new_figure(health_data, sari):
    built = report(sari, external=True)
    assert built.figure("hiv_tested").value % 5 == 0 and built.figure("new_people").value % 5 == 0
    assert all(row[1] % 5 == 0 for row in built.table("hiv_testing").rows)


def test_a_late_test_in_a_closed_year_is_counted_in_its_kept_report(health_data, sari, jakarta_dic, catalogue, ayu):
    assert report(sari).figure("hiv_tested").value == 5
    log_visit(
        centre=jakarta_dic,
        member=None,
        uic="KAPU2030385",
        on=D(2025, 6, 1),
        services={catalogue["counselling"]: 1},
        by=ayu,
        care=Care(hiv_test="non_reactive"),
    )
    assert report(sari).figure("hiv_tested").value == 6


def _queries(ctx):
    with CaptureQueriesContext(connection) as captured:
        health.hiv_testing(ctx)
        health.hiv_results(ctx)
        health.new_and_returning(ctx)
        health.violence_among_members(ctx)
        health.hiv_tested_total(ctx)
        health.new_people_total(ctx)
    return len(captured)


def test_the_queries_do_not_grow_with_the_records(health_data, jakarta_dic, catalogue, ayu):
    few = _queries(national(health_data))
    for day in range(1, 29):
        log_visit(
            centre=jakarta_dic,
            member=None,
            uic=f"KAPU20{day:02d}385",
            on=D(2025, 2, day),
            services={catalogue["counselling"]: 1},
            by=ayu,
            care=Care(hiv_test="reactive", sti_treated=True),
        )
    assert Visit.objects.count() == 39
    assert _queries(national(health_data)) == few


def test_the_pdf_holds_the_new_tables_and_the_notes(health_data, ayu, tmp_path):
    built = report(ayu, periods.quarter(2025, 4), Scope("branch", str(health_data["jakarta"].pk)))
    with translation.override("en"):
        content = PdfExport().write(built)
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for expected in [
        "HIV testing, STI treatment and PrEP among sex workers",
        "HIV test results and treatment among sex workers",
        "New and returning people at the drop-in centres",
        "Members who suffered physical or sexual violence",
        "KP-3c",
        "linked to antiretroviral therapy",
    ]:
        assert expected in text, expected
