"""Incidents: only the branch's coordinators and the crisis-response role."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from incidents.models import Incident, Response

# who -> (status on Jakarta incident, status on Bali incident)
EXPECTED = {
    "ayu": (200, 404),
    "bunga": (404, 200),
    "putri": (403, 403),
    "sari": (403, 403),
    "dewi": (403, 403),
    "rina": (200, 200),
}


@pytest.fixture
def everyone(people, bunga, rina):
    return {**people, "bunga": bunga, "rina": rina}


@pytest.mark.parametrize("who", EXPECTED)
@pytest.mark.parametrize("side", ["own", "other"])
def test_read_and_respond(client_of, everyone, incidents, who, side):
    expected = EXPECTED[who][0 if side == "own" else 1]
    client = client_of(everyone[who])
    incident = incidents[side]
    response = client.get(reverse("incident_detail", args=[incident.pk]))
    assert response.status_code == expected
    marker = "JAKARTA-ACCOUNT-MARKER" if side == "own" else "BALI-ACCOUNT-MARKER"
    assert (marker in response.content.decode()) == (expected == 200)
    before = Response.objects.count()
    response = client.post(reverse("incident_respond", args=[incident.pk]), {"help_kind": "legal", "given": "on"})
    assert response.status_code == (302 if expected == 200 else expected)
    assert Response.objects.count() == before + (1 if expected == 200 else 0)


@pytest.mark.parametrize("name", ["incident_list", "incident_create", "alert_create"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who,expected", [("ayu", 200), ("rina", 200), ("putri", 403), ("sari", 403), ("dewi", 403)])
def test_list_and_create_pages_by_role(client_of, everyone, incidents, who, expected):
    client = client_of(everyone[who])
    assert client.get(reverse("incident_list")).status_code == expected
    assert client.get(reverse("incident_create")).status_code == expected


def test_coordinator_list_shows_only_own_branch(client_of, ayu, incidents):
    content = client_of(ayu).get(reverse("incident_list")).content.decode()
    assert f"#{incidents['own'].pk} " in content and f"#{incidents['other'].pk} " not in content


def test_every_read_is_audited(client_of, ayu, incidents):
    client_of(ayu).get(reverse("incident_detail", args=[incidents["own"].pk]))
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, actor=ayu)
    assert entry.additional_data["what"] == "incident"


def test_account_is_encrypted_at_rest_and_not_in_the_trail(incidents):
    with connection.cursor() as cursor:
        cursor.execute("SELECT account FROM incidents_incident")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "MARKER" not in stored
    assert "MARKER" not in " ".join(str(e.changes) for e in LogEntry.objects.all())
    assert Incident.objects.get(pk=incidents["own"].pk).account == "JAKARTA-ACCOUNT-MARKER"
