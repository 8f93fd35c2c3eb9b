"""Sending a report's figures to DHIS2 (reports.exchange): the mapping version in force picks
the codes, the files have DHIS2's documented shapes, the preview says what changed since the
last export, each export is recorded and audited, and only the secretariat and administrators
export, only the rounded figures of ended periods."""

import datetime
import hashlib
import itertools
import json
import uuid

import pytest
from auditlog.models import LogEntry
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.exchange import payload
from reports.exchange.figures import cells
from reports.exchange.models import DataElementMapping, Dhis2Export, MappingVersion, OrgUnitMapping
from reports.scopes import Scope
from tests.factories import MemberFactory

D = datetime.date
ADX = "{urn:ihe:qrph:adx:2015}"
YEAR_2025 = {"definition": "btg", "period_kind": "year", "year": "2025", "scope": "national:"}
REPORT_2025 = (BRIDGING_THE_GAPS, periods.year(2025), Scope("national"))


def mapping(valid_from, valid_to=None, prefix="OPSI", **fields):
    version = MappingVersion.objects.create(
        definition="btg",
        name=f"{prefix} data set",
        data_set=f"{prefix}_DS",
        valid_from=valid_from,
        valid_to=valid_to,
        **fields,
    )
    OrgUnitMapping.objects.create(version=version, scope_kind="national", org_unit="ID")
    rows = [
        ("figure:members", "", "", f"{prefix}_MEMBERS", "", ""),
        ("figure:new_members", "", "", f"{prefix}_NEW_MEMBERS", "", ""),
        ("figure:visits", "", "", f"{prefix}_VISITS", "", ""),
        ("members_by_kind_gender", "regular", "1", f"{prefix}_MEMBERS_KIND", "REGULAR_F", "KIND=REG,SEX=F"),
        ("members_by_kind_gender", "regular", "2", f"{prefix}_MEMBERS_KIND", "REGULAR_W", "KIND=REG,SEX=TG"),
    ]
    for figure, row, column, element, combo, adx in rows:
        DataElementMapping.objects.create(
            version=version,
            figure=figure,
            row=row,
            column=column,
            data_element=element,
            category_option_combo=combo,
            adx_category_options=adx,
        )
    return version


@pytest.fixture
def client_of(client_of):
    """Logged in, reading English (the messages the tests look for)."""

    def login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return client_of(user)

    return login


@pytest.fixture
def mapped(report_data):
    return mapping(D(2025, 1, 1))


def shown(user, period=periods.year(2025), scope=Scope("national")):
    """What the report for use outside OPSI shows, by the address the mapping names it by."""
    report = build_report(BRIDGING_THE_GAPS, period, scope, user, external=True)
    return {cell.address: cell.value for cell in cells(report)}


def download(client, file_format, query=YEAR_2025, key=None):
    data = {**query, "submission_key": str(key or uuid.uuid4())}
    return client.post(reverse("dhis2_download", args=[file_format]), data)


def test_the_json_file_has_the_documented_shape_and_the_rounded_figures(client_of, sari, mapped):
    response = download(client_of(sari), "json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="dhis2-btg-national-2025.json"' in response["Content-Disposition"]
    sent = json.loads(response.content)
    assert set(sent) == {"dataSet", "completeDate", "period", "orgUnit", "dataValues"}
    assert (sent["dataSet"], sent["period"], sent["orgUnit"]) == ("OPSI_DS", "2025", "ID")
    datetime.date.fromisoformat(sent["completeDate"])
    for value in sent["dataValues"]:
        assert set(value) <= {"dataElement", "categoryOptionCombo", "value"}
        assert isinstance(value["value"], str) and value["value"].isdigit()
        # Every count is randomly rounded to a multiple of 5: never a raw count.
        assert int(value["value"]) % 5 == 0
    by_code = {(v["dataElement"], v.get("categoryOptionCombo")): v["value"] for v in sent["dataValues"]}
    figures = shown(sari)
    assert by_code[("OPSI_MEMBERS", None)] == figures["figure:members"]
    assert by_code[("OPSI_MEMBERS_KIND", "REGULAR_F")] == figures["members_by_kind_gender:regular:1"]
    # A zero the report shows is sent as "0" (no visits in the fixture).
    assert by_code[("OPSI_VISITS", None)] == "0"


def test_the_adx_file_parses_with_its_namespace_period_and_codes(client_of, sari, mapped):
    response = download(client_of(sari), "adx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/adx+xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ADX}adx"
    (group,) = root.findall(f"{ADX}group")
    assert group.get("dataSet") == "OPSI_DS"
    assert group.get("orgUnit") == "ID"
    assert group.get("period") == "2025-01-01/P1Y"
    values = {(v.get("dataElement"), v.get("KIND"), v.get("SEX")): v.get("value") for v in group}
    figures = shown(sari)
    assert values[("OPSI_MEMBERS", None, None)] == figures["figure:members"]
    assert values[("OPSI_MEMBERS_KIND", "REG", "F")] == figures["members_by_kind_gender:regular:1"]
    assert values[("OPSI_MEMBERS_KIND", "REG", "TG")] == figures["members_by_kind_gender:regular:2"]
    # Category codes name the disaggregation; without them, the combo's code does.
    assert {v.get("categoryOptionCombo") for v in group} == {None}


def test_adx_names_a_combo_by_its_code_where_the_mapping_gives_no_category_codes(client_of, sari, report_data):
    mapping(D(2025, 1, 1), attribute_option_combo="GLOBAL_FUND")
    DataElementMapping.objects.filter(category_option_combo="REGULAR_F").update(adx_category_options="")
    (group,) = ElementTree.fromstring(download(client_of(sari), "adx").content).findall(f"{ADX}group")
    assert group.get("attributeOptionCombo") == "GLOBAL_FUND"
    combos = {v.get("categoryOptionCombo"): v.get("SEX") for v in group if v.get("dataElement") == "OPSI_MEMBERS_KIND"}
    assert combos == {"REGULAR_F": None, None: "TG"}


def test_periods_are_written_as_dhis2_and_adx_read_them():
    assert payload.period_code(periods.quarter(2026, 3)) == "2026Q3"
    assert payload.period_code(periods.half_year(2026, 1)) == "2026S1"
    assert payload.period_code(periods.half_year(2026, 2)) == "2026S2"
    assert payload.period_code(periods.year(2026)) == "2026"
    assert payload.adx_period(periods.quarter(2026, 3)) == "2026-07-01/P3M"
    assert payload.adx_period(periods.half_year(2026, 2)) == "2026-07-01/P6M"
    with pytest.raises(payload.Refused):
        payload.period_code(periods.Period(D(2026, 1, 5), D(2026, 2, 5)))


def test_the_version_in_force_on_the_periods_last_day_gives_the_codes(client_of, sari, report_data):
    mapping(D(2020, 1, 1), D(2024, 12, 31), prefix="OLD")
    mapping(D(2025, 1, 1), prefix="NEW")
    client = client_of(sari)
    for year, prefix in (("2024", "OLD"), ("2025", "NEW")):
        sent = json.loads(download(client, "json", {**YEAR_2025, "year": year}).content)
        assert sent["dataSet"] == f"{prefix}_DS"
        assert {v["dataElement"] for v in sent["dataValues"]} == {
            f"{prefix}_{name}" for name in ("MEMBERS", "NEW_MEMBERS", "VISITS", "MEMBERS_KIND")
        }
    # Q2 2024 ended while the old version held; a second version over the same days is refused.
    assert MappingVersion.in_force("btg", periods.quarter(2024, 2).end).data_set == "OLD_DS"
    overlapping = MappingVersion(definition="btg", name="x", data_set="X", valid_from=D(2024, 6, 1))
    with pytest.raises(Exception, match="valid on some of these days"):
        overlapping.full_clean()


def test_without_a_mapping_or_an_org_unit_the_page_says_so_and_nothing_is_recorded(client_of, sari, report_data):
    client = client_of(sari)
    page = client.get(reverse("dhis2_exchange"), YEAR_2025)
    assert "No DHIS2 mapping of this report is valid on 2025-12-31" in page.content.decode()
    version = mapping(D(2025, 1, 1))
    page = client.get(reverse("dhis2_exchange"), {**YEAR_2025, "scope": f"branch:{report_data['bali'].pk}"})
    assert f"The mapping {version} gives this scope no org unit." in page.content.decode()
    assert download(client, "json", {**YEAR_2025, "scope": f"branch:{report_data['bali'].pk}"}).status_code == 404
    assert not Dhis2Export.objects.exists()


def test_an_open_period_is_refused_not_sent_as_provisional(client_of, sari, mapped):
    client = client_of(sari)
    this_year = {**YEAR_2025, "year": "2026"}  # 2026 is not over
    page = client.get(reverse("dhis2_exchange"), this_year)
    assert "A report for use outside OPSI covers a period that has ended." in page.content.decode()
    assert download(client, "json", this_year).status_code == 404
    assert not Dhis2Export.objects.exists()
    with pytest.raises(payload.Refused, match="provisional"):
        payload.prepare(BRIDGING_THE_GAPS, periods.year(2026), Scope("national"), sari)


def test_the_preview_shows_what_changed_and_what_was_withdrawn(client_of, sari, mapped, report_data):
    client = client_of(sari)
    first = json.loads(download(client, "json").content)
    assert all("deleted" not in v for v in first["dataValues"])
    page = client.get(reverse("dhis2_exchange"), YEAR_2025).content.decode()
    assert "0 new, 0 changed, 0 withdrawn, 5 unchanged" in page

    # Members counted at the end of 2025 rise to 10 (rounded: 10 exactly), and one figure is
    # no longer mapped: it was sent, so it is withdrawn.
    true_members = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari).figure("members")
    for n in range(10 - true_members.value):
        MemberFactory(branch=report_data["jakarta"], alias=f"Baru {n}", joined_on=D(2025, 4, 1))
    DataElementMapping.objects.get(data_element="OPSI_NEW_MEMBERS").delete()
    prepared = payload.prepare(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    changes = {c.data_element: c for c in prepared.changes}
    members_before = next(v["value"] for v in first["dataValues"] if v["dataElement"] == "OPSI_MEMBERS")
    assert (changes["OPSI_MEMBERS"].status, changes["OPSI_MEMBERS"].before, changes["OPSI_MEMBERS"].now) == (
        "changed",
        members_before,
        "10",
    )
    assert changes["OPSI_NEW_MEMBERS"].status == "withdrawn"
    page = client.get(reverse("dhis2_exchange"), YEAR_2025).content.decode()
    assert "1 withdrawn" in page and "OPSI_NEW_MEMBERS" in page

    second = json.loads(download(client, "json").content)
    values = {v["dataElement"]: v for v in second["dataValues"] if "categoryOptionCombo" not in v}
    assert values["OPSI_MEMBERS"]["value"] == "10"
    assert values["OPSI_NEW_MEMBERS"] == {"dataElement": "OPSI_NEW_MEMBERS", "value": "", "deleted": True}
    # Once deleted, it is no longer held, nor withdrawn again.
    page = client.get(reverse("dhis2_exchange"), YEAR_2025).content.decode()
    assert "0 new, 0 changed, 0 withdrawn, 4 unchanged" in page


def test_an_adx_file_leaves_withdrawn_values_in_dhis2_so_the_next_preview_still_lists_them(client_of, sari, mapped):
    client = client_of(sari)
    download(client, "json")
    DataElementMapping.objects.get(data_element="OPSI_NEW_MEMBERS").delete()
    root = ElementTree.fromstring(download(client, "adx").content)
    assert "OPSI_NEW_MEMBERS" not in {v.get("dataElement") for v in root.iter(f"{ADX}dataValue")}
    prepared = payload.prepare(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    assert [c.data_element for c in prepared.changes if c.status == "withdrawn"] == ["OPSI_NEW_MEMBERS"]


def held(value, element="DE"):
    return {
        "data_element": element,
        "category_option_combo": "",
        "attribute_option_combo": "",
        "org_unit": "ID",
        "period": "2025",
        "value": value,
        "label": element,
    }


def test_a_figure_now_zero_is_deleted_where_dhis2_stores_no_zero_and_sent_as_0_where_it_does():
    def now(value, significant):
        return payload.Value("DE", "", "", "ID", "2025", value, "DE", zero_is_significant=significant)

    key = "DE||||ID|2025".replace("||||", "|||")
    (change,) = payload._changes({key: now("0", False)}, {key: held("5")})
    assert (change.status, change.deleted) == ("changed", True)
    (change,) = payload._changes({key: now("0", True)}, {key: held("5")})
    assert (change.status, change.deleted) == ("changed", False)
    # A zero never sent before is sent as "0" (DHIS2 ignores it unless zero is significant).
    (change,) = payload._changes({key: now("0", False)}, {})
    assert (change.status, change.deleted, change.now) == ("new", False, "0")


def test_a_form_sent_twice_records_one_export_and_gives_the_same_file(client_of, sari, mapped):
    client = client_of(sari)
    key = uuid.uuid4()
    first = download(client, "json", key=key)
    second = download(client, "json", key=key)
    assert first.content == second.content
    export = Dhis2Export.objects.get()
    assert export.made_by == sari
    assert export.file_format == "json"
    assert export.sha256 == hashlib.sha256(first.content).hexdigest()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="dhis2 json").count() == 1


def test_each_export_is_in_the_audit_trail_with_who_and_what(client_of, dewi, mapped):
    download(client_of(dewi), "adx")
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == dewi
    assert entry.additional_data["what"] == "dhis2 adx"
    assert entry.additional_data["report"] == "btg"
    assert entry.additional_data["sha256"] == Dhis2Export.objects.get().sha256
    assert entry.additional_data["new"] == 5


@pytest.mark.parametrize("who,status", [("ayu", 403), ("bunga", 403), ("putri", 403), ("sari", 200), ("dewi", 200)])
def test_only_the_secretariat_and_administrators_export(client_of, people, mapped, who, status):
    client = client_of(people[who])
    own_branch = {**YEAR_2025, "scope": f"branch:{mapped.pk and people['ayu'].branch_ids[0]}"}
    assert client.get(reverse("dhis2_exchange"), YEAR_2025).status_code == status
    assert client.get(reverse("dhis2_exchange"), own_branch).status_code == status
    assert download(client, "json").status_code == status
    assert download(client, "adx", own_branch).status_code in ((404, 200) if status == 200 else (403,))
    assert client.post(reverse("dhis2_send"), YEAR_2025).status_code in ((404,) if status == 200 else (403,))
    if status == 403:
        assert not Dhis2Export.objects.exists()


@pytest.mark.parametrize("name,args", [("dhis2_exchange", []), ("dhis2_download", ["json"]), ("dhis2_send", [])])
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.post(reverse(name, args=args), YEAR_2025)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_downloads_and_sending_take_posts_only(client_of, sari, mapped):
    client = client_of(sari)
    assert client.get(reverse("dhis2_download", args=["json"]), YEAR_2025).status_code == 405
    assert client.get(reverse("dhis2_send"), YEAR_2025).status_code == 405
    assert download(client, "csv").status_code == 404


def test_the_preview_costs_the_same_queries_with_more_mapped_figures(
    client_of, sari, mapped, django_assert_max_num_queries
):
    client = client_of(sari)
    client.get(reverse("dhis2_exchange"), YEAR_2025)  # the year's figures are kept once counted
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dhis2_exchange"), YEAR_2025)
    before = len(few)  # read now: the next request empties the connection's query log
    assert before <= 30
    for n, (row, column) in enumerate(itertools.product(["puskesmas", "hospital"], range(1, 6))):
        DataElementMapping.objects.create(
            version=mapped, figure="referrals_by_outcome", row=row, column=str(column), data_element=f"R{n}"
        )
    download(client, "json")
    with django_assert_max_num_queries(before):
        client.get(reverse("dhis2_exchange"), YEAR_2025)


def test_a_tables_branch_rows_go_under_each_branchs_org_unit(client_of, sari, mapped, report_data):
    jakarta, bali = report_data["jakarta"], report_data["bali"]
    OrgUnitMapping.objects.create(version=mapped, scope_kind="branch", branch=jakarta, org_unit="ID-JK")
    DataElementMapping.objects.create(
        version=mapped, figure="members_by_branch_kind", row="*", column="members", data_element="BRANCH_MEMBERS"
    )
    DataElementMapping.objects.create(
        version=mapped, figure="members_by_branch_kind", row="total", column="members", data_element="ALL_MEMBERS"
    )
    client = client_of(sari)
    page = client.get(reverse("dhis2_exchange"), YEAR_2025).content.decode()
    # Bali has no org unit in this mapping: its row is named, not sent.
    assert f"members_by_branch_kind:{bali.pk}:members" in page
    sent = json.loads(download(client, "json").content)
    figures = shown(sari)
    by_element = {v["dataElement"]: v for v in sent["dataValues"]}
    assert by_element["BRANCH_MEMBERS"] == {
        "dataElement": "BRANCH_MEMBERS",
        "orgUnit": "ID-JK",
        "value": figures[f"members_by_branch_kind:{jakarta.pk}:members"],
    }
    assert by_element["ALL_MEMBERS"]["value"] == figures["members_by_branch_kind:total:members"]
    assert "orgUnit" not in by_element["ALL_MEMBERS"]  # the report's own: the country
    # ADX: a group for the country, one for Jakarta.
    root = ElementTree.fromstring(download(client, "adx").content)
    groups = {g.get("orgUnit"): {v.get("dataElement") for v in g} for g in root.findall(f"{ADX}group")}
    assert list(groups) == ["ID", "ID-JK"]
    assert groups["ID-JK"] == {"BRANCH_MEMBERS"} and "ALL_MEMBERS" in groups["ID"]
    # The branch's row is the figure the branch's own report shows (rounded as there).
    assert (
        by_element["BRANCH_MEMBERS"]["value"] == shown(sari, scope=Scope("branch", str(jakarta.pk)))["figure:members"]
    )


def test_every_figure_the_report_shows_can_be_sent_breakdowns_by_sex_and_age_included(
    client_of, sari, mapped, report_data
):
    """Whatever a report holds flows through: every number it shows, mapped, is sent as shown
    (the rows of branches under their org units)."""
    for code in ("jakarta", "bali"):
        OrgUnitMapping.objects.create(version=mapped, scope_kind="branch", branch=report_data[code], org_unit=code)
    figures = {address: value for address, value in shown(sari).items() if value is not None}
    assert any(address.startswith("breakdown_by_sex:") for address in figures)
    mapped.data_elements.all().delete()
    cells_by_address = {cell.address: cell for cell in cells(build_report(*REPORT_2025, sari, external=True))}
    DataElementMapping.objects.bulk_create(
        DataElementMapping(
            version=mapped,
            figure=cells_by_address[address].figure,
            row=cells_by_address[address].row,
            column=cells_by_address[address].column,
            data_element=f"DE{n}",
        )
        for n, address in enumerate(sorted(figures))
    )
    sent = json.loads(download(client_of(sari), "json").content)
    assert len(sent["dataValues"]) == len(figures)
    values = {v["dataElement"]: v["value"] for v in sent["dataValues"]}
    assert values == {f"DE{n}": figures[address] for n, address in enumerate(sorted(figures))}
