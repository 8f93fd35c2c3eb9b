"""The donor report read on the phone it is made on (360 px)."""

import pytest

from .pages import branch_records, screenshot, url_of, words_broken_inside_table_cells

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report_url(ayu, jakarta_dic, catalogue):
    records = branch_records(jakarta_dic.branch, jakarta_dic, ayu)
    return url_of("report_page", None, records)


def test_no_word_or_number_is_broken_inside_a_report_table(live_server, phone, phone_of, ayu, report_url):
    phone_of(ayu)
    phone.goto(live_server.url + report_url)
    assert phone.locator("main table").count() > 3
    screenshot(phone, "report-coordinator")
    assert words_broken_inside_table_cells(phone) == []
    # Wide tables scroll inside themselves; the page itself never scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_key_figures_come_first_and_the_row_labels_stay_in_view_while_a_table_scrolls(
    live_server, phone, phone_of, ayu, report_url
):
    phone_of(ayu)
    phone.goto(live_server.url + report_url)
    figures = phone.locator("table.figures")
    assert figures.bounding_box()["y"] < 740, "the key figures are on the first screen"

    wide = phone.evaluate("""() => {
      const wrap = [...document.querySelectorAll('.table-wrap')].find(w => w.scrollWidth > w.clientWidth);
      if (!wrap) return null;
      const label = wrap.querySelector('tbody th');
      const before = label.getBoundingClientRect().left;
      wrap.scrollLeft = wrap.scrollWidth;
      return [before, label.getBoundingClientRect().left];
    }""")
    assert wide is not None, "at 360 px some table is wider than the screen"
    before, after = wide
    assert after == pytest.approx(before, abs=1)


def test_chart_labels_read_at_phone_size_and_are_not_cut(live_server, phone, phone_of, ayu, report_url):
    phone_of(ayu)
    phone.goto(live_server.url + report_url)
    labels = phone.evaluate("""() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('text')].map(t => {
        const r = t.getBoundingClientRect();
        return {height: r.height, right: r.right, left: r.left, svgRight: box.right, svgLeft: box.left};
      });
    })""")
    assert labels, "the report draws charts"
    assert min(label["height"] for label in labels) >= 12, "a label under 12 px cannot be read on a phone"
    assert all(label["svgLeft"] - 1 <= label["left"] and label["right"] <= label["svgRight"] + 1 for label in labels)
    screenshot(phone, "report-chart")


def test_a_table_wider_than_the_screen_shows_that_it_scrolls(live_server, phone, phone_of, ayu, report_url):
    phone_of(ayu)
    phone.goto(live_server.url + report_url)
    shadow = phone.evaluate("""() => {
      const wrap = [...document.querySelectorAll('.table-wrap')].find(w => w.scrollWidth > w.clientWidth);
      return wrap && getComputedStyle(wrap).backgroundImage;
    }""")
    assert shadow and "radial-gradient" in shadow, "a shadow at the right edge says more columns wait there"
    phone.locator(".table-wrap").first.scroll_into_view_if_needed()
    screenshot(phone, "report-wide-table")


def test_this_period_and_the_last_one_are_on_the_first_screen_of_the_key_figures(
    live_server, phone, phone_of, ayu, report_url
):
    phone_of(ayu)
    phone.goto(live_server.url + report_url)
    visible = phone.evaluate("""() => {
      const table = document.querySelector('table.figures');
      const right = table.parentElement.getBoundingClientRect().right;
      return [...table.querySelectorAll('thead th')].map(th => th.getBoundingClientRect().right <= right + 1);
    }""")
    assert visible[:3] == [True, True, True], "the indicator, this period and the period before fit a 360 px screen"
