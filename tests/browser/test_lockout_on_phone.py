"""Issue 28: guesses stop the phone they come from, never the owner on hers. Each phone has its
own address (behind our proxy, which appends it to X-Forwarded-For)."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import settle_and_close, watch_requests
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_at(browser, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    opened = []

    def at(address):
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            is_mobile=True,
            has_touch=True,
            extra_http_headers={"X-Forwarded-For": address},
        )
        page = watch_requests(context.new_page())
        page.set_default_timeout(10_000)
        opened.append(page)
        return page

    yield at
    for page in opened:
        settle_and_close(page)


@pytest.fixture
def owner(sari):
    TOTPDevice.objects.create(user=sari, name="app", confirmed=True)
    backup = StaticDevice.objects.create(user=sari, name="backup", confirmed=True)
    for token in ("aaaa1111", "bbbb2222"):
        StaticToken.objects.create(device=backup, token=token)
    return sari


def type_password(page, live_server, password):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Nama pengguna").fill("sari")
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def type_code(page, code):
    page.get_by_label("Kode").fill(code)
    page.get_by_role("button", name="Lanjut").click()


def assert_paused(page):
    assert page.locator("h1").inner_text() == "Terlalu banyak percobaan gagal"
    text = page.locator("main").inner_text()
    assert "Coba lagi dalam 30 menit" in text and "sari" not in text


def test_wrong_passwords_pause_the_guessing_phone_and_the_owner_logs_in_on_hers(live_server, phone_at, owner):
    guesser = phone_at("203.0.113.7")
    for attempt in range(5):
        type_password(guesser, live_server, f"wrong-password-{attempt}")
    assert_paused(guesser)
    type_password(guesser, live_server, PASSWORD)  # the right one, from there: still paused
    assert_paused(guesser)

    mine = phone_at("198.51.100.2")
    type_password(mine, live_server, PASSWORD)
    assert mine.locator("h1").inner_text() == "Langkah kedua login"
    type_code(mine, "aaaa1111")
    mine.wait_for_url(live_server.url + "/")


def test_wrong_codes_pause_the_thiefs_phone_and_never_the_owners_app(live_server, phone_at, owner):
    thief = phone_at("203.0.113.7")
    type_password(thief, live_server, PASSWORD)  # a stolen password
    for _ in range(5):
        type_code(thief, "000000")
    assert_paused(thief)
    thief.goto(live_server.url + "/")
    assert thief.locator("h1").inner_text() == "Masuk"  # the half-done login is over

    mine = phone_at("198.51.100.2")
    type_password(mine, live_server, PASSWORD)
    type_code(mine, "bbbb2222")
    mine.wait_for_url(live_server.url + "/")
