"""Someone copies a phone's cookies: the session cookie alone opens nothing.

Every login gets a page key (``opsi/session_binding.py``), a second cookie the page deletes
first thing at a quick exit. A session met without its key is ended on the server, for
every copy of it."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from opsi import session_binding
from tests.factories import MemberFactory
from tests.logins import code_for, password_login, verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def kenanga(jakarta):
    return MemberFactory(branch=jakarta, alias="Kenanga", uic="KEBU2150390")


def _copy(client, *names):
    thief = Client()
    for name in names:
        thief.cookies[name] = client.cookies[name].value
    return thief


def test_the_session_cookie_copied_alone_gets_the_login_page_and_ends_the_session(ayu, kenanga):
    phone = password_login(ayu)
    assert phone.cookies[session_binding.COOKIE].value  # given at login
    page = reverse("member_detail", args=[kenanga.pk])
    assert "Kenanga" in phone.get(page).content.decode()

    thief = _copy(phone, "sessionid")
    response = thief.get(page)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "Kenanga" not in thief.get(page, follow=True).content.decode()
    # The session is over everywhere: the phone's own cookies no longer open it either.
    assert phone.get(page).status_code == 302


def test_a_wrong_page_key_opens_nothing(ayu, kenanga):
    phone = password_login(ayu)
    thief = _copy(phone, "sessionid")
    thief.cookies[session_binding.COOKIE] = "guessed"
    assert thief.get(reverse("member_detail", args=[kenanga.pk])).status_code == 302


def test_both_cookies_together_are_the_login(ayu, kenanga):
    phone = password_login(ayu)
    copy = _copy(phone, "sessionid", session_binding.COOKIE)
    assert copy.get(reverse("member_detail", args=[kenanga.pk])).status_code == 200


def test_the_page_key_is_a_cookie_the_page_can_delete(ayu):
    phone = password_login(ayu)
    cookie = phone.cookies[session_binding.COOKIE]
    assert not cookie["httponly"] and cookie["path"] == "/" and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # ends with the browser, as the session does


def test_the_two_step_login_keeps_its_key_after_the_second_step(sari, kenanga, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=sari, name="phone", confirmed=True)
    phone = verified_login(sari, device)
    assert phone.get(reverse("member_detail", args=[kenanga.pk])).status_code == 200
    thief = _copy(phone, "sessionid")
    assert thief.get(reverse("home")).status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    assert code_for(device)  # the device was really used for the step


def test_the_admin_login_gets_a_key_too(dewi, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=dewi, name="phone", confirmed=True)
    admin = Client()
    from tests.factories import PASSWORD

    admin.post(reverse("admin:login"), {"username": dewi.username, "password": PASSWORD})
    assert admin.cookies[session_binding.COOKIE].value
    admin.post(reverse("two_factor_verify"), {"token": code_for(device)})
    assert admin.get(reverse("admin:index")).status_code == 200
    assert _copy(admin, "sessionid").get(reverse("admin:index")).status_code == 302


@override_settings(SESSION_ENGINE="opsi.sessions", LOGINS_IN_CACHE=True)
def test_a_copied_session_cookie_is_refused_where_sessions_and_logins_are_cached(ayu, kenanga):
    phone = password_login(ayu)
    page = reverse("member_detail", args=[kenanga.pk])
    assert phone.get(page).status_code == 200
    assert phone.get(page).status_code == 200  # the user's row now read from the cache
    assert _copy(phone, "sessionid").get(page).status_code == 302
    assert phone.get(page).status_code == 302


def test_quick_exit_and_logout_delete_the_key(ayu):
    phone = password_login(ayu)
    response = phone.get(reverse("quick_exit"))
    assert phone.cookies[session_binding.COOKIE].value == ""  # deleted
    assert response["Clear-Site-Data"]
    again = password_login(ayu)
    again.post(reverse("logout"))
    assert again.cookies[session_binding.COOKIE].value == ""
