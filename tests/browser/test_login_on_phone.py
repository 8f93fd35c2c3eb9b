"""A coordinator logs in on a phone-sized screen and sees only her branch."""

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_logs_in_on_a_phone_and_sees_only_her_branch(live_server, phone, ayu, jakarta_dic, bali_dic):
    phone.goto(live_server.url + "/")
    assert phone.locator("h1").inner_text() == "Masuk"
    phone.get_by_label("Nama pengguna").fill("ayu")
    phone.get_by_label("Sandi").fill(PASSWORD)
    phone.get_by_role("button", name="Masuk").click()

    phone.wait_for_url(live_server.url + "/")
    body = phone.locator("main").inner_text()
    assert "Jakarta" in body
    assert "DIC Jakarta Utara" in body
    assert "Bali" not in body and "Denpasar" not in body

    phone.locator("nav.nav summary").click()  # the menu
    phone.get_by_role("link", name="Wilayah").click()
    listing = phone.locator("main").inner_text()
    assert "Jakarta" in listing and "Bali" not in listing

    # Usable at 360 px: nothing scrolls sideways.
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_wrong_password_shows_a_clear_message_in_indonesian(live_server, phone, ayu):
    phone.goto(live_server.url + "/login/")
    phone.get_by_label("Nama pengguna").fill("ayu")
    phone.get_by_label("Sandi").fill("not-the-password")
    phone.get_by_role("button", name="Masuk").click()
    assert "benar" in phone.locator("main").inner_text()
    assert phone.locator("h1").inner_text() == "Masuk"
