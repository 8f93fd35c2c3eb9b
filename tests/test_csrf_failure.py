"""A form sent without its CSRF cookie (the browser restarted, the page open too long): a page
in the user's language that says nothing was saved and what to do, a way back to the page it
came from, status 403; the visit form comes back filled, checked, unsaved, with a fresh token."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from services.models import Visit
from tests.conftest import login_with_second_factor
from tests.factories import MemberFactory

from .services.test_log_visit import form_data

pytestmark = pytest.mark.django_db

TECHNICAL = ("CSRF", "Terlarang", "Forbidden", "dibajak", "hijack", "cookie", "token")


def _browser_restarted(user=None):
    """A browser that kept its login but lost the CSRF cookie; its forms are checked, and it
    says where they come from, as browsers do."""
    client = Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})
    return login_with_second_factor(client, user) if user else client


def _no_technical_words(content):
    """In what the page says (its text, not its markup)."""
    main = re.sub(r"<[^>]*>", " ", content[content.index('<main id="main">') : content.index("</main>")])
    assert not [word for word in TECHNICAL if word.lower() in main.lower()]


def test_a_form_without_its_cookie_gets_a_plain_page_with_the_way_back(ayu, jakarta_dic):
    client = _browser_restarted(ayu)
    page = reverse("referral_follow_up")
    response = client.post(reverse("stuck_cases"), {"x": "1"}, HTTP_REFERER=f"http://testserver{page}?state=open")
    assert response.status_code == 403
    content = response.content.decode()
    assert "Isian tidak tersimpan" in content and "tidak disimpan" in content
    assert f'<a class="btn" href="{page}?state=open">Kembali ke halaman</a>' in content
    _no_technical_words(content)


@pytest.mark.parametrize(
    "referer", ["https://elsewhere.example/visits/new/", "javascript:alert(1)", "//elsewhere.example/", ""]
)
def test_the_way_back_never_leaves_the_site(ayu, referer):
    response = _browser_restarted(ayu).post(reverse("member_create"), {}, HTTP_REFERER=referer)
    assert response.status_code == 403
    assert '<a class="btn" href="/">Ke halaman utama</a>' in response.content.decode()


def test_the_page_is_in_english_for_an_english_user(ayu):
    ayu.language = "en"
    ayu.save()
    content = _browser_restarted(ayu).post(reverse("member_create"), {}).content.decode()
    assert "The form was not saved" in content and "Go to the home page" in content
    _no_technical_words(content)


def test_a_visitor_not_logged_in_gets_the_page_not_a_form(mawar, jakarta_dic, catalogue):
    response = _browser_restarted().post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Isian tidak tersimpan" in content and "Mawar" not in content and 'name="services"' not in content


def test_the_visit_form_comes_back_filled_unsaved_with_a_fresh_token(ayu, mawar, jakarta_dic, catalogue, stocked):
    client = _browser_restarted(ayu)
    data = form_data(catalogue, jakarta_dic, mawar)
    response = client.post(reverse("visit_new"), data)
    assert response.status_code == 403
    assert not Visit.objects.exists()
    content = response.content.decode()
    assert "Belum ada yang tersimpan" in content and 'id="error-summary"' in content
    assert "<strong>Mawar</strong>" in content
    assert f'value="{data["submission_key"]}"' in content
    assert f'value="{catalogue["condoms"].pk}" id="id_services_' in content and "checked" in content
    assert 'value="12"' in content and 'value="2025-05-01"' in content
    _no_technical_words(content)
    # The page carries a fresh token and sets its cookie: Save again saves, once.
    token = content.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert settings.CSRF_COOKIE_NAME in response.cookies
    response = client.post(reverse("visit_new"), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Visit.objects.get().member == mawar


def test_the_visit_form_comes_back_with_its_errors_checked_as_always(ayu, mawar, jakarta_dic, catalogue, stocked):
    data = form_data(catalogue, jakarta_dic, mawar, visited_on="2999-01-01")
    content = _browser_restarted(ayu).post(reverse("visit_new"), data).content.decode()
    assert "Belum ada yang tersimpan" in content and 'href="#id_visited_on"' in content
    assert not Visit.objects.exists()


def test_the_visit_form_of_another_branchs_member_is_never_refilled(bunga, mawar, jakarta_dic, catalogue, stocked):
    response = _browser_restarted(bunga).post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Mawar" not in content and "SIBU2150390" not in content and 'name="services"' not in content
    assert "Isian tidak tersimpan" in content


def test_a_reader_of_all_branches_gets_the_page_not_a_visit_form(sari, jakarta, catalogue, jakarta_dic):
    kenanga = MemberFactory(branch=jakarta, alias="Kenanga")
    response = _browser_restarted(sari).post(reverse("visit_new"), form_data(catalogue, jakarta_dic, kenanga))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Kenanga" not in content and 'name="services"' not in content


@pytest.mark.parametrize("origin", ["https://elsewhere.example", "null"])
def test_a_visit_form_sent_from_another_site_is_never_refilled(ayu, mawar, jakarta_dic, catalogue, stocked, origin):
    client = login_with_second_factor(Client(enforce_csrf_checks=True, headers={"Origin": origin}), ayu)
    response = client.post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar))
    assert response.status_code == 403 and not Visit.objects.exists()
    content = response.content.decode()
    assert "Isian tidak tersimpan" in content and "Mawar" not in content and 'name="services"' not in content


def test_a_visit_form_that_says_nothing_of_where_it_comes_from_is_not_refilled(ayu, mawar, jakarta_dic, catalogue):
    client = login_with_second_factor(Client(enforce_csrf_checks=True), ayu)
    content = client.post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar)).content.decode()
    assert "Isian tidak tersimpan" in content and 'name="services"' not in content


def _login_ended(client):
    """The session ended on the server (idle timeout): the browser's cookie finds nothing."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).delete()


def test_a_visit_sent_after_the_login_ended_comes_back_filled_after_the_login(
    ayu, mawar, jakarta_dic, catalogue, stocked
):
    client = login_with_second_factor(Client(), ayu)
    _login_ended(client)
    data = form_data(catalogue, jakarta_dic, mawar)
    response = client.post(reverse("visit_new"), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login_page = client.get(response["Location"]).content.decode()
    assert "tidak ada yang tersimpan" in login_page.lower()
    assert not Visit.objects.exists()
    login_with_second_factor(client, ayu)
    content = client.get(reverse("visit_new")).content.decode()
    assert "Belum ada yang tersimpan" in content and "<strong>Mawar</strong>" in content
    assert 'value="12"' in content and 'value="2025-05-01"' in content
    assert not Visit.objects.exists()
    assert "<strong>Mawar</strong>" not in client.get(reverse("visit_new")).content.decode()  # once
    response = client.post(reverse("visit_new"), data)
    assert response.status_code == 302 and Visit.objects.get().member == mawar


def test_a_visit_kept_across_a_login_is_never_shown_to_another_branchs_worker(
    ayu, bunga, mawar, jakarta_dic, catalogue, stocked
):
    client = login_with_second_factor(Client(), ayu)
    _login_ended(client)
    client.post(reverse("visit_new"), form_data(catalogue, jakarta_dic, mawar))
    login_with_second_factor(client, bunga)
    response = client.get(reverse("visit_new"))
    content = response.content.decode()
    assert response.status_code == 200  # her own form, empty
    assert "Mawar" not in content and "SIBU2150390" not in content
    assert not Visit.objects.exists()
