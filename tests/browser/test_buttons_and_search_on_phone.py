"""The double-tap guard keeps the pressed button; live search never shows an older answer."""

import pytest

from incidents.models import Incident
from tests.browser.pages import type_login as log_in
from tests.conftest import settle_and_close, watch_requests
from tests.factories import MemberFactory
from tests.incidents.conftest import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_closes_an_incident_with_its_button(live_server, phone, ayu, jakarta):
    incident = make_incident(jakarta)
    log_in(phone, live_server, "ayu", f"/incidents/{incident.pk}/")
    phone.locator("button[name=close]").click()
    phone.wait_for_selector(".msg-success")
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert phone.locator("button[name=close]").count() == 0


def test_a_double_tap_on_close_sends_one_request_with_the_button(live_server, phone, ayu, jakarta):
    incident = make_incident(jakarta)
    log_in(phone, live_server, "ayu", f"/incidents/{incident.pk}/")
    posts = []
    phone.on("request", lambda request: posts.append(request.post_data) if request.method == "POST" else None)
    phone.locator("button[name=close]").evaluate("b => { b.click(); b.click(); }")
    phone.wait_for_selector(".msg-success")
    assert len(posts) == 1 and "close=1" in posts[0]
    assert Incident.objects.get().status == "closed"


@pytest.fixture
def phone_without_service_worker(browser):
    """A phone page whose requests all reach page.route (a service worker's would not)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, service_workers="block"
    )
    page = watch_requests(context.new_page())
    page.set_default_timeout(10_000)
    yield page
    settle_and_close(page)


def test_live_search_never_shows_the_answer_to_an_older_query(live_server, phone_without_service_worker, ayu, jakarta):
    phone = phone_without_service_worker
    for n in range(9):
        MemberFactory(branch=jakarta, alias=f"Mawar {n}")
    MemberFactory(branch=jakarta, alias="Melati Jak1")
    log_in(phone, live_server, "ayu", "/visits/new/")

    held = []

    def hold_the_first_answer(route, request):
        if request.url.endswith("q=m"):
            held.append(route)  # answered below, after the answer to the final query
        else:
            route.continue_()

    phone.route("**/visits/new/?partial=1*", hold_the_first_answer)
    search = phone.locator("#id_q")
    search.type("m")
    phone.wait_for_timeout(600)  # a pause: the query for "m" goes out
    search.type("elati jak1")
    phone.wait_for_selector("#member-results a.pick")
    assert len(held) == 1
    held[0].continue_()
    phone.wait_for_timeout(1500)  # the late answer to "m" arrives
    shown = phone.locator("#member-results a.pick").all_inner_texts()
    assert len(shown) == 1 and "Melati Jak1" in shown[0]
