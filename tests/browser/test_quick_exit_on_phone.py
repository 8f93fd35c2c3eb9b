"""The quick exit on a phone: the page left behind is not in the browser's history."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

from .pages import log_in, type_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEUTRAL = "https://www.google.com/"


def test_the_exit_replaces_the_page_in_history_and_back_never_shows_it(live_server, phone, ayu, jakarta):
    member = MemberFactory(branch=jakarta, alias="Kenanga")
    # No internet here: the neutral site answers from the test.
    phone.route(
        NEUTRAL + "**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Cuaca</title><p>cuaca</p>"),
    )
    log_in(phone, live_server, ayu)
    phone.goto(live_server.url + reverse("home"))
    member_page = live_server.url + reverse("member_detail", args=[member.pk])
    phone.goto(member_page)
    assert "Kenanga" in phone.locator("main").inner_text()
    length = phone.evaluate("history.length")

    phone.locator("a.exit").click()
    phone.wait_for_url(NEUTRAL + "**")
    assert phone.evaluate("history.length") == length  # replaced, not added

    phone.go_back()
    phone.wait_for_load_state()
    assert phone.url != member_page
    assert "Kenanga" not in phone.content()
    # The session is gone as well: the member page now asks for a login.
    phone.goto(member_page)
    assert "Kenanga" not in phone.locator("main").inner_text()


def test_cookies_copied_after_a_quick_exit_with_no_signal_open_no_member_page(
    live_server, phone, browser, ayu, jakarta
):
    """The exit pressed in airplane mode never reaches the server. Someone then copies the
    phone's cookies into a browser with JavaScript off and waits for signal: the member page
    asks for a login, and shows neither alias nor code."""
    member = MemberFactory(branch=jakarta, alias="Kenanga", uic="KEBU2150390")
    type_login(phone, live_server, ayu.username)  # as she would, through the login page
    member_page = live_server.url + reverse("member_detail", args=[member.pk])
    phone.goto(member_page)
    assert "KEBU2150390" in phone.locator("main").inner_text()
    assert {c["name"] for c in phone.context.cookies()} >= {"sessionid", "pagekey"}

    phone.context.set_offline(True)
    with phone.expect_event("requestfailed", lambda request: "/exit/" in request.url):
        phone.locator("a.exit").click()
    copied = phone.context.cookies()
    assert "sessionid" in {c["name"] for c in copied}  # HttpOnly: the page could not delete it

    thief = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        thief.add_cookies(copied)
        page = thief.new_page()
        page.goto(member_page)
        assert "/login/" in page.url
        text = page.content()
        assert "Kenanga" not in text and "KEBU2150390" not in text
    finally:
        thief.close()
    # The session is dead on the server too: the phone, back online, is asked to log in.
    phone.context.set_offline(False)
    phone.goto(member_page)
    assert "/login/" in phone.url and "KEBU2150390" not in phone.content()


def test_the_exit_with_no_signal_ends_the_login_of_a_reader_too(live_server, phone, browser, sari, jakarta):
    """The secretariat's pages have no offline capture: the page key goes all the same."""
    member = MemberFactory(branch=jakarta, alias="Kenanga", uic="KEBU2150390")
    log_in(phone, live_server, sari)
    member_page = live_server.url + reverse("member_detail", args=[member.pk])
    phone.goto(member_page)
    assert "KEBU2150390" in phone.locator("main").inner_text()
    phone.context.set_offline(True)
    with phone.expect_event("requestfailed", lambda request: "/exit/" in request.url):
        phone.locator("a.exit").click()
    copied = phone.context.cookies()
    assert "pagekey" not in {c["name"] for c in copied}
    thief = browser.new_context(java_script_enabled=False)
    try:
        thief.add_cookies(copied)
        page = thief.new_page()
        page.goto(member_page)
        assert "/login/" in page.url and "KEBU2150390" not in page.content()
    finally:
        thief.close()
