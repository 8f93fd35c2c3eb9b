"""Forms help on a phone: dates default to today, the member code shows as it is typed
(the browser's formula agrees with the server's), errors are summed up at the top."""

import datetime
import random

import pytest

from members.models import Member
from members.uic import build_uic

from .pages import axe_findings, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëÉáàâäãñçöüïíóúÿŁłßØæœ'- .0123"
NAMES = ["Siti", "Budi", "Nur'aini", "  nur aini", "É", "A", "", "Ö zil", "Dewi-Sri", "ßara", "Ǆemal", "Ngurah"]


def _answers(rng):
    def name():
        return (
            rng.choice(NAMES) if rng.random() < 0.4 else "".join(rng.choice(LETTERS) for _ in range(rng.randint(0, 8)))
        )

    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 30000))
    return name(), name(), rng.choice(["man", "woman", "waria", "another", "not_said"]), birth


def test_the_browsers_code_is_the_servers_code_on_generated_answers(live_server, phone, phone_of, ayu, jakarta_dic):
    phone_of(ayu)
    phone.goto(live_server.url + "/members/new/")
    rng = random.Random(2026)
    cases = [_answers(rng) for _ in range(400)]
    in_browser = phone.evaluate(
        "cases => cases.map(c => window.opsiUic.build(c[0], c[1], c[2], c[3]))",
        [[m, f, g, b.isoformat()] for m, f, g, b in cases],
    )
    on_server = [build_uic(m, f, g, b) for m, f, g, b in cases]
    assert in_browser == on_server


def test_registration_shows_the_code_as_it_is_typed_and_dates_start_at_today(
    live_server, phone, phone_of, ayu, jakarta_dic
):
    phone_of(ayu)
    phone.goto(live_server.url + "/members/new/")
    today = jakarta_dic.branch.today().isoformat()
    assert phone.locator("#id_joined_on").input_value() == today
    # The joining date (already today), peer educator, consent text and notes fold away: a
    # shorter page than the 2,055 px it was.
    folded = phone.evaluate("document.documentElement.scrollHeight")
    phone.locator("details.more-fields summary").click()
    assert phone.evaluate("document.documentElement.scrollHeight") - folded > 300
    phone.locator("details.more-fields summary").click()
    assert phone.locator("#id_consent_on").input_value() == today
    phone.locator("#id_alias").fill("Melati")
    phone.locator("#id_gender").select_option("waria")
    phone.locator("#id_mother_first_name").fill("Dewi")
    phone.locator("#id_father_first_name").fill("Agus")
    phone.locator("#id_birth_date").fill("1995-01-30")
    assert phone.locator("output.uic-code").inner_text() == "DEAG3300195"
    phone.locator("#id_work_setting").select_option("venue")
    phone.locator("form.stack button[type=submit]").click()
    phone.wait_for_selector("h1 .chip")
    assert Member.objects.get().uic == "DEAG3300195"


def test_after_an_error_a_summary_at_the_top_takes_focus_and_leads_to_the_field(
    live_server, phone, phone_of, ayu, jakarta_dic
):
    phone_of(ayu)
    phone.goto(live_server.url + "/members/new/")
    phone.locator("#id_alias").fill("Melati")
    phone.locator("form.stack button[type=submit]").click()  # no gender, no birth date, no work setting
    summary = phone.locator("#error-summary")
    summary.wait_for()
    screenshot(phone, "registration-error")
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert axe_findings(phone) == []
    assert summary.bounding_box()["y"] < 740
    link = summary.locator("a[href='#id_work_setting']")
    link.click()
    assert phone.locator("#id_work_setting").bounding_box()["y"] < 740


def test_the_walk_in_form_works_out_the_code_without_sending_the_answers(
    live_server, phone, phone_of, ayu, jakarta_dic, catalogue
):
    phone_of(ayu)
    phone.goto(live_server.url + "/visits/new/?walk_in=1")
    assert phone.locator("#id_visited_on").input_value() == jakarta_dic.branch.today().isoformat()
    phone.locator("details.uic-helper summary").click()
    phone.locator("#uic-mother").fill("Siti")
    phone.locator("#uic-father").fill("Budi")
    phone.locator("#uic-gender").select_option("woman")
    phone.locator("#uic-birth").fill("1990-03-15")
    assert phone.locator("#id_walk_in_uic").input_value() == "SIBU2150390"
    assert axe_findings(phone) == []
    sent = []
    phone.on("request", lambda request: sent.append(request.post_data or "") if request.method == "POST" else None)
    phone.get_by_label("Konseling").check()
    phone.locator("form.stack button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/visits/*/")
    assert "SIBU2150390" in sent[0] and "Siti" not in sent[0] and "Budi" not in sent[0]
