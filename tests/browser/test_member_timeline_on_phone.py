"""A regular's member page on a phone: the newest entries first, older ones a tap away."""

import datetime

import pytest

from services.models import Visit

from .pages import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_regulars_page_shows_the_newest_visits_and_older_ones_on_a_tap(
    live_server, phone, phone_of, ayu, mawar, jakarta_dic
):
    first = datetime.date(2025, 1, 6)
    Visit.objects.bulk_create(
        Visit(drop_in_centre=jakarta_dic, member=mawar, uic=mawar.uic, visited_on=first + datetime.timedelta(weeks=n))
        for n in range(80)
    )
    phone_of(ayu)
    phone.goto(live_server.url + f"/members/{mawar.pk}/")
    entries = phone.locator("ol.timeline > li")
    assert entries.count() == 50
    assert entries.first.inner_text().endswith("DIC Jakarta Utara")  # no services: no dangling colon
    older = phone.get_by_role("link", name="Tampilkan catatan yang lebih lama")
    older.scroll_into_view_if_needed()
    assert older.bounding_box()["height"] >= 44  # a link a thumb can hit
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone, "member-timeline-regular")
    older.click()
    phone.wait_for_url("**entries=200**")
    assert phone.locator("ol.timeline > li").count() == 81  # 80 visits and joining
    assert phone.locator("ol.timeline > li").last.inner_text().endswith("Bergabung")
    assert phone.get_by_role("link", name="Tampilkan catatan yang lebih lama").count() == 0
