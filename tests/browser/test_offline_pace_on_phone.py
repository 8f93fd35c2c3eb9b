"""How long a visit takes on the capture page on a slow link (400 kbit/s, 400 ms round trip,
Chromium's network emulation): taps from an empty form to "saved on the server", and seconds
from the first tap to the server's answer. Printed for the record; the test only checks that
three visits reach the server once each."""

import time

import pytest

from services.models import Visit
from tests.browser.test_offline_capture_on_phone import CODES, _open_capture, _set_pin, _wait_until_sent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOW = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def test_three_visits_on_a_slow_link_taps_and_seconds(live_server, phone, ayu, jakarta_dic, catalogue, capsys):
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    _open_capture(phone, live_server, ayu)
    _set_pin(phone)
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    form = phone.locator("form[data-offline-kind=visit]")
    seconds = []
    taps = 0
    for number, code in enumerate(CODES, start=1):
        start = time.monotonic()
        form.locator("#visit_walk_in_uic").click()
        form.locator("#visit_walk_in_uic").fill(code)
        form.get_by_label("Konseling").check()
        form.locator("button[type=submit]").click()
        taps += 3
        phone.wait_for_function(
            "(n) => document.querySelectorAll('[data-queue] li[data-entry-state=saved]').length >= n",
            arg=number,
            timeout=60_000,
        )
        seconds.append(time.monotonic() - start)
    _wait_until_sent(phone)
    assert sorted(Visit.objects.values_list("uic", flat=True)) == sorted(CODES)
    with capsys.disabled():
        print(
            f"\npace on a slow link: {taps / len(CODES):.0f} taps per visit, "
            f"{', '.join(f'{s:.1f}' for s in seconds)} s to saved on the server "
            f"(mean {sum(seconds) / len(seconds):.1f} s)"
        )
