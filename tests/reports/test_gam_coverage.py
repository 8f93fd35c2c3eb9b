"""UNAIDS GAM coverage among sex workers, Part II (programme data), counted by hand: sex workers
reached with the defined package over the branch's population size estimate; and the Part I-like
figure (two or more prevention interventions in three months) under its own name."""

import datetime

import pytest
from django.utils import translation

from members.registration import change_kind
from outreach.models import OutreachContact, OutreachSession
from reports import periods
from reports.building import build_report
from reports.definitions import UNAIDS_GAM
from opsi.models import KeptFact
from reports.models import PopulationSizeEstimate
from reports.scopes import Scope
from services.stock import receive
from services.visits import log_visit
from tests.factories import MemberFactory

D = datetime.date
YEAR = periods.year(2025)
WALK_IN, SERUNI = "DEAG3010195", "SERU1020288"


@pytest.fixture
def gam(jakarta, bali, jakarta_dic, bali_dic, catalogue, ayu):
    """2025.

    Jakarta's centre: Mawar (regular) 15 Feb counselling, 10 Nov condoms and lubricant; Melati
    (regular, former from 1 June) 20 Nov counselling and HIV test referral; Kenanga (honorary)
    1 Dec counselling and condoms; the walk-in DEAG3010195 5 Dec counselling and condoms; Dahlia
    (regular) 2 Mar rest only. Jakarta's outreach on 3 Mar: Seruni (walk-in, by code) and Mawar
    met by code, 7 new contacts counted without a code.
    Bali's centre: Kamboja (regular) 1 Jul HIV test referral. Bali's outreach on 9 Sep: the
    walk-in DEAG3010195 met by code.
    Size estimates: Jakarta 100 for 2023 and 40 for 2025; Bali none.
    """
    c = catalogue
    for centre in (jakarta_dic, bali_dic):
        for item in ("condom_item", "lube_item"):
            receive(centre, c[item], 1000, D(2024, 1, 1), ayu)
    mawar = MemberFactory(branch=jakarta, alias="Mawar", joined_on=D(2024, 1, 1))
    melati = MemberFactory(branch=jakarta, alias="Melati", joined_on=D(2024, 1, 1))
    change_kind(melati, "former", D(2025, 6, 1), ayu)
    kenanga = MemberFactory(branch=jakarta, alias="Kenanga", kind="honorary", work_setting="", joined_on=D(2024, 1, 1))
    dahlia = MemberFactory(branch=jakarta, alias="Dahlia", joined_on=D(2024, 1, 1))
    kamboja = MemberFactory(branch=bali, alias="Kamboja", joined_on=D(2024, 1, 1))

    def visit(centre, member, on, services, uic=""):
        log_visit(centre=centre, member=member, uic=uic, on=on, services=services, by=ayu)

    visit(jakarta_dic, mawar, D(2025, 2, 15), {c["counselling"]: 1})
    visit(jakarta_dic, mawar, D(2025, 11, 10), {c["condoms"]: 10, c["lube"]: 2})
    visit(jakarta_dic, melati, D(2025, 11, 20), {c["counselling"]: 1, c["hiv_test"]: 1})
    visit(jakarta_dic, kenanga, D(2025, 12, 1), {c["counselling"]: 1, c["condoms"]: 5})
    visit(jakarta_dic, None, D(2025, 12, 5), {c["counselling"]: 1, c["condoms"]: 5}, uic=WALK_IN)
    visit(jakarta_dic, dahlia, D(2025, 3, 2), {c["rest"]: 1})
    visit(bali_dic, kamboja, D(2025, 7, 1), {c["hiv_test"]: 1})
    session = OutreachSession.objects.create(
        branch=jakarta, held_on=D(2025, 3, 3), place_kind="hotspot", new_contacts=7
    )
    OutreachContact.objects.create(session=session, uic=SERUNI)
    OutreachContact.objects.create(session=session, member=mawar, uic=mawar.uic)
    bali_session = OutreachSession.objects.create(branch=bali, held_on=D(2025, 9, 9), place_kind="hotspot")
    OutreachContact.objects.create(session=bali_session, uic=WALK_IN)
    for year, size in [(2023, 100), (2025, 40)]:
        PopulationSizeEstimate.objects.create(
            branch=jakarta, year=year, sex_workers=size, source=f"Pemetaan {year}", estimated_on=D(year, 1, 15)
        )
    return {"jakarta": jakarta, "bali": bali}


def report(user, period=YEAR, scope=Scope("national"), **kw):
    with translation.override("en"):
        return build_report(UNAIDS_GAM, period, scope, user, **kw)


def rows(table):
    return {row[0]: row[1:] for row in table.rows}


def test_coverage_is_reach_with_the_package_over_the_size_estimate(gam, sari):
    built = report(sari)
    table = built.table("gam_coverage")
    # Jakarta: Mawar (centre and outreach), the walk-in (centre), Seruni (outreach by code) = 3 of 40:
    # 7.5 %, shown 8 %. Melati (former on 31 Dec), Kenanga (honorary) and Dahlia (rest only) are not
    # reached; the 7 contacts counted without a code are not people.
    assert rows(table)["Jakarta"] == [3, 40, "8%"]
    # Bali: Kamboja and the walk-in (met by code at outreach); no estimate, so no coverage.
    assert rows(table)["Bali"] == [2, "–", "–"]
    # Nationally 4 people (the walk-in once); no coverage while a branch has no estimate.
    assert rows(table)["Total (each person once)"] == [4, "–", "–"]
    assert "Jakarta 2025: Pemetaan 2025, 2025-01-15" in table.note
    assert built.figure("gam_reached").value == 4


def test_a_branch_report_shows_its_coverage_in_the_total(gam, sari):
    table = report(sari, scope=Scope("branch", str(gam["jakarta"].pk))).table("gam_coverage")
    assert rows(table)["Total (each person once)"] == [3, 40, "8%"]


def test_the_latest_estimate_for_the_year_or_before_is_used(gam, sari):
    # 2024: Jakarta's estimate of 2023; nobody reached in 2024.
    assert rows(report(sari, period=periods.year(2024)).table("gam_coverage"))["Jakarta"] == [0, 100, "0%"]


def test_two_or_more_interventions_keeps_its_own_name_with_condoms_and_lubricant_one(gam, sari):
    table = report(sari).table("prevention_coverage")
    assert "two or more prevention interventions" in table.title
    assert "Coverage" not in table.columns
    # October-December, current sex workers who came to a centre: Mawar (condoms and lubricant:
    # one intervention) and the walk-in (counselling, condoms: two). The old count: 4 came, 4 covered.
    assert rows(table)["Jakarta"] == [2, 1, "50%"]
    assert rows(table)["Bali"] == [0, 0, "–"]


def test_an_estimate_entered_later_changes_the_kept_report_of_a_closed_year(gam, sari):
    assert rows(report(sari).table("gam_coverage"))["Bali"] == [2, "–", "–"]
    assert KeptFact.objects.filter(kind="report").exists()
    PopulationSizeEstimate.objects.create(
        branch=gam["bali"], year=2025, sex_workers=20, source="Pemetaan Bali", estimated_on=D(2025, 6, 1)
    )
    table = report(sari).table("gam_coverage")
    assert rows(table)["Bali"] == [2, 20, "10%"]
    assert rows(table)["Total (each person once)"] == [4, 60, "7%"]  # 4 of 40 + 20


def test_for_use_outside_every_count_is_rounded_to_5(gam, sari):
    table = report(sari, external=True).table("gam_coverage")
    counts = [v for row in table.rows for v in row[1:3] if isinstance(v, int)]
    assert counts and all(v % 5 == 0 for v in counts)
    assert rows(table)["Jakarta"][1] == 40  # a multiple of 5 stays as it is


def test_the_method_notes_quote_the_definition_they_follow():
    with translation.override("en"):
        notes = " ".join(str(n) for n in UNAIDS_GAM.method_notes)
    assert "Part II, programme data" in notes
    assert "number of people in a key population reached with HIV prevention interventions" in notes
    assert "former and honorary members are left out" in notes
    assert "Condoms and lubricant are one service" in notes


def test_the_table_and_the_key_figure_count_the_reach_once(gam):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.building import Context
    from reports.indicators import access

    ctx = Context(period=YEAR, branches=[gam["jakarta"], gam["bali"]], branch_ids=None, includes_national=True)
    assert access.gam_reached_total(ctx, YEAR) == 4
    with CaptureQueriesContext(connection) as table:
        access.gam_programme_coverage(ctx)
    assert not any("outreach" in q["sql"] for q in table.captured_queries)  # the reach was read once
