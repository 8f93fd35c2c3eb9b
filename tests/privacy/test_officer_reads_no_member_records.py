"""The data protection officer sees requests and breaches of every branch, and nothing of the
members' records: every page of the project, with Bali's records in place, holds none of them."""

import pytest
from django.urls import reverse

from tests.test_url_policy import MARKER, POLICY, _url, bali_objects  # noqa: F401  (a fixture)

# What Bali's records hold (the centre's name, a place and no person's, may be shown).
RECORDS = [f"Kamboja {MARKER}", f"HIV {MARKER}", f"account {MARKER}", f"Training {MARKER}", f"Area {MARKER}"]


@pytest.mark.parametrize("name", sorted(n for n, p in POLICY.items() if p[0]))
def test_no_page_shows_the_officer_a_members_record(client_of, dora, bali_objects, name):  # noqa: F811
    response = client_of(dora).get(_url(name, bali_objects))
    assert response.status_code in (200, 302, 403, 404, 405)
    body = response.content.decode("utf-8", errors="replace")
    assert [record for record in RECORDS if record in body] == []


def test_the_officer_lists_no_member(client_of, dora, bali_objects):  # noqa: F811
    page = client_of(dora).get(reverse("member_list")).content.decode()
    assert bali_objects["member"].uic not in page


def test_the_officer_reads_the_request_without_the_member(client_of, dora, bali_objects):  # noqa: F811
    page = client_of(dora).get(reverse("request_detail", args=[bali_objects["request"].pk])).content.decode()
    assert bali_objects["member"].uic not in page and f"Kamboja {MARKER}" not in page


@pytest.mark.parametrize(
    "name", ["branch_detail", "drop_in_centre_detail", "drop_in_centre_edit", "drop_in_centre_create"]
)
def test_the_officer_has_no_branch_page(client_of, dora, jakarta_dic, name):
    obj = jakarta_dic if name.startswith("drop_in_centre_") and name != "drop_in_centre_create" else jakarta_dic.branch
    assert client_of(dora).get(reverse(name, args=[obj.pk])).status_code in (403, 404)
