"""Every member URL x every role x a member of own / other branch."""

import pytest
from django.urls import reverse

from members.identity import save_identity
from members.models import Member
from tests.factories import MemberFactory

NIK = "3171014502900004"

# name -> {who: (status for a Jakarta member, status for a Bali member)}
READ = {
    "member_detail": {"ayu": (200, 404), "putri": (200, 404), "sari": (200, 200), "dewi": (200, 200)},
}
WRITE = {
    "member_edit": {"ayu": (200, 404), "putri": (200, 404), "sari": (403, 403), "dewi": (200, 200)},
    "member_change_kind": {"ayu": (200, 404), "putri": (200, 404), "sari": (403, 403), "dewi": (200, 200)},
    "member_leave": {"ayu": (200, 404), "putri": (200, 404), "sari": (403, 403), "dewi": (200, 200)},
    "member_identity": {"ayu": (200, 404), "putri": (403, 404), "sari": (403, 403), "dewi": (200, 200)},
}
POSTS = {
    "member_edit": {
        "alias": "Tampered",
        "gender": "man",
        "work_setting": "street",
        "joined_on": "2024-01-15",
        "consent_on": "2024-01-15",
        "consent_version": "x",
    },
    "member_change_kind": {"kind": "former", "on": "2025-01-01"},
    "member_leave": {"on": "2025-01-01"},
    "member_identity": {"legal_name": "Tampered", "nik": "", "phone": ""},
    "member_reveal": {"field": "nik", "reason": "checking"},
}


@pytest.fixture
def members(jakarta, bali):
    own = MemberFactory(branch=jakarta, alias="Mawar Jakarta")
    other = MemberFactory(branch=bali, alias="Kamboja Bali")
    for m in (own, other):
        save_identity(m, None, nik=NIK[:-1] + str(m.pk % 10))
    return {"own": own, "other": other}


def _state():
    return list(Member.objects.order_by("pk").values_list("alias", "kind", "left_on", "updated_at"))


@pytest.mark.parametrize("name", list(READ) + list(WRITE) + ["member_reveal"])
def test_anonymous_is_sent_to_login(client, members, name):
    response = client.get(reverse(name, args=[members["own"].pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("who", ["ayu", "putri", "sari", "dewi"])
@pytest.mark.parametrize("name", list(READ))
def test_read(client_of, people, members, name, who, side):
    expected = READ[name][who][0 if side == "own" else 1]
    assert client_of(people[who]).get(reverse(name, args=[members[side].pk])).status_code == expected


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("who", ["ayu", "putri", "sari", "dewi"])
@pytest.mark.parametrize("name", list(WRITE))
def test_write(client_of, people, members, name, who, side):
    expected = WRITE[name][who][0 if side == "own" else 1]
    client = client_of(people[who])
    url = reverse(name, args=[members[side].pk])
    assert client.get(url).status_code == expected
    before = _state()
    response = client.post(url, POSTS[name])
    if expected == 200:
        assert response.status_code == 302
    else:
        assert response.status_code == expected
        assert _state() == before


@pytest.mark.parametrize(
    "who,side,expected",
    [
        ("ayu", "own", 200),
        ("ayu", "other", 404),
        ("putri", "own", 403),
        ("sari", "own", 403),
        ("sari", "other", 403),
        ("dewi", "other", 200),
    ],
)
def test_reveal_only_for_coordinators_of_the_branch_and_admins(client_of, people, members, who, side, expected):
    response = client_of(people[who]).post(reverse("member_reveal", args=[members[side].pk]), POSTS["member_reveal"])
    assert response.status_code == expected
    if expected == 200:
        assert NIK[:-1] in response.content.decode()


def test_reveal_without_a_reason_shows_nothing(client_of, ayu, members):
    response = client_of(ayu).post(reverse("member_reveal", args=[members["own"].pk]), {"field": "nik", "reason": ""})
    assert response.status_code == 302
    assert NIK[:-1] not in client_of(ayu).get(response.url).content.decode()


def test_member_page_shows_the_nik_masked_and_logs_the_view(client_of, ayu, members):
    from auditlog.models import LogEntry

    content = client_of(ayu).get(reverse("member_detail", args=[members["own"].pk])).content.decode()
    assert "3171********000" in content
    assert NIK[:-1] not in content
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=ayu).latest("timestamp")
    assert entry.object_pk == str(members["own"].pk) and entry.remote_addr == "127.0.0.1"


def test_reveal_is_logged_with_its_reason(client_of, ayu, members):
    from auditlog.models import LogEntry

    client_of(ayu).post(reverse("member_reveal", args=[members["own"].pk]), POSTS["member_reveal"])
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=ayu).latest("timestamp")
    assert entry.additional_data == {"what": "reveal nik", "reason": "checking"}


def test_member_list_of_a_coordinator_holds_no_other_branch_member(client_of, ayu, members):
    content = client_of(ayu).get(reverse("member_list")).content.decode()
    assert "Mawar Jakarta" in content and "Kamboja Bali" not in content
    content = client_of(ayu).get(reverse("member_list"), {"branch": members["other"].branch.pk}).content.decode()
    assert "Kamboja Bali" not in content


def test_member_list_costs_the_same_queries_for_few_or_many(
    client_of, sari, jakarta, members, django_assert_max_num_queries
):
    client = client_of(sari)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("member_list"))
    MemberFactory.create_batch(60, branch=jakarta)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("member_list"), {"q": "", "status": "active"})
    assert response.content.decode().count('class="card"') == 25


def test_search_by_alias_or_code(client_of, ayu, jakarta, members):
    MemberFactory(branch=jakarta, alias="Dahlia", uic="DEAG3010195")
    client = client_of(ayu)
    assert "Dahlia" in client.get(reverse("member_list"), {"q": "dahl"}).content.decode()
    assert "Dahlia" in client.get(reverse("member_list"), {"q": "deag-3010"}).content.decode()
    assert "Dahlia" not in client.get(reverse("member_list"), {"q": "mawar"}).content.decode()
