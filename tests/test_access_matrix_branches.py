"""Every branch and drop-in-centre page, for every role, on own and other branch."""

import pytest
from django.urls import reverse

from opsi.tenant import DropInCentre

# Objects live in Jakarta ("own" for ayu and putri) or Bali ("other").
READ_PAGES = [
    ("branch_detail", "branch"),
    ("drop_in_centre_detail", "centre"),
]
WRITE_PAGES = [
    ("drop_in_centre_edit", "centre"),
    ("drop_in_centre_create", "branch"),
]

# role -> (status on Jakarta object, status on Bali object)
READ_EXPECTED = {
    "ayu": (200, 404),
    "putri": (200, 404),
    "sari": (200, 200),
    "dewi": (200, 200),
}
WRITE_EXPECTED = {
    "ayu": (200, 404),
    "putri": (403, 404),
    "sari": (403, 403),
    "dewi": (200, 200),
}


@pytest.fixture
def objects(jakarta, bali, jakarta_dic, bali_dic):
    return {
        "own": {"branch": jakarta, "centre": jakarta_dic},
        "other": {"branch": bali, "centre": bali_dic},
    }


def _url(name, obj):
    return reverse(name, args=[obj.pk])


@pytest.mark.parametrize("name,kind", READ_PAGES + WRITE_PAGES)
@pytest.mark.parametrize("side", ["own", "other"])
def test_anonymous_is_sent_to_login(client, objects, name, kind, side):
    url = _url(name, objects[side][kind])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name,kind", READ_PAGES)
@pytest.mark.parametrize("who", READ_EXPECTED)
@pytest.mark.parametrize("side", ["own", "other"])
def test_read_pages_follow_the_branch_rule(client_of, people, objects, name, kind, who, side):
    expected = READ_EXPECTED[who][0 if side == "own" else 1]
    response = client_of(people[who]).get(_url(name, objects[side][kind]))
    assert response.status_code == expected


@pytest.mark.parametrize("name,kind", WRITE_PAGES)
@pytest.mark.parametrize("who", WRITE_EXPECTED)
@pytest.mark.parametrize("side", ["own", "other"])
def test_write_pages_follow_the_branch_rule(client_of, people, objects, name, kind, who, side):
    expected = WRITE_EXPECTED[who][0 if side == "own" else 1]
    client = client_of(people[who])
    url = _url(name, objects[side][kind])
    assert client.get(url).status_code == expected

    before = list(DropInCentre.objects.order_by("pk").values_list("pk", "name", "branch_id"))
    response = client.post(url, {"name": "Renamed centre", "area": "X", "active": "on"})
    after = list(DropInCentre.objects.order_by("pk").values_list("pk", "name", "branch_id"))
    if expected == 200:
        assert response.status_code == 302
        assert any(name == "Renamed centre" for _, name, _ in after)
    else:
        assert response.status_code == expected
        assert after == before


def test_coordinator_branch_list_shows_only_own_branch(client_of, ayu, objects):
    content = client_of(ayu).get(reverse("branch_list")).content.decode()
    assert "Jakarta" in content
    assert "Bali" not in content
    assert "DIC Denpasar" not in content


def test_secretariat_branch_list_shows_every_branch(client_of, sari, objects):
    content = client_of(sari).get(reverse("branch_list")).content.decode()
    assert "Jakarta" in content and "Bali" in content


def test_new_centre_goes_to_the_branch_in_the_url_not_a_posted_one(client_of, ayu, objects):
    jakarta, bali = objects["own"]["branch"], objects["other"]["branch"]
    client_of(ayu).post(
        reverse("drop_in_centre_create", args=[jakarta.pk]),
        {"name": "DIC Baru", "area": "Jakarta Timur", "branch": bali.pk},
    )
    assert DropInCentre.objects.get(name="DIC Baru").branch == jakarta


def test_duplicate_centre_name_in_a_branch_re_renders_with_a_message(client_of, ayu, objects):
    jakarta = objects["own"]["branch"]
    response = client_of(ayu).post(
        reverse("drop_in_centre_create", args=[jakarta.pk]),
        {"name": "DIC Jakarta Utara", "area": "Jakarta Utara"},
    )
    assert response.status_code == 200
    assert "Wilayah ini sudah memiliki DIC dengan nama ini." in response.content.decode()
    assert DropInCentre.objects.filter(branch=jakarta, name="DIC Jakarta Utara").count() == 1


def test_branch_list_query_count_does_not_grow_with_branches(client_of, sari, objects, django_assert_max_num_queries):
    from tests.factories import BranchFactory, DropInCentreFactory

    client = client_of(sari)
    with django_assert_max_num_queries(10):
        client.get(reverse("branch_list"))
    for code in ["32", "33", "35", "36", "52", "53", "61", "71"]:
        DropInCentreFactory.create_batch(3, branch=BranchFactory(province=code))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("branch_list"))
    assert response.content.decode().count('class="card"') == 10


def test_a_change_of_branches_takes_effect_on_the_same_user_object(ayu, jakarta, bali):
    """The scoping filters read the user's branches once; moving the user clears that."""
    from opsi.tenant import Branch

    assert list(Branch.objects.visible_to(ayu)) == [jakarta]
    ayu.branches.set([bali])
    assert list(Branch.objects.visible_to(ayu)) == [bali]
    assert list(DropInCentre.objects.writable_by(ayu).filter(branch=jakarta)) == []
