"""The DHIS2 mapping is kept in the admin by administrators only: a version with its figures and
org units in one form, refused where it overlaps another version of the same report or names a
code DHIS2 cannot read, each change in the audit trail; exports can be read, never changed."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from reports.exchange.models import DataElementMapping, Dhis2Export, MappingVersion, OrgUnitMapping

D = datetime.date


def form(**changes):
    data = {
        "definition": "btg",
        "name": "National HIV programme",
        "data_set": "OPSI_DS",
        "attribute_option_combo": "",
        "adx_attribute_options": "",
        "valid_from": "2025-01-01",
        "valid_to": "",
        "data_elements-TOTAL_FORMS": "1",
        "data_elements-INITIAL_FORMS": "0",
        "data_elements-0-figure": "figure:members",
        "data_elements-0-row": "",
        "data_elements-0-column": "",
        "data_elements-0-data_element": "OPSI_MEMBERS",
        "data_elements-0-category_option_combo": "",
        "data_elements-0-adx_category_options": "SEX=F,AGE=LT25",
        "org_units-TOTAL_FORMS": "1",
        "org_units-INITIAL_FORMS": "0",
        "org_units-0-scope_kind": "national",
        "org_units-0-region": "",
        "org_units-0-branch": "",
        "org_units-0-org_unit": "ID",
    }
    return {**data, **changes}


def test_an_administrator_adds_a_version_with_its_figures_and_org_units_audited(client_of, dewi):
    response = client_of(dewi).post(reverse("admin:reports_mappingversion_add"), form())
    assert response.status_code == 302, response.content.decode()[:3000]
    version = MappingVersion.objects.get()
    assert version.created_by == dewi
    assert DataElementMapping.objects.get().data_element == "OPSI_MEMBERS"
    assert OrgUnitMapping.objects.get().org_unit == "ID"
    assert LogEntry.objects.get_for_object(version).get().actor == dewi
    assert LogEntry.objects.get_for_object(DataElementMapping.objects.get()).exists()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"valid_from": "2024-06-01"}, "Another version of this report&#x27;s mapping is valid on some of these days"),
        ({"data_elements-0-data_element": "OPSI MEMBERS"}, "A DHIS2 code holds letters, digits"),
        ({"data_elements-0-adx_category_options": "SEX:F"}, "Write category code=option code pairs"),
        ({"valid_from": "2026-01-01", "valid_to": "2025-12-31"}, "A version cannot end before it starts."),
    ],
)
def test_the_admin_refuses_an_overlap_or_a_code_dhis2_cannot_read(client_of, dewi, changes, message):
    MappingVersion.objects.create(definition="btg", name="old", data_set="OLD", valid_from=D(2020, 1, 1))
    dewi.language = "en"
    dewi.save(update_fields=["language"])
    response = client_of(dewi).post(reverse("admin:reports_mappingversion_add"), form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert MappingVersion.objects.count() == 1


@pytest.mark.parametrize("who", ["sari", "ayu", "putri"])
def test_no_one_else_reaches_the_mapping_in_the_admin(client_of, people, who):
    response = client_of(people[who]).post(reverse("admin:reports_mappingversion_add"), form())
    assert response.status_code in (302, 403)
    assert not MappingVersion.objects.exists()


def test_exports_are_read_only_in_the_admin(client_of, dewi):
    version = MappingVersion.objects.create(definition="btg", name="v", data_set="DS", valid_from=D(2025, 1, 1))
    export = Dhis2Export.objects.create(
        definition="btg",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        scope_kind="national",
        version=version,
        file_format="json",
        held={},
        sha256="0" * 64,
    )
    client = client_of(dewi)
    assert client.get(reverse("admin:reports_dhis2export_change", args=[export.pk])).status_code == 200
    assert client.get(reverse("admin:reports_dhis2export_add")).status_code == 403
    assert (
        client.post(reverse("admin:reports_dhis2export_delete", args=[export.pk]), {"post": "yes"}).status_code == 403
    )
    assert Dhis2Export.objects.filter(pk=export.pk).exists()
    # A version an export used cannot be deleted (end it with "valid to").
    assert (
        client.post(reverse("admin:reports_mappingversion_delete", args=[version.pk]), {"post": "yes"}).status_code
        == 403
    )
