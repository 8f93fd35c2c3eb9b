"""Words that mean what they say where they stand, in Indonesian and in English."""

import datetime
import re

import pytest

from django.urls import reverse

from services.stock import receive
from tests.factories import MemberFactory


def label_of(html, field_id):
    return re.sub(r"<[^>]+>", "", re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S).group(1)).strip()


def test_an_incident_at_home_is_at_a_house_not_on_the_home_page(client_of, ayu, jakarta):
    html = client_of(ayu).get(reverse("incident_create")).content.decode()
    assert re.search(r'<option value="home"[^>]*>Rumah</option>', html)
    assert '<a href="/">Beranda</a>' in html  # the home page keeps its name


def test_stock_received_comes_from_a_donor(client_of, ayu, jakarta_dic, catalogue):
    html = client_of(ayu).get(reverse("centre_stock", args=[jakarta_dic.pk])).content.decode()
    assert label_of(html, "id_source") == "Dari"


def test_stock_units_are_english_on_an_english_page(client_of, ayu, jakarta_dic, catalogue):
    receive(jakarta_dic, catalogue["condom_item"], 4705, datetime.date(2025, 1, 1), ayu)
    client = client_of(ayu)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("centre_stock", args=[jakarta_dic.pk])).content.decode()
    assert "4705 pcs" in html and "buah" not in html


def test_required_work_setting_and_walk_in_code_are_marked(client_of, ayu, jakarta_dic, catalogue):
    client = client_of(ayu)
    register = client.get(reverse("member_create")).content.decode()
    assert label_of(register, "id_work_setting").endswith("*")
    walk_in = client.get(reverse("visit_new"), {"walk_in": "1"}).content.decode()
    assert label_of(walk_in, "id_walk_in_uic").endswith("*")


def test_honorary_member_still_needs_no_work_setting(client_of, ayu, jakarta):
    from members.models import Member

    html = (
        client_of(ayu)
        .get(reverse("member_edit", args=[MemberFactory(branch=jakarta, kind="honorary", work_setting="").pk]))
        .content.decode()
    )
    assert not label_of(html, "id_work_setting").endswith("*")
    assert Member.objects.count() == 1


def test_the_quick_exit_and_closing_a_case_have_different_words(client_of, ayu, jakarta):
    from tests.incidents.conftest import make_incident

    html = client_of(ayu).get(reverse("incident_detail", args=[make_incident(jakarta).pk])).content.decode()
    exit_word = re.search(r'<a class="exit"[^>]*>(.*?)</a>', html).group(1)
    close_words = re.search(r'<button[^>]*name="close"[^>]*>(.*?)</button>', html).group(1)
    assert exit_word.split()[0] not in close_words.split()
    assert exit_word != "Keluar"  # nor the word of "Log out"


# English words shown on the same page for different things: each needs its own
# Indonesian word, or the page says something else.
SAME_PAGE = [
    ("Exit", "Log out"),  # both in the page frame
    ("Left", "Log out"),  # a member who left, on the member list with its footer
    ("Scope", "Coverage"),  # a report's branch or region, and the prevention coverage in it
]


@pytest.mark.parametrize("first, second", SAME_PAGE)
def test_words_shown_together_differ_in_indonesian(first, second):
    from django.utils import translation

    with translation.override("id"):
        assert translation.gettext(first) != translation.gettext(second)


@pytest.mark.parametrize(
    "msgid, wrong",
    [
        ("Police station or detention", "tahanan"),  # a detainee, not a place
        ("paperwork cases stuck", "kasus"),  # "kasus" is an incident; paperwork is "pengurusan"
    ],
)
def test_indonesian_words_mean_the_thing_named(msgid, wrong):
    from django.utils import translation

    with translation.override("id"):
        assert wrong not in translation.gettext(msgid).split()
