"""Entries sealed on a phone to the server's key: opened only by the server, sent only under
the login of the worker who kept them, checked by the visit and outreach forms, saved once."""

import datetime
import json
import uuid

import pytest
from django.test import Client

from fieldwork import sealing
from outreach.models import OutreachSession
from services.models import Visit

pytestmark = pytest.mark.django_db


def _visit(user, centre, catalogue, code="SIBU2150390", key=None, on=None):
    return {
        "worker": user.pk,
        "kind": "visit",
        "fields": [
            ["walk_in", "1"],
            ["submission_key", str(key or uuid.uuid4())],
            ["walk_in_uic", code],
            ["services", str(catalogue["counselling"].pk)],
            ["drop_in_centre", str(centre.pk)],
            ["visited_on", (on or centre.branch.today()).isoformat()],
        ],
    }


def _send(client, entry=None, sealed=None):
    sealed = sealed if sealed is not None else sealing.seal_entry(entry)
    return client.post("/offline/send/", json.dumps({"sealed": sealed}), content_type="application/json")


def test_a_sealed_visit_is_saved_once_with_its_fields(
    client_of, ayu, jakarta_dic, catalogue, django_assert_max_num_queries
):
    client = client_of(ayu)
    entry = _visit(ayu, jakarta_dic, catalogue)
    with django_assert_max_num_queries(30):
        answer = _send(client, entry)
    assert answer.status_code == 200 and answer.json() == {
        "state": "saved",
        "kind": "visit",
        "day": jakarta_dic.branch.today().isoformat(),
        "member": False,
        "walk_in": True,  # no member holds this code: the phone says it was saved as a walk-in
    }
    assert _send(client, entry).json()["state"] == "saved"  # sent twice (an answer lost): one visit
    visit = Visit.objects.get()
    assert (visit.uic, visit.drop_in_centre, visit.recorded_by, visit.member) == ("SIBU2150390", jakarta_dic, ayu, None)
    assert list(visit.service_lines.values_list("service_type", flat=True)) == [catalogue["counselling"].pk]
    # Her next page says nothing of it: the phone said it.
    assert "tersimpan" not in client.get("/").content.decode().lower()


def test_a_sealed_session_is_saved(client_of, ayu, jakarta_dic, catalogue):
    entry = {
        "worker": ayu.pk,
        "kind": "session",
        "fields": [
            ["submission_key", str(uuid.uuid4())],
            ["branch", str(jakarta_dic.branch.pk)],
            ["held_on", jakarta_dic.branch.today().isoformat()],
            ["place_kind", "hotspot"],
            ["area", "Taman Lawang"],
            ["people", "DEAG3010195"],
            ["new_contacts", "3"],
            ["repeat_contacts", "0"],
            ["workers", str(ayu.pk)],
        ],
    }
    assert _send(client_of(ayu), entry).json()["state"] == "saved"
    session = OutreachSession.objects.get()
    assert session.area == "Taman Lawang" and session.new_contacts == 3 and session.recorded_by == ayu


def test_another_workers_entry_is_never_sent_under_this_login(client_of, ayu, putri, jakarta_dic, catalogue):
    answer = _send(client_of(putri), _visit(ayu, jakarta_dic, catalogue))
    assert answer.status_code == 409 and answer.json() == {"state": "other"}  # no field, no day
    assert Visit.objects.count() == 0


def test_a_refused_entry_comes_back_to_its_owner_with_its_fields_and_why(client_of, ayu, jakarta_dic, catalogue):
    tomorrow = jakarta_dic.branch.today() + datetime.timedelta(days=1)
    entry = _visit(ayu, jakarta_dic, catalogue, code="SIBU5150390", on=tomorrow)
    answer = _send(client_of(ayu), entry).json()
    assert answer["state"] == "refused" and answer["fields"] == entry["fields"]
    assert "SIBU2150390" in answer["page"] and "has-error" in answer["page"]  # the form's own words
    assert Visit.objects.count() == 0


def test_another_branchs_centre_is_refused(client_of, ayu, jakarta_dic, bali_dic, catalogue):
    answer = _send(client_of(ayu), _visit(ayu, bali_dic, catalogue)).json()
    assert answer["state"] == "refused" and "Denpasar" not in answer["page"]
    assert Visit.objects.count() == 0


def test_a_tampered_or_foreign_seal_opens_nothing(client_of, ayu, jakarta_dic, catalogue):
    client = client_of(ayu)
    sealed = sealing.seal_entry(_visit(ayu, jakarta_dic, catalogue))
    tampered = dict(sealed, data=sealed["data"][:-4] + ("AAAA" if sealed["data"][-4:] != "AAAA" else "BBBB"))
    for bad in (tampered, {"v": 1, "key": "x", "iv": "y", "data": "z"}, {}, "text", None):
        answer = _send(client, sealed=bad)
        assert answer.status_code == 400 and answer.json() == {"state": "unreadable"}
    assert client.post("/offline/send/", "{", content_type="application/json").status_code == 400
    assert Visit.objects.count() == 0


def test_sending_needs_a_login_and_the_role_that_records(client_of, sari, ayu, jakarta_dic, catalogue):
    assert _send(Client(enforce_csrf_checks=False), _visit(ayu, jakarta_dic, catalogue)).status_code == 401
    answer = _send(client_of(sari), _visit(sari, jakarta_dic, catalogue))
    assert answer.status_code == 403 and answer.json()["state"] == "forbidden"
    assert Visit.objects.count() == 0


def test_sending_needs_the_form_token(ayu, jakarta_dic, catalogue):
    from tests.conftest import login_with_second_factor

    client = login_with_second_factor(Client(enforce_csrf_checks=True), ayu)
    assert _send(client, _visit(ayu, jakarta_dic, catalogue)).status_code == 403
    assert Visit.objects.count() == 0


def test_a_members_code_kept_offline_is_her_visit(
    client_of, ayu, jakarta, jakarta_dic, catalogue, django_assert_max_num_queries
):
    from tests.factories import MemberFactory

    jojo = MemberFactory(branch=jakarta, alias="Jojo", uic="JOJO2111101", joined_on=datetime.date(2020, 1, 1))
    entry = _visit(ayu, jakarta_dic, catalogue, code="jojo-2111101")
    client = client_of(ayu)
    with django_assert_max_num_queries(31):  # one more than a walk-in's: the member found by her code
        answer = _send(client, entry).json()
    assert (answer["state"], answer["member"], answer["walk_in"]) == ("saved", True, False)
    visit = Visit.objects.get()
    assert (visit.member, visit.uic) == (jojo, "JOJO2111101")
    assert _send(client, entry).json()["state"] == "saved"  # sent twice: still one visit
    assert Visit.objects.count() == 1


def test_a_code_of_no_member_she_may_record_stays_a_walk_in_and_says_so(
    client_of, ayu, bunga, jakarta, bali, jakarta_dic, bali_dic, catalogue
):
    from tests.factories import MemberFactory

    MemberFactory(branch=bali, alias="Kadek", uic="KADE2111101")  # another branch's member
    MemberFactory(branch=jakarta, alias="Gone", uic="GONE2111101", left_on=datetime.date(2024, 1, 1))
    for code in ("KADE2111101", "GONE2111101", "JOJO2111011"):  # another branch, left, digits swapped
        answer = _send(client_of(ayu), _visit(ayu, jakarta_dic, catalogue, code=code)).json()
        assert (answer["state"], answer["member"], answer["walk_in"]) == ("saved", False, True)
    assert set(Visit.objects.values_list("member", flat=True)) == {None}
    # Bali's coordinator keeping Kadek's code at a Bali centre: Kadek's visit.
    answer = _send(client_of(bunga), _visit(bunga, bali_dic, catalogue, code="KADE2111101")).json()
    assert answer["member"] is True and Visit.objects.filter(member__alias="Kadek").count() == 1


def test_a_members_visit_refused_comes_back_as_it_was_kept(client_of, ayu, jakarta, jakarta_dic, catalogue):
    from tests.factories import MemberFactory

    MemberFactory(branch=jakarta, alias="Jojo", uic="JOJO2111101", joined_on=jakarta.today())
    entry = _visit(ayu, jakarta_dic, catalogue, code="JOJO2111101", on=jakarta.today() - datetime.timedelta(days=3))
    answer = _send(client_of(ayu), entry).json()
    assert answer["state"] == "refused" and answer["fields"] == entry["fields"]  # joined after that day
    assert Visit.objects.count() == 0
