"""Key-population indicators by sex and age, counted by hand on a fixture of their own: each
member gender and age band, walk-ins by the gender digit and the year in their code, a member's
record before her code, a person met at a centre and at outreach once."""

import dataclasses
import datetime
from collections import Counter

import pytest
from django.utils import translation

from members.registration import change_kind
from outreach.models import OutreachContact, OutreachSession
from reports import periods
from reports.building import build_report
from reports.breakdowns import section as breakdowns_section
from reports.definitions import BRIDGING_THE_GAPS, UNAIDS_GAM, BreakdownDef
from reports.scopes import Scope
from services.paperwork import advance, open_case
from services.visits import log_visit
from tests.factories import MemberFactory

D = datetime.date
YEAR = periods.year(2025)
# Walk-ins known by code only: woman born 2005 (20 in 2025), waria born 1990, gender not said
# born 1980, another gender born 2010 (met at outreach only: 15), and a code that is not one.
YOUNG_WOMAN, WARIA, NOT_SAID, ANOTHER, BAD_CODE = "ABCD2010105", "EFGH3150690", "IJKL9010180", "MNOP4020210", "QRST"
# Mawar's code says man, born 1901 or 2001: her member record (woman, 2001) comes first.
MAWAR_CODE = "MAWA1010101"


@pytest.fixture
def breakdown_people(jakarta, bali, jakarta_dic, bali_dic, catalogue, stocked, ayu):
    """2025.

    Members: Jakarta's Mawar (woman, born 2001: 24 at the end of 2025, regular), Melati (woman,
    2000: 25, joined 1 March 2025), Kenanga (waria, 1990), Dahlia (man, birth year unknown),
    Seroja (another gender, 2003, honorary, joined 1 May 2025), Teratai (gender not said, 1985,
    former since 1 February 2025); Bali's Kamboja (woman, 1999).
    Jakarta's centre: Mawar (counselling; and once before she registered, by her code alone),
    Kenanga (condoms), Dahlia (rest only), Teratai (counselling), the walk-ins YOUNG_WOMAN,
    WARIA, NOT_SAID and BAD_CODE (counselling). Bali's centre: Kamboja (counselling).
    Jakarta's outreach on 1 June: YOUNG_WOMAN and ANOTHER by code, Kenanga as a member.
    Documents issued in 2025: KTP to Mawar and Melati, BPJS to Kenanga (who got her KTP in 2024).
    """
    c = catalogue
    member = {
        "mawar": MemberFactory(branch=jakarta, alias="Mawar", uic=MAWAR_CODE, gender="woman", birth_year=2001),
        "melati": MemberFactory(
            branch=jakarta, alias="Melati", gender="woman", birth_year=2000, joined_on=D(2025, 3, 1)
        ),
        "kenanga": MemberFactory(branch=jakarta, alias="Kenanga", gender="waria", birth_year=1990),
        "dahlia": MemberFactory(branch=jakarta, alias="Dahlia", gender="man", birth_year=None),
        "seroja": MemberFactory(
            branch=jakarta,
            alias="Seroja",
            gender="another",
            birth_year=2003,
            kind="honorary",
            work_setting="",
            joined_on=D(2025, 5, 1),
        ),
        "teratai": MemberFactory(branch=jakarta, alias="Teratai", gender="not_said", birth_year=1985),
        "kamboja": MemberFactory(branch=bali, alias="Kamboja", gender="woman", birth_year=1999),
    }
    change_kind(member["teratai"], "former", D(2025, 2, 1), ayu)

    def visit(centre, who, on, service, uic=""):
        log_visit(centre=centre, member=who, uic=uic, on=on, services={c[service]: 1}, by=ayu)

    visit(jakarta_dic, None, D(2024, 12, 20), "counselling", uic=MAWAR_CODE)  # the year before
    visit(jakarta_dic, None, D(2025, 1, 5), "counselling", uic=MAWAR_CODE)
    visit(jakarta_dic, member["mawar"], D(2025, 2, 10), "counselling")
    visit(jakarta_dic, member["kenanga"], D(2025, 3, 3), "condoms")
    visit(jakarta_dic, member["dahlia"], D(2025, 4, 4), "rest")
    visit(jakarta_dic, member["teratai"], D(2025, 5, 5), "counselling")
    for uic in (YOUNG_WOMAN, WARIA, NOT_SAID):
        visit(jakarta_dic, None, D(2025, 6, 6), "counselling", uic=uic)
    visit(jakarta_dic, None, D(2025, 6, 7), "rest", uic=BAD_CODE)
    visit(bali_dic, member["kamboja"], D(2025, 7, 7), "counselling")
    # The last three months (GAM's two or more prevention interventions): Mawar counselling and
    # condoms, Kenanga counselling only, YOUNG_WOMAN counselling and an HIV test referral,
    # Teratai (former) counselling and condoms.
    for who, uic, on, services in [
        (member["mawar"], "", D(2025, 11, 10), ("counselling", "condoms")),
        (member["kenanga"], "", D(2025, 11, 12), ("counselling",)),
        (None, YOUNG_WOMAN, D(2025, 12, 1), ("counselling", "hiv_test")),
        (member["teratai"], "", D(2025, 11, 15), ("counselling", "condoms")),
    ]:
        log_visit(centre=jakarta_dic, member=who, uic=uic, on=on, services={c[s]: 1 for s in services}, by=ayu)
    session = OutreachSession.objects.create(branch=jakarta, held_on=D(2025, 6, 1), place_kind="hotspot")
    OutreachContact.objects.create(session=session, uic=YOUNG_WOMAN)
    OutreachContact.objects.create(session=session, uic=ANOTHER)
    OutreachContact.objects.create(session=session, member=member["kenanga"], uic=member["kenanga"].uic)
    today = D(2026, 1, 10)
    for who, document, opened, issued in [
        ("mawar", "ktp", D(2025, 1, 2), D(2025, 2, 2)),
        ("melati", "ktp", D(2025, 3, 2), D(2025, 4, 2)),
        ("kenanga", "ktp", D(2024, 1, 2), D(2024, 2, 2)),
        ("kenanga", "bpjs", D(2025, 5, 2), D(2025, 6, 2)),
    ]:
        advance(open_case(member[who], document, opened, ayu), "issued", issued, ayu, today=today)
    return member


def report(user, definition=BRIDGING_THE_GAPS, period=YEAR, scope=Scope("national"), **kw):
    with translation.override("en"):
        return build_report(definition, period, scope, user, **kw)


def breakdowns(report):
    """{by: {row key: {column name: value}}} of the section "By sex and age"."""
    found = {}
    for table in report.table("breakdown_by_sex"), report.table("breakdown_by_age"):
        by = table.key.removeprefix("breakdown_by_")
        found[by] = {key: dict(zip(table.column_names[1:], row[1:])) for key, row in zip(table.row_keys, table.rows)}
    return found


def sexes(female=0, male=0, transgender=0, other=0, unknown=0):
    total = female + male + transgender + other + unknown
    return {
        "female": female,
        "male": male,
        "transgender": transgender,
        "other": other,
        "unknown": unknown,
        "total": total,
    }


def ages(under_25=0, from_25=0, unknown=0):
    return {"under_25": under_25, "25_plus": from_25, "unknown": unknown, "total": under_25 + from_25 + unknown}


def test_people_who_visited_by_sex_and_age_counted_by_hand(breakdown_people, sari):
    found = breakdowns(report(sari))
    # Mawar (woman, 24; once by her code alone: still one woman under 25), Kenanga (waria, 35),
    # Dahlia (man, age unknown), Teratai (not said, 40), YOUNG_WOMAN (20), WARIA (35), NOT_SAID
    # (45), BAD_CODE (nothing known), Kamboja (woman, 26).
    assert found["sex"]["unique_people"] == sexes(female=3, male=1, transgender=2, unknown=3)
    assert found["age"]["unique_people"] == ages(under_25=2, from_25=5, unknown=2)


def test_people_reached_by_code_at_outreach_by_sex_and_age(breakdown_people, sari):
    found = breakdowns(report(sari))
    # YOUNG_WOMAN (woman, 20), ANOTHER (another gender, born 2010: 15), Kenanga (waria, 35).
    assert found["sex"]["outreach_people"] == sexes(female=1, transgender=1, other=1)
    assert found["age"]["outreach_people"] == ages(under_25=2, from_25=1)


def test_documents_and_members_holding_both_by_sex_and_age(breakdown_people, sari):
    found = breakdowns(report(sari))
    assert found["sex"]["ktp_issued"] == sexes(female=2)  # Mawar and Melati
    assert found["age"]["ktp_issued"] == ages(under_25=1, from_25=1)  # 24 and 25: the line between
    assert found["sex"]["bpjs_issued"] == sexes(transgender=1)  # Kenanga
    assert found["age"]["bpjs_issued"] == ages(from_25=1)
    assert found["sex"]["ktp_and_bpjs"] == sexes(transgender=1)  # Kenanga, KTP of 2024
    assert found["age"]["ktp_and_bpjs"] == ages(from_25=1)


def test_members_and_new_members_by_age_only(breakdown_people, sari):
    built = report(sari)
    found = breakdowns(built)
    # Every member at the end of 2025: Mawar 24, Seroja 22; Melati 25, Kenanga, Teratai, Kamboja;
    # Dahlia's birth year unknown.
    assert found["age"]["members"] == ages(under_25=2, from_25=4, unknown=1)
    assert found["age"]["new_members"] == ages(under_25=1, from_25=1)  # Seroja 22, Melati 25
    # By sex they are the members tables' gender columns: not a second rounding of one count.
    assert "members" not in found["sex"] and "new_members" not in found["sex"]
    assert built.table("members_by_kind_gender").value("Total", "Total") == 7


def test_sex_workers_reached_by_sex_and_age_leave_out_former_and_honorary_members(breakdown_people, sari):
    found = breakdowns(report(sari, UNAIDS_GAM))
    # Mawar, Kenanga (centre and outreach: once), YOUNG_WOMAN (centre and outreach: once), WARIA,
    # NOT_SAID, ANOTHER (outreach), Kamboja. Not Dahlia (rest only), Teratai (former), Seroja.
    assert found["sex"]["gam_reached"] == sexes(female=3, transgender=2, other=1, unknown=1)
    assert found["age"]["gam_reached"] == ages(under_25=3, from_25=4)


def test_the_two_or_more_interventions_figure_by_sex_and_age(breakdown_people, sari):
    found = breakdowns(report(sari, UNAIDS_GAM))
    # October to December: Mawar (woman, 24), Kenanga (waria, 35), YOUNG_WOMAN (20); not Teratai.
    assert found["sex"]["coverage_reached"] == sexes(female=2, transgender=1)
    assert found["age"]["coverage_reached"] == ages(under_25=2, from_25=1)
    assert found["sex"]["coverage_covered"] == sexes(female=2)  # Mawar and YOUNG_WOMAN
    assert found["age"]["coverage_covered"] == ages(under_25=2)


def test_each_row_adds_up_to_the_figure_it_breaks_down(breakdown_people, sari):
    for definition in (BRIDGING_THE_GAPS, UNAIDS_GAM):
        built = report(sari, definition)
        figures = {f.key: f.value for f in built.key_figures}
        people_by_code = (
            built.table("outreach").value("People reached by code", "Number") if definition.key == "btg" else None
        )
        # A breakdown's total is a key figure, or a table's cell of the same name (``Table.links``).
        linked = {
            name: table.rows[r][c] for s in built.sections for table in s.tables for name, (r, c) in table.links.items()
        }
        for by, rows in breakdowns(built).items():
            for key, cells in rows.items():
                total = cells.pop("total")
                assert sum(cells.values()) == total, (by, key)
                expected = people_by_code if key == "outreach_people" else figures.get(key, linked.get(key))
                assert total == expected, (by, key)


def test_a_branch_report_breaks_down_its_own_people(breakdown_people, ayu, jakarta):
    found = breakdowns(report(ayu, scope=Scope("branch", str(jakarta.pk))))
    assert found["sex"]["unique_people"] == sexes(female=2, male=1, transgender=2, unknown=3)  # not Kamboja
    assert found["age"]["members"] == ages(under_25=2, from_25=3, unknown=1)


def test_the_breakdowns_cost_one_query_each_whatever_the_rows(
    breakdown_people, jakarta, jakarta_dic, catalogue, ayu, django_assert_num_queries
):
    from reports.building import Context

    def count():
        ctx = Context(period=YEAR, branches=[jakarta], branch_ids=None, includes_national=True)
        with django_assert_num_queries(len(BRIDGING_THE_GAPS.breakdowns)):
            return breakdowns_section(BRIDGING_THE_GAPS.breakdowns, ctx)

    before = count()
    for n in range(12):
        member = MemberFactory(branch=jakarta, alias=f"Anggrek {n}", gender="waria", birth_year=1980 + n)
        log_visit(centre=jakarta_dic, member=member, uic="", on=D(2025, 8, 1), services={catalogue["rest"]: 1}, by=ayu)
        log_visit(
            centre=jakarta_dic,
            member=None,
            uic=f"ANGG2{n + 1:02d}0101",
            on=D(2025, 8, 2),
            services={catalogue["rest"]: 1},
            by=ayu,
        )
    after = count()
    assert after.tables[0].rows[0][-1] == before.tables[0].rows[0][-1] + 24


def test_a_sensitive_breakdown_is_shown_only_where_incident_figures_are(breakdown_people, sari, ayu, jakarta):
    """A breakdown of people harmed (``BreakdownDef(sensitive=True)``) has tables of its own, rounded
    in every report and withheld, with the reason, where incident figures are."""
    harmed = BreakdownDef(
        "harmed", "People harmed", lambda ctx: Counter({("female", "under_25"): 3}), "incidents", sensitive=True
    )
    definition = dataclasses.replace(BRIDGING_THE_GAPS, key="btg-harmed", breakdowns=[harmed])
    national_year = report(sari, definition)  # the secretariat: incident figures of the country's year
    table = national_year.table("breakdown_by_sex_sensitive")
    assert table.rounded and table.rows[0][1] in (0, 5)
    quarter = report(sari, definition, periods.quarter(2025, 1))
    assert not any(t.key.endswith("_sensitive") for s in quarter.sections for t in s.tables)
    assert next(s for s in quarter.sections if s.key == "breakdowns").notice
    own = report(ayu, definition, scope=Scope("branch", str(jakarta.pk)))  # she handles incidents
    assert own.table("breakdown_by_age_sensitive").rounded
