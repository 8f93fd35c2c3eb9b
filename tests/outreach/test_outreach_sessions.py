import datetime
import uuid

import pytest
from django.urls import reverse

from members.models import Member
from outreach.models import OutreachSession
from services.models import StockMovement
from tests.factories import MemberFactory

D = datetime.date


def session_data(catalogue, **extra):
    data = {
        "submission_key": str(uuid.uuid4()),
        "held_on": "2025-05-01",
        "place_kind": "hotspot",
        "area": "Pelabuhan",
        "new_contacts": "4",
        "repeat_contacts": "6",
        "topics": ["hiv_sti", "condoms"],
        "people": "Mawar, DEAG3010195",
        f"qty_{catalogue['condom_item'].pk}": "50",
    }
    data.update(extra)
    return data


@pytest.fixture
def mawar(mawar):
    """Jakarta's Mawar (tests/conftest.py), here a peer educator since she was registered."""
    Member.objects.filter(pk=mawar.pk).update(peer_educator=True)
    mawar.refresh_from_db()
    return mawar


def test_outreach_worker_records_a_session_and_stock_is_taken(client_of, putri, mawar, jakarta_dic, catalogue, stocked):
    data = session_data(catalogue, stock_centre=jakarta_dic.pk, peer_educators=[mawar.pk], workers=[putri.pk])
    response = client_of(putri).post(reverse("session_new"), data)
    session = OutreachSession.objects.get()
    assert response.url == reverse("session_detail", args=[session.pk])
    assert sorted(session.contacts.values_list("uic", flat=True)) == ["DEAG3010195", "SIBU2150390"]
    assert session.contacts.get(uic="SIBU2150390").member == mawar
    assert sorted(session.topics.values_list("topic", flat=True)) == ["condoms", "hiv_sti"]
    assert list(session.commodities.values_list("quantity", flat=True)) == [50]
    assert StockMovement.objects.get(kind="handed_out").quantity == -50


def test_a_double_submit_records_one_session(client_of, putri, mawar, jakarta_dic, catalogue, stocked):
    client = client_of(putri)
    data = session_data(catalogue, stock_centre=jakarta_dic.pk)
    assert client.post(reverse("session_new"), data).url == client.post(reverse("session_new"), data).url
    assert OutreachSession.objects.count() == 1 and StockMovement.objects.filter(kind="handed_out").count() == 1


@pytest.mark.parametrize(
    "change,field",
    [
        ({"new_contacts": "-1"}, "new_contacts"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"people": "nobody-here"}, "people"),
        ({"QTY": "-5"}, "QTY"),
        ({"stock_centre": ""}, "stock_centre"),  # items handed out but no stock named
    ],
)
def test_bad_input_is_refused_with_a_message(client_of, putri, mawar, jakarta_dic, catalogue, change, field, stocked):
    qty = f"qty_{catalogue['condom_item'].pk}"
    change = {(qty if k == "QTY" else k): v for k, v in change.items()}
    data = session_data(catalogue, stock_centre=jakarta_dic.pk)
    data.update(change)
    response = client_of(putri).post(reverse("session_new"), data)
    assert response.status_code == 200
    assert (qty if field == "QTY" else field) in response.context["form"].errors
    assert OutreachSession.objects.count() == 0


def test_a_member_of_another_branch_cannot_be_listed(client_of, putri, jakarta_dic, bali, catalogue):
    MemberFactory(branch=bali, alias="Kamboja", uic="KAMB2010190")
    data = session_data(catalogue, people="Kamboja", stock_centre=jakarta_dic.pk)
    response = client_of(putri).post(reverse("session_new"), data)
    assert "people" in response.context["form"].errors


def test_session_list_by_branch_with_dates(
    client_of, ayu, putri, mawar, jakarta_dic, bali, catalogue, django_assert_max_num_queries, stocked
):
    client = client_of(putri)
    for day in ("2025-01-10", "2025-03-10"):
        client.post(reverse("session_new"), session_data(catalogue, held_on=day, stock_centre=jakarta_dic.pk))
    OutreachSession.objects.create(branch=bali, held_on=D(2025, 1, 11), place_kind="online")
    client = client_of(ayu)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("session_list"), {"start": "2025-02-01"}).context["page"]
    assert [s.held_on for s in page] == [D(2025, 3, 10)]
    assert len(client.get(reverse("session_list")).context["page"]) == 2


def test_member_timeline_shows_outreach_contacts(client_of, putri, ayu, mawar, jakarta_dic, catalogue, stocked):
    client_of(putri).post(reverse("session_new"), session_data(catalogue, stock_centre=jakarta_dic.pk))
    timeline = client_of(ayu).get(reverse("member_detail", args=[mawar.pk])).context["timeline"]
    assert any(entry.on == D(2025, 5, 1) and "session" not in entry.text for entry in timeline)
    assert len([e for e in timeline if e.url.startswith("/outreach/")]) == 1


def test_secretariat_cannot_record_outreach(client_of, sari):
    assert client_of(sari).get(reverse("session_new")).status_code == 403
