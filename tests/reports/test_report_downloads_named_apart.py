"""The report form opens on the quarter under way, and every download has a name of its own."""

import datetime

import pytest
from django.urls import reverse

from reports.forms import ReportForm
from tests.downloads import download

QUERY = {"definition": "btg", "period_kind": "year", "year": "2025", "number": "1"}


@pytest.mark.parametrize("today,quarter", [(datetime.date(2026, 12, 7), 4), (datetime.date(2026, 2, 1), 1)])
def test_the_form_opens_on_the_quarter_under_way(sari, monkeypatch, today, quarter):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
    form = ReportForm(user=sari)
    assert form["year"].value() == today.year
    assert form["number"].value() == quarter


def _name(client, scope, lang, file_format="csv", **extra):
    response = download(
        client, reverse("report_download", args=[file_format]), {**QUERY, "scope": scope, "lang": lang, **extra}
    )
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    return disposition.split("filename=", 1)[1].strip('"')


def test_each_scope_language_and_use_gets_its_own_file_name(client_of, sari, report_data):
    client = client_of(sari)
    jakarta = report_data["jakarta"]
    names = {
        _name(client, "national:", "id"),
        _name(client, "national:", "en"),
        _name(client, f"branch:{jakarta.pk}", "id"),
        _name(client, "region:west", "id"),
        _name(client, "national:", "id", suppress="on"),
    }
    assert len(names) == 5
    assert "btg-national-20250101-20251231-id.csv" in names
    assert "btg-jakarta-20250101-20251231-id.csv" in names
    assert "btg-national-20250101-20251231-id-outside.csv" in names
