import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from privacy.models import MemberRequest, RequestStatus

from .conftest import hours_ago, make_request


def _form(member, centre, **extra):
    return {
        "member_code": member.uic,
        "drop_in_centre": centre.pk,
        "kind": "access",
        "checked_how": "known",
        "details": "",
        "language": "id",
        "checked_in_person": "on",
        "submission_key": "7d6e4d4a-64a1-4a51-8c0a-9c1a2e0f0b11",
        **extra,
    }


def test_coordinator_records_a_request_due_in_three_times_twenty_four_hours(client_of, ayu, mawar, jakarta_dic):
    response = client_of(ayu).post(reverse("request_create"), _form(mawar, jakarta_dic))
    saved = MemberRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("request_detail", args=[saved.pk])
    assert saved.member == mawar and saved.branch == mawar.branch and saved.recorded_by == ayu
    assert saved.due_at - saved.received_at == datetime.timedelta(hours=72)
    entry = LogEntry.objects.get_for_object(saved).get(action=LogEntry.Action.CREATE)
    assert entry.actor == ayu


def test_the_same_form_sent_twice_records_one_request(client_of, ayu, mawar, jakarta_dic):
    client = client_of(ayu)
    client.post(reverse("request_create"), _form(mawar, jakarta_dic))
    client.post(reverse("request_create"), _form(mawar, jakarta_dic))
    assert MemberRequest.objects.count() == 1


def test_a_request_without_the_in_person_check_is_refused_with_a_message(client_of, ayu, mawar, jakarta_dic):
    data = _form(mawar, jakarta_dic)
    del data["checked_in_person"]
    response = client_of(ayu).post(reverse("request_create"), data, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    assert MemberRequest.objects.count() == 0
    assert "wajib" in response.content.decode().lower() or "required" in response.content.decode().lower()


def test_a_member_of_another_branch_cannot_be_named(client_of, ayu, kamboja, jakarta_dic):
    response = client_of(ayu).post(reverse("request_create"), _form(kamboja, jakarta_dic))
    assert response.status_code == 200
    assert MemberRequest.objects.count() == 0


def test_only_coordinators_record_requests(client_of, dora, putri, sari):
    for user in (dora, putri, sari):
        assert client_of(user).get(reverse("request_create")).status_code == 403


def test_the_officer_sees_every_branch_without_the_member(client_of, dora, mawar, kamboja, jakarta_dic, bali_dic):
    own, other = make_request(mawar, jakarta_dic), make_request(kamboja, bali_dic)
    client = client_of(dora)
    page = client.get(reverse("request_list")).content.decode()
    assert f"#{own.pk}" in page and f"#{other.pk}" in page and "Jakarta" in page and "Bali" in page
    assert "Mawar" not in page and "Kamboja" not in page and mawar.uic not in page and kamboja.uic not in page
    detail = client.get(reverse("request_detail", args=[other.pk])).content.decode()
    assert kamboja.uic not in detail and "Kamboja" not in detail and "Bali" in detail
    assert client.get(reverse("request_detail", args=[own.pk])).status_code == 200


def test_coordinator_of_another_branch_gets_404(client_of, bunga, mawar, jakarta_dic):
    own = make_request(mawar, jakarta_dic)
    client = client_of(bunga)
    assert client.get(reverse("request_detail", args=[own.pk])).status_code == 404
    assert mawar.uic not in client.get(reverse("request_list") + "?state=all").content.decode()


@pytest.mark.parametrize("who", ["putri", "sari"])
def test_others_see_no_request(client_of, people, mawar, jakarta_dic, who):
    own = make_request(mawar, jakarta_dic)
    client = client_of(people[who])
    assert client.get(reverse("request_list")).status_code == 403
    assert client.get(reverse("request_detail", args=[own.pk])).status_code == 404


def test_late_requests_are_on_the_home_page_of_those_who_must_act(client_of, ayu, bunga, dora, mawar, jakarta_dic):
    late = make_request(mawar, jakarta_dic, received_at=hours_ago(80))
    make_request(mawar, jakarta_dic, kind="correction", received_at=hours_ago(1))
    for user in (ayu, dora):
        page = client_of(user).get(reverse("home")).content.decode()
        assert reverse("request_detail", args=[late.pk]) in page
        assert "terlambat" in page or "late" in page
    assert reverse("request_detail", args=[late.pk]) not in client_of(bunga).get(reverse("home")).content.decode()


def test_the_home_page_costs_the_same_with_more_requests(
    client_of, dora, mawar, jakarta_dic, django_assert_max_num_queries
):
    client = client_of(dora)
    make_request(mawar, jakarta_dic, received_at=hours_ago(80))
    client.get(reverse("home"))
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("home"))
    for hours in range(30):
        make_request(mawar, jakarta_dic, received_at=hours_ago(hours * 5))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_closing_a_request_says_who_handled_it(client_of, dora, mawar, jakarta_dic):
    own = make_request(mawar, jakarta_dic, kind="correction")
    response = client_of(dora).post(
        reverse("request_detail", args=[own.pk]), {"status": "done", "outcome": "Tahun lahir diperbaiki."}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == RequestStatus.DONE and own.handled_by == dora and own.handled_at is not None


def test_the_request_list_costs_the_same_with_more_requests(
    client_of, dora, mawar, kamboja, jakarta_dic, bali_dic, django_assert_max_num_queries
):
    client = client_of(dora)
    make_request(mawar, jakarta_dic)
    client.get(reverse("request_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("request_list"))
    for n in range(15):
        make_request(kamboja if n % 2 else mawar, bali_dic if n % 2 else jakarta_dic, received_at=hours_ago(n * 7))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("request_list") + "?state=all")
