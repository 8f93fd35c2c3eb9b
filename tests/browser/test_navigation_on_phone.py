"""Navigation fits a thumb on a 360 px phone: one bar, a menu for the rest, 44 px targets."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGETS = """() => [...document.querySelectorAll(%s)].filter(e => e.offsetParent !== null).map(e => {
  const r = e.getBoundingClientRect();
  return {text: e.textContent.trim(), left: r.left, right: r.right, width: r.width, height: r.height};
})"""


@pytest.mark.parametrize("who", ["ayu", "putri", "sari", "dewi"])
def test_main_actions_sit_in_one_bar_and_the_rest_in_a_menu(live_server, phone, phone_of, people, jakarta_dic, who):
    phone_of(people[who])
    phone.goto(live_server.url + "/")
    bar = phone.evaluate(TARGETS % "'nav.nav > a, nav.nav summary'")
    assert 2 <= len(bar) <= 4
    assert len({round(t["height"]) for t in bar}) == 1, "one row"
    for target in bar:
        assert target["height"] >= 44 and target["width"] >= 44, target
        assert target["left"] >= 0 and target["right"] <= 360, target
    assert phone.locator("nav.nav").bounding_box()["height"] <= 48

    phone.locator("nav.nav summary").click()  # the menu opens without JavaScript of ours
    menu = phone.evaluate(TARGETS % "'nav.nav .menu a'")
    assert len(menu) >= 3
    for target in menu:
        assert target["height"] >= 44 and target["right"] <= 360, target
    phone.locator("nav.nav .menu").get_by_role("link", name="Rujukan", exact=True).click()
    phone.wait_for_url(live_server.url + "/referrals/")


def test_primary_buttons_are_at_least_44_px_tall(live_server, phone, phone_of, ayu, jakarta_dic):
    phone_of(ayu)
    for path in ("/", "/members/new/", "/referrals/"):
        phone.goto(live_server.url + path)
        for height in phone.evaluate(
            "() => [...document.querySelectorAll('main .btn')].map(b => b.getBoundingClientRect().height)"
        ):
            assert height >= 44, path
