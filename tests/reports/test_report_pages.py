import io
import re
import subprocess

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from reports.definitions import BRIDGING_THE_GAPS
from tests.downloads import download

YEAR_QUERY = {"definition": "btg", "period_kind": "year", "year": "2025", "number": "1"}


def pdf_text(content, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_secretariat_sees_the_national_report_page(client_of, sari, report_data):
    response = client_of(sari).get(reverse("report_page"), {**YEAR_QUERY, "scope": "national:"})
    assert response.status_code == 200
    assert response.context["report"].figure("members").value == 4


@pytest.mark.parametrize("lang,words", [("id", ["Ringkasan", "Anggota biasa"]), ("en", ["Summary", "Regular member"])])
def test_pdf_carries_the_numbers_in_both_languages(client_of, sari, report_data, tmp_path, lang, words):
    response = download(
        client_of(sari), reverse("report_download", args=["pdf"]), {**YEAR_QUERY, "scope": "national:", "lang": lang}
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for word in words:
        assert word in text
    assert "Bridging the Gaps" in text
    assert re.search(r"\b1\s*/\s*\d", text)  # page numbers
    lines = [
        line for line in text.splitlines() if line.strip().startswith(("Members at the end", "Anggota pada akhir"))
    ]
    assert lines and lines[0].split()[-3:] == ["4", "3", "+1"]


@pytest.mark.parametrize(
    "lang,label,note",
    [
        ("en", "Members at the end", "randomly rounded to a multiple of 5"),
        ("id", "Anggota pada akhir", "dibulatkan secara acak ke kelipatan 5"),
    ],
)
def test_pdf_for_use_outside_shows_rounded_figures_and_says_how(
    client_of, sari, report_data, tmp_path, lang, label, note
):
    """4 members at the end of 2025, 3 a year before: shown as 0 or 5 each, the same in both languages."""
    query = {**YEAR_QUERY, "scope": "national:", "suppress": "on"}
    text = pdf_text(
        download(client_of(sari), reverse("report_download", args=["pdf"]), {**query, "lang": lang}).content, tmp_path
    )
    report = client_of(sari).get(reverse("report_page"), query).context["report"]
    members = report.figure("members")
    assert members.value in (0, 5) and members.previous in (0, 5)
    change = f"+{members.change}" if members.change > 0 else str(members.change)
    figures = [line for line in text.splitlines() if line.strip().startswith(label)]
    assert figures[0].split()[-3:] == [str(members.value), str(members.previous), change]
    flat = " ".join(text.split())
    assert note in flat
    assert "<5" not in flat and "cannot be worked out" not in flat and "tidak bisa dihitung" not in flat


def test_excel_has_one_sheet_per_outcome_and_the_same_numbers(client_of, sari, report_data):
    response = download(
        client_of(sari), reverse("report_download", args=["xlsx"]), {**YEAR_QUERY, "scope": "national:"}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 1 + len(BRIDGING_THE_GAPS.sections) + 1  # summary, outcomes, by sex and age
    summary = [row for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]]
    assert any(row[1] == 4 and row[2] == 3 for row in summary)


def test_every_download_leaves_an_audit_entry(client_of, sari, report_data):
    download(client_of(sari), reverse("report_download", args=["csv"]), {**YEAR_QUERY, "scope": "national:"})
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, actor=sari)
    assert entry.additional_data["what"] == "report csv"
    assert entry.additional_data["scope"] in ("National", "Nasional")


def test_coordinator_cannot_get_another_branch_report_by_changing_the_url(client_of, ayu, report_data):
    bali = report_data["bali"]
    client = client_of(ayu)
    for fmt in ["pdf", "xlsx", "csv"]:
        response = download(
            client, reverse("report_download", args=[fmt]), {**YEAR_QUERY, "scope": f"branch:{bali.pk}"}
        )
        assert response.status_code == 404
    response = download(client, reverse("report_download", args=["csv"]), {**YEAR_QUERY, "scope": "national:"})
    assert response.status_code == 404
    page = client.get(reverse("report_page"), {**YEAR_QUERY, "scope": f"branch:{bali.pk}"})
    assert page.context["report"] is None


def test_coordinator_report_on_own_branch_holds_no_other_branch_name(client_of, ayu, report_data):
    jakarta = report_data["jakarta"]
    response = download(
        client_of(ayu), reverse("report_download", args=["csv"]), {**YEAR_QUERY, "scope": f"branch:{jakarta.pk}"}
    )
    text = response.content.decode("utf-8-sig")
    assert "Jakarta" in text and "Bali" not in text
