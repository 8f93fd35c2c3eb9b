"""A report of a period not yet over says so: "provisional, data to <date>" on the page, in the
PDF, the Excel file and the CSV, in both languages; members are counted on that day."""

import csv
import datetime
import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from members.registration import member_leaves
from reports import kept, periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from tests.factories import MemberFactory
from tests.reports.test_report_pages import pdf_text
from tests.downloads import download

D = datetime.date
TODAY = D(2026, 12, 7)
OPEN = {"definition": "btg", "period_kind": "year", "year": "2026", "number": "1", "scope": "national:"}
CLOSED = {**OPEN, "year": "2025"}
MARK = {"en": "provisional, data to 7 December 2026", "id": "sementara, data sampai 7 Desember 2026"}


@pytest.fixture
def on_7_december(monkeypatch, jakarta):
    """Today is 7 December 2026. Mawar and Lili joined in 2024; Lili's leaving is recorded ahead,
    for 20 December 2026: on 7 December she is still a member."""
    monkeypatch.setattr(kept, "today", lambda: TODAY)
    MemberFactory(branch=jakarta, alias="Mawar", gender="woman", joined_on=D(2024, 2, 1))
    lili = MemberFactory(branch=jakarta, alias="Lili", gender="woman", joined_on=D(2024, 2, 1))
    member_leaves(lili, D(2026, 12, 20))


def report_of(user, period):
    return build_report(BRIDGING_THE_GAPS, period, Scope("national"), user)


def test_the_open_year_counts_members_on_the_day_and_says_so(on_7_december, sari):
    with translation.override("en"):
        report = report_of(sari, periods.year(2026))
        members = report.figure("members")
        assert members.label.startswith("Members on 7 December 2026")
        assert members.value == 2  # Lili leaves on 20 December, not yet gone on 7 December
        assert members.previous == 2  # on 31 December 2025
        assert report.table("members_by_kind_gender").title == "Members by kind and gender on 7 December 2026"
        assert report.figure("ktp_and_bpjs").label.startswith("Members holding both KTP and BPJS on 7 December")
        assert report.period_label == f"2026 ({MARK['en']})"
    with translation.override("id"):
        assert report_of(sari, periods.year(2026)).period_label == f"2026 ({MARK['id']})"


def test_a_closed_year_is_not_marked(on_7_december, sari):
    with translation.override("en"):
        report = report_of(sari, periods.year(2025))
        assert report.data_to is None and report.period_label == "2025"
        assert report.figure("members").label == "Members at the end of the period"
        assert report.provisional_note == ""


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_page_marks_the_open_year(on_7_december, client_of, sari, lang):
    sari.language = lang  # the page follows the user's own language
    sari.save(update_fields=["language"])
    client = client_of(sari)
    page = client.get(reverse("report_page"), OPEN).content.decode()
    closed = client.get(reverse("report_page"), CLOSED).content.decode()
    assert MARK[lang] in page
    assert MARK[lang] not in closed and MARK[lang].split(",")[0] not in closed


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_pdf_marks_the_open_year(on_7_december, client_of, sari, tmp_path, lang):
    response = download(client_of(sari), reverse("report_download", args=["pdf"]), {**OPEN, "lang": lang})
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert MARK[lang] in text
    assert ("Members on 7 December 2026" if lang == "en" else "Anggota pada 7 Desember 2026") in text
    closed = download(client_of(sari), reverse("report_download", args=["pdf"]), {**CLOSED, "lang": lang})
    assert MARK[lang].split(",")[0] not in " ".join(pdf_text(closed.content, tmp_path).split())


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_excel_file_marks_the_open_year(on_7_december, client_of, sari, lang):
    response = download(client_of(sari), reverse("report_download", args=["xlsx"]), {**OPEN, "lang": lang})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert f"2026 ({MARK[lang]})" in cells  # the period and the key figures' column
    assert any(c.startswith(("Provisional:", "Sementara:")) and "7" in c for c in cells)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_csv_marks_the_open_year(on_7_december, client_of, sari, lang):
    response = download(client_of(sari), reverse("report_download", args=["csv"]), {**OPEN, "lang": lang})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures = [r for r in rows if r[0] == "summary"]
    assert figures and all(r[3] in (f"2026 ({MARK[lang]})", "2025", "Difference", "Selisih") for r in figures)
    assert any(r[3] == f"2026 ({MARK[lang]})" for r in figures)
    notes = [r[2] for r in rows if r[0] == "notes"]
    assert notes[0].startswith(("Provisional:", "Sementara:")) and (
        "7 December 2026" in notes[0] or "7 Desember 2026" in notes[0]
    )
    closed = download(client_of(sari), reverse("report_download", args=["csv"]), {**CLOSED, "lang": lang})
    assert MARK[lang].split(",")[0] not in closed.content.decode("utf-8-sig")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_page_of_the_pdf_says_when_it_was_made_and_that_it_is_provisional(
    on_7_december, client_of, sari, tmp_path, lang
):
    response = download(client_of(sari), reverse("report_download", args=["pdf"]), {**OPEN, "lang": lang})
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) > 1
    generated = "Generated" if lang == "en" else "Dibuat"
    for number, page in enumerate(pages, start=1):
        footer = " ".join(page.strip().splitlines()[-1].split())
        assert generated in footer and MARK[lang].split(",")[0] in footer, (number, footer)
