"""Across the app's forms: an alias two members share is never guessed, two services
handing out the same item both take it from stock, closing twice keeps the first date."""

import datetime
import uuid

from django.urls import reverse

from incidents.models import Incident
from outreach.models import OutreachSession
from services.models import ServiceType, StockMovement, Visit
from services.stock import receive
from tests.factories import MemberFactory
from tests.incidents.conftest import make_incident

D = datetime.date


def test_an_alias_two_members_share_is_refused_with_a_request_for_the_code(
    client_of, putri, jakarta, jakarta_dic, catalogue
):
    MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
    MemberFactory(branch=jakarta, alias="mawar", uic="SIBU2150391")
    response = client_of(putri).post(
        reverse("session_new"),
        {
            "submission_key": str(uuid.uuid4()),
            "held_on": "2025-05-01",
            "place_kind": "hotspot",
            "area": "Pelabuhan",
            "new_contacts": "0",
            "repeat_contacts": "0",
            "people": "Mawar",
        },
    )
    assert response.status_code == 200 and "people" in response.context["form"].errors
    assert OutreachSession.objects.count() == 0
    client_of(putri).post(
        reverse("session_new"),
        {
            "submission_key": str(uuid.uuid4()),
            "held_on": "2025-05-01",
            "place_kind": "hotspot",
            "area": "Pelabuhan",
            "new_contacts": "0",
            "repeat_contacts": "0",
            "people": "SIBU2150391",
        },
    )
    assert OutreachSession.objects.get().contacts.get().uic == "SIBU2150391"


def test_an_incident_names_no_one_by_an_alias_two_members_share(client_of, ayu, jakarta):
    MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
    MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150391")
    response = client_of(ayu).post(
        reverse("incident_create"),
        {
            "submission_key": str(uuid.uuid4()),
            "occurred_on": "2025-05-01",
            "place_kind": "street",
            "perpetrator": "police",
            "kinds": ["violence"],
            "account": "x",
            "consent": "statistics",
            "member_code": "Mawar",
        },
    )
    assert response.status_code == 200 and "member_code" in response.context["form"].errors
    assert Incident.objects.count() == 0


def test_two_services_handing_out_the_same_item_both_take_it_from_stock(
    client_of, ayu, jakarta, jakarta_dic, catalogue
):
    mawar = MemberFactory(branch=jakarta)
    receive(jakarta_dic, catalogue["condom_item"], 100, D(2025, 1, 1), ayu)
    female = ServiceType.objects.create(name="Kondom perempuan", commodity=catalogue["condom_item"], order=5)
    client_of(ayu).post(
        reverse("visit_new"),
        {
            "submission_key": str(uuid.uuid4()),
            "member": mawar.pk,
            "drop_in_centre": jakarta_dic.pk,
            "visited_on": "2025-05-01",
            "services": [catalogue["condoms"].pk, female.pk],
            f"qty_{catalogue['condoms'].pk}": "10",
            f"qty_{female.pk}": "5",
        },
    )
    assert Visit.objects.count() == 1
    balance = StockMovement.objects.filter(drop_in_centre=jakarta_dic).balances()[
        (jakarta_dic.pk, catalogue["condom_item"].pk)
    ]
    assert balance == 85


def test_closing_an_incident_twice_keeps_the_day_it_was_closed(ayu, jakarta):
    from incidents.recording import close

    incident = make_incident(jakarta)
    close(incident, D(2025, 6, 1))
    close(Incident.objects.get(pk=incident.pk), D(2025, 6, 9))
    assert Incident.objects.get(pk=incident.pk).closed_on == D(2025, 6, 1)


def test_outreach_handing_out_from_an_empty_centre_is_refused_with_the_balance(
    client_of, putri, jakarta, jakarta_dic, catalogue
):
    from services.models import Commodity

    leaflets, _ = Commodity.objects.get_or_create(name="Leaflet", defaults={"unit": "lembar"})
    response = client_of(putri).post(
        reverse("session_new"),
        {
            "submission_key": str(uuid.uuid4()),
            "held_on": "2025-05-01",
            "place_kind": "hotspot",
            "area": "Pelabuhan",
            "new_contacts": "3",
            "repeat_contacts": "0",
            "stock_centre": jakarta_dic.pk,
            f"qty_{leaflets.pk}": "50",
        },
    )
    assert response.status_code == 200
    assert "0 lembar" in " ".join(response.context["form"].errors[f"qty_{leaflets.pk}"])
    assert OutreachSession.objects.count() == 0 and StockMovement.objects.count() == 0
