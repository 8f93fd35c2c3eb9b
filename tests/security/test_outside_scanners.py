"""What the outside scanners (scripts/scan.sh: wapiti, sqlmap) found, kept as tests."""

import pytest
from django.test import Client
from django.urls import reverse

SQLMAP_NEXT = "(SELECT (CASE WHEN (4208=3414) THEN (CHR(47)) ELSE (SELECT 3414 UNION SELECT 4068) END))"


@pytest.mark.parametrize("next_url", [SQLMAP_NEXT, "laporan"])
def test_a_language_switch_with_a_next_that_is_no_page_goes_home_instead_of_failing(db, next_url):
    # sqlmap's payloads in the language form's "next" gave a 500 (Django read them as view names).
    client = Client(raise_request_exception=False)
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"


def test_a_language_switch_still_returns_to_the_page_it_was_made_on(db):
    response = Client().post(reverse("set_language"), {"language": "en", "next": "/members/?q=a"})
    assert response["Location"] == "/members/?q=a"
