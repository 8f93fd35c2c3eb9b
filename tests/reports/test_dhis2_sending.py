"""Sending a report's figures to the configured DHIS2 server: a dry run first, whose import
summary the page shows and which saves nothing there, then the import, recorded like a
download. Tested against a DHIS2 on the loopback (tests/reports/dhis2_server.py) that answers
as the Web API documents, not a mock of our own code."""

import datetime
import uuid

import pytest
from auditlog.models import LogEntry
from django.test import override_settings
from django.urls import reverse

from reports.exchange.models import DataElementMapping, Dhis2Export
from tests.reports.dhis2_server import FakeDhis2
from tests.reports.test_dhis2_exchange import YEAR_2025, mapping

D = datetime.date
ELEMENTS = {"OPSI_MEMBERS", "OPSI_NEW_MEMBERS", "OPSI_VISITS", "OPSI_MEMBERS_KIND"}


@pytest.fixture
def client_of(client_of):
    """Logged in, reading English (the messages the tests look for)."""

    def login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return client_of(user)

    return login


@pytest.fixture
def dhis2():
    with FakeDhis2("d2pat_secret", "OPSI_DS", {"ID"}, ELEMENTS) as server:
        with override_settings(DHIS2_URL=server.url, DHIS2_TOKEN="d2pat_secret"):
            yield server


@pytest.fixture
def mapped(report_data):
    return mapping(D(2025, 1, 1))


def send(client, **extra):
    return client.post(reverse("dhis2_send"), {**YEAR_2025, **extra}, follow=True)


def dry_run_and_import(client):
    send(client)
    return send(client, **{"import": "yes", "submission_key": str(uuid.uuid4())})


def test_a_dry_run_shows_dhis2s_summary_and_saves_nothing_then_the_import_is_recorded(client_of, sari, mapped, dhis2):
    client = client_of(sari)
    page = client.get(reverse("dhis2_exchange"), YEAR_2025).content.decode()
    assert "Dry run on the DHIS2 server" in page
    assert "Import into DHIS2" not in page  # only after a dry run

    page = send(client).content.decode()
    ((query, sent),) = dhis2.requests
    assert query == {"idScheme": "code", "importStrategy": "CREATE_AND_UPDATE", "dryRun": "true"}
    assert sent["dataSet"] == "OPSI_DS" and sent["period"] == "2025"
    assert dhis2.stored == {}
    assert not Dhis2Export.objects.exists()
    # The figures left OPSI (DHIS2 read them): the audit trail says who sent what, where.
    entry = LogEntry.objects.get(additional_data__what="dhis2 dry run")
    assert (entry.actor, entry.additional_data["period"], entry.additional_data["status"]) == (sari, "2025", "SUCCESS")
    # The zero (visits) is ignored by DHIS2: its data element does not store zeros.
    assert "Dry run: DHIS2 saved nothing." in page
    imported = sum(1 for v in sent["dataValues"] if v["value"] != "0")
    zeros = len(sent["dataValues"]) - imported
    assert zeros >= 1 and imported >= 1
    assert f"SUCCESS: {imported} to import, 0 to update, 0 to delete, {zeros} ignored" in page
    assert "Import into DHIS2" in page

    key = str(uuid.uuid4())
    page = send(client, **{"import": "yes", "submission_key": key}).content.decode()
    assert dhis2.requests[-1][0]["dryRun"] == "false"
    assert dhis2.stored[("OPSI_MEMBERS", "", "", "ID", "2025")] == next(
        v["value"] for v in sent["dataValues"] if v["dataElement"] == "OPSI_MEMBERS"
    )
    assert f"DHIS2 imported the figures: SUCCESS: {imported} imported" in page
    export = Dhis2Export.objects.get()
    assert (export.file_format, export.made_by, export.import_summary["importCount"]["imported"]) == (
        "sent",
        sari,
        imported,
    )
    # Sent twice (a double tap): one record; the next preview starts from what was sent.
    send(client, **{"import": "yes", "submission_key": key})
    assert Dhis2Export.objects.count() == 1
    assert (
        "0 new, 0 changed, 0 withdrawn, 5 unchanged"
        in client.get(reverse("dhis2_exchange"), YEAR_2025).content.decode()
    )


def test_a_withdrawn_value_is_deleted_in_dhis2(client_of, sari, mapped, dhis2):
    client = client_of(sari)
    dry_run_and_import(client)
    assert ("OPSI_NEW_MEMBERS", "", "", "ID", "2025") in dhis2.stored
    DataElementMapping.objects.get(data_element="OPSI_NEW_MEMBERS").delete()
    page = send(client).content.decode()
    ((query, sent),) = dhis2.requests[-1:]
    zeros = sum(1 for v in sent["dataValues"] if v["value"] == "0")
    assert f"0 to import, {len(sent['dataValues']) - zeros - 1} to update, 1 to delete, {zeros} ignored" in page
    send(client, **{"import": "yes", "submission_key": str(uuid.uuid4())})
    assert ("OPSI_NEW_MEMBERS", "", "", "ID", "2025") not in dhis2.stored


def test_an_import_asked_for_without_a_dry_run_is_a_dry_run(client_of, sari, mapped, dhis2):
    page = send(client_of(sari), **{"import": "yes", "submission_key": str(uuid.uuid4())}).content.decode()
    assert [query["dryRun"] for query, _sent in dhis2.requests] == ["true"]
    assert "Dry run: DHIS2 saved nothing." in page
    assert dhis2.stored == {} and not Dhis2Export.objects.exists()


def test_conflicts_are_listed_and_nothing_recorded_before_the_import(client_of, sari, mapped, dhis2):
    DataElementMapping.objects.create(version=mapped, figure="figure:peer_educators", data_element="NOT_IN_DHIS2")
    page = send(client_of(sari)).content.decode()
    assert "WARNING:" in page
    assert "NOT_IN_DHIS2" in page and "Data element not found or not accessible" in page
    assert not Dhis2Export.objects.exists()


def test_a_refused_token_or_an_unreachable_server_says_so(client_of, sari, mapped, dhis2):
    client = client_of(sari)
    with override_settings(DHIS2_TOKEN="d2pat_wrong"):
        page = send(client).content.decode()
    assert "DHIS2 did not take the figures: the server answered 401." in page
    with override_settings(DHIS2_URL="http://127.0.0.1:9"):
        page = send(client).content.decode()
    assert "DHIS2 did not take the figures: the server could not be reached" in page
    assert not Dhis2Export.objects.exists()
    assert dhis2.stored == {}


def test_without_a_server_configured_there_is_no_sending(client_of, sari, mapped):
    client = client_of(sari)
    assert "Dry run on the DHIS2 server" not in client.get(reverse("dhis2_exchange"), YEAR_2025).content.decode()
    assert client.post(reverse("dhis2_send"), YEAR_2025).status_code == 404


def test_values_dhis2_refused_in_an_import_are_offered_again(client_of, sari, mapped, dhis2):
    DataElementMapping.objects.create(version=mapped, figure="figure:branches_active", data_element="NOT_IN_DHIS2")
    client = client_of(sari)
    page = dry_run_and_import(client).content.decode()
    assert "DHIS2 imported the figures: WARNING:" in page
    held = Dhis2Export.objects.get().held
    assert "NOT_IN_DHIS2" not in {value["data_element"] for value in held.values()}
    assert "OPSI_MEMBERS" in {value["data_element"] for value in held.values()}
    page = client.get(reverse("dhis2_exchange"), YEAR_2025).content.decode()
    assert "1 new, 0 changed, 0 withdrawn, 5 unchanged" in page
