import datetime
import uuid

from django.urls import reverse
from django.utils import timezone

from incidents.models import Alert, Incident
from tests.factories import MemberFactory

FORM = {
    "occurred_on": "2025-05-01",
    "place_kind": "police",
    "perpetrator": "police",
    "kinds": ["arrest", "extortion"],
    "account": "Ditahan semalam dan dimintai uang.",
    "consent": "advocacy",
}


def test_coordinator_records_an_incident_for_a_member_by_code(client_of, ayu, jakarta):
    mawar = MemberFactory(branch=jakarta, uic="SIBU2150390")
    key = str(uuid.uuid4())
    response = client_of(ayu).post(
        reverse("incident_create"), {**FORM, "member_code": "sibu 2150390", "submission_key": key}
    )
    incident = Incident.objects.get()
    assert response.url == reverse("incident_detail", args=[incident.pk])
    assert incident.member == mawar and incident.branch == jakarta
    assert sorted(incident.violations.values_list("kind", flat=True)) == ["arrest", "extortion"]


def test_a_double_submit_records_one_incident(client_of, ayu, jakarta):
    client = client_of(ayu)
    data = {**FORM, "submission_key": str(uuid.uuid4())}
    first = client.post(reverse("incident_create"), data)
    second = client.post(reverse("incident_create"), data)
    assert Incident.objects.count() == 1
    assert first.url == second.url


def test_future_dates_and_missing_kinds_are_refused_with_messages(client_of, ayu, jakarta):
    data = {**FORM, "occurred_on": "2999-01-01", "kinds": [], "submission_key": str(uuid.uuid4())}
    response = client_of(ayu).post(reverse("incident_create"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"occurred_on", "kinds"}
    assert Incident.objects.count() == 0


def test_a_member_of_another_branch_cannot_be_named(client_of, ayu, jakarta, bali):
    MemberFactory(branch=bali, alias="Kamboja", uic="DEAG3010195")
    response = client_of(ayu).post(
        reverse("incident_create"), {**FORM, "member_code": "Kamboja", "submission_key": str(uuid.uuid4())}
    )
    assert response.status_code == 200 and "member_code" in response.context["form"].errors


def test_open_list_puts_incidents_without_help_first(client_of, ayu, jakarta):
    from tests.incidents.conftest import make_incident

    helped = make_incident(jakarta, status="responding", reported_at=timezone.now() - datetime.timedelta(days=9))
    waiting = make_incident(jakarta, reported_at=timezone.now() - datetime.timedelta(days=2))
    make_incident(jakarta, status="closed")
    rows = client_of(ayu).get(reverse("incident_list")).context["rows"]
    assert [(i.pk, days) for i, days in rows] == [(waiting.pk, 2), (helped.pk, 9)]


def test_warning_shows_on_the_home_page_of_the_branch_only(client_of, ayu, bunga, putri, jakarta, bali):
    client_of(ayu).post(
        reverse("alert_create"),
        {"branch": jakarta.pk, "text": "Razia Satpol PP direncanakan Jumat malam.", "days": 3},
    )
    assert "Razia Satpol PP" in client_of(putri).get(reverse("home")).content.decode()
    assert "Razia Satpol PP" not in client_of(bunga).get(reverse("home")).content.decode()


def test_a_warning_naming_a_member_is_refused(client_of, ayu, jakarta):
    MemberFactory(branch=jakarta, alias="Mawar")
    response = client_of(ayu).post(
        reverse("alert_create"), {"branch": jakarta.pk, "text": "Klien kasar, tanya ke mawar.", "days": 3}
    )
    assert response.status_code == 200 and "Mawar" in response.content.decode()
    assert Alert.objects.count() == 0


def test_a_warning_for_another_branch_is_refused(client_of, ayu, bali):
    client_of(ayu).post(reverse("alert_create"), {"branch": bali.pk, "text": "x", "days": 3})
    assert Alert.objects.count() == 0


def test_coordinator_refers_the_person_harmed_from_the_incident(client_of, ayu, jakarta):
    from services.models import Referral
    from tests.incidents.conftest import make_incident

    mawar = MemberFactory(branch=jakarta, alias="Mawar")
    incident = make_incident(jakarta, member=mawar)
    response = client_of(ayu).post(
        reverse("incident_refer", args=[incident.pk]),
        {
            "facility_kind": "hospital",
            "service": "Visum",
            "made_on": jakarta.today().isoformat(),
        },
    )
    assert response.url == reverse("incident_detail", args=[incident.pk])
    referral = Referral.objects.get()
    assert referral.member == mawar and list(incident.referrals.all()) == [referral]
    assert "Visum" in client_of(ayu).get(reverse("incident_detail", args=[incident.pk])).content.decode()


def test_the_kind_of_help_is_chosen_never_preselected(client_of, ayu, jakarta):
    import re

    from django.urls import reverse

    from tests.incidents.conftest import make_incident

    incident = make_incident(jakarta)
    client = client_of(ayu)
    html = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    select = re.search(r'<select name="help_kind"[^>]*>(.*?)</select>', html, re.S).group(1)
    first = re.findall(r'<option value="([^"]*)"', select)[0]
    assert first == "" and " selected" not in select.split("</option>", 1)[1]
    client.post(reverse("incident_respond", args=[incident.pk]), {"help_kind": "", "given": "on"})
    assert incident.responses.count() == 0
