"""A report heading such as "JKN-KIS" stays whole on a phone's page and in the PDF, while the
data files keep the plain hyphen that a search for it types."""

import pytest
from django.urls import reverse

from reports.templatetags.report_text import unbroken
from tests.downloads import download

QUERY = {"definition": "btg", "period_kind": "year", "year": "2025", "number": "1", "scope": "national:"}
NB = "\u2011"


def test_a_hyphen_between_letters_is_kept_from_breaking():
    assert unbroken("Kartu BPJS Kesehatan / JKN-KIS") == f"Kartu BPJS Kesehatan / JKN{NB}KIS"
    assert unbroken("1 - 4") == "1 - 4"  # a dash between words is left to break


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_page_keeps_jkn_kis_whole_and_the_csv_keeps_its_hyphen(client_of, sari, report_data, lang):
    client = client_of(sari)
    client.cookies["django_language"] = lang
    page = client.get(reverse("report_page"), {**QUERY, "lang": lang}).content.decode()
    assert f"JKN{NB}KIS" in page and "JKN-KIS" not in page
    csv = download(client, reverse("report_download", args=["csv"]), {**QUERY, "lang": lang}).content.decode(
        "utf-8-sig"
    )
    assert "JKN-KIS" in csv and NB not in csv
