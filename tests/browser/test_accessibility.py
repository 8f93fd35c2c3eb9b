"""axe-core on every page each role can reach, on a phone: no serious or critical finding,
and no word broken inside a table cell."""

import pytest

from opsi.models import User
from tests.factories import UserFactory

from .pages import PAGES_BY_ROLE, axe_findings, branch_records, url_of, words_broken_inside_table_cells

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records(ayu, jakarta_dic, catalogue):
    return branch_records(jakarta_dic.branch, jakarta_dic, ayu)


def _user(role, jakarta, people):
    by_role = {"coordinator": "ayu", "outreach_worker": "putri", "secretariat": "sari", "admin": "dewi"}
    if role in by_role:
        return people[by_role[role]]
    if role == "data_protection":
        return UserFactory(username="pdp", role=User.Role.DATA_PROTECTION)
    return UserFactory(username="krisis", role=User.Role.CRISIS_RESPONSE)


@pytest.mark.parametrize("role", list(PAGES_BY_ROLE))
def test_no_serious_or_critical_axe_finding_on_any_page_of_a_role(
    live_server, phone, phone_of, people, jakarta, records, role
):
    phone_of(_user(role, jakarta, people))
    findings = {}
    for name, kind in PAGES_BY_ROLE[role]:
        response = phone.goto(live_server.url + url_of(name, kind, records))
        assert response.ok, f"{name}: {response.status}"
        found = axe_findings(phone)
        broken = words_broken_inside_table_cells(phone)  # no table on any page breaks a word
        if found or broken:
            findings[name] = found + [{"broken words": broken}] if broken else found
    assert findings == {}


def test_no_serious_or_critical_axe_finding_on_a_page_showing_a_message(live_server, phone, phone_of, ayu, records):
    phone_of(ayu)
    phone.goto(live_server.url + url_of("referral_outcome", "referral", records))
    phone.locator("#id_outcome").select_option("reached")
    phone.locator("form.stack button[type=submit]").click()
    phone.wait_for_selector(".msg")
    assert axe_findings(phone) == []
