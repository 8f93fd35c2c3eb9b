"""No hidden cell of a built report can be worked out, and every file carries the same marks."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from outreach.models import OutsideParticipants, Training
from reports import periods
from reports.building import build_report
from reports.definitions import DEFINITIONS
from reports.scopes import Scope
from tests.incidents.conftest import make_incident
from tests.reports.attack import MARKS, leaks
from tests.reports.test_report_pages import pdf_text

D = datetime.date


@pytest.fixture
def outside_trainings(jakarta, bali):
    """2025: police in Jakarta (1 training: 3 women, 10 men); health workers in Bali
    (2 trainings: 8 women, 2 waria, 9 men); partner organisations nationally (5 women)."""
    police = Training.objects.create(
        title="Polisi",
        topic="human_rights",
        audience="police",
        branch=jakarta,
        starts_on=D(2025, 3, 1),
        ends_on=D(2025, 3, 1),
    )
    OutsideParticipants.objects.create(training=police, gender="woman", count=3)
    OutsideParticipants.objects.create(training=police, gender="man", count=10)
    for day, counts in [(1, {"woman": 4, "man": 9, "waria": 2}), (2, {"woman": 4})]:
        health = Training.objects.create(
            title="Nakes",
            topic="hiv_sti",
            audience="health_workers",
            branch=bali,
            starts_on=D(2025, 5, day),
            ends_on=D(2025, 5, day),
        )
        for gender, n in counts.items():
            OutsideParticipants.objects.create(training=health, gender=gender, count=n)
    partners = Training.objects.create(
        title="Mitra",
        topic="organising",
        audience="partners",
        branch=None,
        starts_on=D(2025, 8, 1),
        ends_on=D(2025, 8, 1),
    )
    OutsideParticipants.objects.create(training=partners, gender="woman", count=5)
    return {"jakarta": jakarta, "bali": bali}


@pytest.fixture
def everything(report_data, outside_trainings, jakarta, bali):
    for _ in range(2):
        make_incident(jakarta, kinds=("violence",))
    for _ in range(6):
        make_incident(bali, perpetrator="client", kinds=("extortion",))
    return report_data


@pytest.mark.parametrize("key", sorted(DEFINITIONS))
def test_no_hidden_cell_of_any_report_can_be_worked_out(everything, sari, key):
    scopes = [
        Scope("national"),
        Scope("region", everything["jakarta"].region),
        Scope("branch", str(everything["jakarta"].pk)),
        Scope("branch", str(everything["bali"].pk)),
    ]
    for scope in scopes:
        for period in (periods.year(2025), periods.quarter(2025, 1)):
            report = build_report(DEFINITIONS[key], period, scope, sari, suppress_small=True)
            assert leaks(report) == [], (scope, period)
    # Unsuppressed, the incident tables still hide what they must.
    assert leaks(build_report(DEFINITIONS[key], periods.year(2025), Scope("national"), sari)) == []


def test_outside_trainings_hide_the_police_women_without_using_the_number_of_trainings(everything, sari):
    report = build_report(DEFINITIONS["btg"], periods.year(2025), Scope("national"), sari, suppress_small=True)
    table = report.table("outside_trainings")
    police = next(row for row in table.rows if row[0] in ("Police", "Polisi"))
    woman = table.columns.index(next(c for c in table.columns if c in ("Woman", "Perempuan")))
    assert police[woman] == "<5"
    assert police[-1] != 13 or any(v == "x" for v in police[2:-1])


def _cells_from_csv(content):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [(r[1], r[2], r[3], r[4]) for r in rows[1:] if r[0] != "summary"]


def test_pdf_excel_and_csv_carry_the_same_numbers_and_marks(client_of, everything, sari, tmp_path):
    query = {
        "definition": "btg",
        "period_kind": "year",
        "year": "2025",
        "number": "1",
        "scope": "national:",
        "suppress": "on",
        "lang": "en",
    }
    client = client_of(sari)
    report = client.get(reverse("report_page"), query).context["report"]
    expected = [
        (t.key, str(row[0]), str(col), str(v))
        for s in report.sections
        for t in s.tables
        for row in t.rows
        for col, v in zip(t.columns[1:], row[1:])
    ]
    assert any(v in MARKS for *_k, v in expected)

    csv_cells = _cells_from_csv(client.get(reverse("report_download", args=["csv"]), query).content)
    # Labels follow the file's language; the cells, in order, are the same.
    assert [(t, v) for t, _r, _c, v in csv_cells] == [(t, v if v != "–" else "") for t, _r, _c, v in expected]

    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("report_download", args=["xlsx"]), query).content))
    sheet_values = [
        str(v)
        for sheet in book.worksheets[1:]
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    shown = [v for *_k, v in expected if v in MARKS]
    assert sorted(v for v in sheet_values if v in MARKS) == sorted(shown)

    text = pdf_text(client.get(reverse("report_download", args=["pdf"]), query).content, tmp_path)
    marks_in_pdf = [word for line in text.splitlines() for word in line.split() if word in MARKS]
    figures = [str(v) for f in report.key_figures for v in (f.value, f.previous) if str(v) in MARKS]
    assert len(marks_in_pdf) >= len(shown) + len(figures)
    assert "marked x" in text
