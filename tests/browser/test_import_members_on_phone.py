"""A coordinator imports a small member list on a phone, checks it, and confirms it more than
once: a double tap, and the same confirmation from a second tab that still held the checked
page. The file is imported once, the second tab says it was confirmed more than once and
imported once only, and the member list shows each new member once.

The server is slowed where a busy one would be: each confirmation, once it has read the checked
rows from the session, waits for the other to read them too, so both are "at once" in the
sense that matters (the second read the rows before the first had finished).
"""

import threading

import pytest

from members import import_views
from members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMPORTED = "3 anggota berhasil diimpor."
CONFIRMED_TWICE = "Berkas ini dikonfirmasi lebih dari sekali: hanya diimpor sekali."
ALIASES = ["Anggrek", "Cempaka", "Dahlia"]
CSV = (
    "branch,uic,alias,kind,gender,birth_year,work_setting,joined_on,consent_on,peer_educator\n"
    "31,SIBU2010190,Anggrek,biasa,perempuan,1990,street,2024-01-15,2024-01-15,no\n"
    "31,SIBU2020190,Cempaka,biasa,perempuan,1990,venue,2024-01-15,2024-01-15,no\n"
    "31,SIBU2030190,Dahlia,biasa,waria,1990,street,2024-01-15,2024-01-15,no\n"
)


@pytest.fixture(autouse=True)
def two_requests_at_once():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the live server on SQLite's shared in-memory database answers one request at a time")


class Confirmations:
    """Counts the confirmations that read the checked rows, and holds each after reading
    until ``others`` more have read them too (at most ``seconds``); with ``hold_later``,
    every one after the first then waits for ``go_on`` as well."""

    def __init__(self, others=1, seconds=8, hold_later=False):
        self.read = 0
        self.others = others
        self.seconds = seconds
        self.hold_later = hold_later
        self.go_on = threading.Event()
        self.changed = threading.Condition()

    def wrap(self, take_checked):
        def take_then_wait(request, token):
            rows = take_checked(request, token)
            with self.changed:
                self.read += 1
                mine = self.read
                self.changed.notify_all()
                self.changed.wait_for(lambda: self.read > mine + self.others - 1 or mine > 1, timeout=self.seconds)
            if self.hold_later and mine > 1:
                self.go_on.wait(timeout=self.seconds)
            return rows

        return take_then_wait

    def wait_until_read(self, count, page):
        for _tick in range(100):
            if self.read >= count:
                return
            page.wait_for_timeout(50)
        raise AssertionError(f"{count} confirmations expected, {self.read} arrived")


def check_the_file(phone, live_server):
    phone.goto(live_server.url + "/members/import/")
    phone.get_by_label("Berkas (.csv atau .xlsx)").set_input_files(
        {"name": "anggota.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    phone.get_by_role("button", name="Periksa berkas").click()
    assert "3 baris diperiksa" in phone.locator("main form p[role=status]").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def second_tab_with_the_checked_page(phone, live_server):
    """A second tab holding the page of the check, as the first shows it (its confirmation form)."""
    tab = phone.context.new_page()
    tab.goto(live_server.url + "/members/import/")
    form = phone.locator("form:has(input[name=confirm])").evaluate("form => form.outerHTML")
    tab.locator("main form").first.evaluate("(upload, form) => upload.insertAdjacentHTML('beforebegin', form)", form)
    return tab


def said(page):
    messages = page.locator("ul.messages")
    return messages.inner_text().strip() if messages.count() else ""


def listed(phone, live_server):
    phone.goto(live_server.url + "/members/")
    text = phone.locator("main").inner_text()
    return {alias: text.count(alias) for alias in ALIASES}


def test_a_double_tap_and_a_second_tab_import_the_file_once_and_the_second_says_so(
    live_server, phone_of, ayu, jakarta, monkeypatch
):
    confirmations = Confirmations(hold_later=True)
    monkeypatch.setattr(import_views, "take_checked", confirmations.wrap(import_views.take_checked))
    phone = phone_of(ayu)
    check_the_file(phone, live_server)
    tab = second_tab_with_the_checked_page(phone, live_server)

    phone.get_by_role("button", name="Impor sekarang").dblclick(no_wait_after=True)
    confirmations.wait_until_read(1, phone)
    tab.get_by_role("button", name="Impor sekarang").click(no_wait_after=True)
    confirmations.wait_until_read(2, phone)
    # The first goes on once the second has read the rows; the second once the first's page is shown.
    phone.wait_for_url(live_server.url + "/members/")
    assert said(phone) == IMPORTED
    confirmations.go_on.set()
    tab.wait_for_selector("ul.messages")
    assert (tab.url, said(tab)) == (live_server.url + "/members/", CONFIRMED_TWICE)

    assert confirmations.read == 2  # the double tap sent the form once
    assert listed(phone, live_server) == dict.fromkeys(ALIASES, 1)
    assert Member.objects.filter(alias__in=ALIASES).count() == 3


def test_two_confirmations_going_on_at_the_same_moment_import_the_file_once(
    live_server, phone_of, ayu, jakarta, monkeypatch
):
    confirmations = Confirmations()
    monkeypatch.setattr(import_views, "take_checked", confirmations.wrap(import_views.take_checked))
    phone = phone_of(ayu)
    check_the_file(phone, live_server)
    tab = second_tab_with_the_checked_page(phone, live_server)

    phone.get_by_role("button", name="Impor sekarang").dblclick(no_wait_after=True)
    confirmations.wait_until_read(1, phone)
    tab.get_by_role("button", name="Impor sekarang").click(no_wait_after=True)
    phone.wait_for_url(live_server.url + "/members/")
    tab.wait_for_url(live_server.url + "/members/")

    shown = [said(phone), said(tab)]

    assert listed(phone, live_server) == dict.fromkeys(ALIASES, 1)
    # Both answers come back at about the same moment, and the two tabs share the browser's
    # messages: which tab shows which message depends on the order the browser follows them
    # (both may show "imported", once each for the one import); neither says more were imported.
    lines = [line.strip() for message in shown for line in message.splitlines() if line.strip()]
    assert lines and all(line in (IMPORTED, CONFIRMED_TWICE) for line in lines), shown
    assert Member.objects.filter(alias__in=ALIASES).count() == 3
