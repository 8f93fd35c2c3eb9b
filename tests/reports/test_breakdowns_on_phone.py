"""The breakdowns by sex and age read on a 360 px phone: the two tables scroll inside themselves,
the indicator stays in view, no word or number is broken inside a cell."""

import pytest
from django.urls import reverse

from reports.definitions import BRIDGING_THE_GAPS

from tests.browser.pages import screenshot, words_broken_inside_table_cells
from tests.reports.test_breakdowns import breakdown_people  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("breakdown_people"),
]


def shown(by):
    return [b for b in BRIDGING_THE_GAPS.breakdowns if by in b.by and not b.sensitive]


QUERY = "?definition=btg&period_kind=year&year=2025&number=1&scope=national%3A"


def test_the_breakdowns_read_on_a_phone(live_server, phone, phone_of, sari):
    phone_of(sari)
    phone.goto(live_server.url + reverse("report_page") + QUERY)
    heading = phone.get_by_role("heading", name="Indikator populasi kunci menurut jenis kelamin", exact=True)
    heading.scroll_into_view_if_needed()
    by_sex = phone.locator("table.breakdown").first
    assert by_sex.locator("tbody tr").count() == len(shown("sex"))
    assert by_sex.locator("tbody tr").first.locator("th").inner_text().startswith("Orang yang berkunjung")
    assert by_sex.locator("tbody tr").first.locator("td").all_inner_texts() == ["3", "1", "2", "0", "3", "9"]
    screenshot(phone, "report-breakdowns")
    assert words_broken_inside_table_cells(phone) == []
    # The page itself never scrolls sideways; the wide table scrolls inside its frame, its row
    # labels staying in view.
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shift = phone.evaluate("""() => {
      const wrap = document.querySelector('table.breakdown').parentElement;
      const label = wrap.querySelector('tbody th');
      const before = label.getBoundingClientRect().left;
      wrap.scrollLeft = wrap.scrollWidth;
      return [wrap.scrollWidth > wrap.clientWidth, label.getBoundingClientRect().left - before];
    }""")
    if shift[0]:
        assert shift[1] == pytest.approx(0, abs=1), "the indicator stays in view while the counts scroll"
    by_age = phone.locator("table.breakdown").nth(1)
    assert by_age.locator("tbody tr").count() == len(shown("age"))
    by_age.scroll_into_view_if_needed()
    screenshot(phone, "report-breakdowns-by-age")
