"""Reports for use outside OPSI round every count to 5, and every file carries the same figures."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from outreach.models import OutsideParticipants, Training
from reports import periods
from reports.building import build_report
from reports.definitions import DEFINITIONS
from reports.scopes import Scope
from tests.incidents.conftest import make_incident
from tests.reports.test_report_pages import pdf_text
from tests.downloads import download

D = datetime.date
# Recorded a day after: counted for the secretariat (by the end of the month after the period).
RECORDED = timezone.make_aware(datetime.datetime(2025, 5, 2, 9))


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
        make_incident(jakarta, kinds=("violence",), reported_at=RECORDED)
    for _ in range(6):
        make_incident(bali, perpetrator="client", kinds=("extortion",), reported_at=RECORDED)
    return report_data


def _counts(report):
    return {
        (t.key, r, c): v
        for s in report.sections
        for t in s.tables
        for r, row in enumerate(t.rows)
        for c, v in enumerate(row)
        if c and isinstance(v, int)
    }


@pytest.mark.parametrize("key", sorted(DEFINITIONS))
def test_every_count_of_a_report_for_use_outside_is_rounded_to_5_and_no_cell_is_marked(everything, sari, key):
    scopes = [
        Scope("national"),
        Scope("region", everything["jakarta"].region),
        Scope("branch", str(everything["jakarta"].pk)),
        Scope("branch", str(everything["bali"].pk)),
    ]
    for scope in scopes:
        for period in (periods.year(2025), periods.quarter(2025, 1)):
            inside = build_report(DEFINITIONS[key], period, scope, sari)
            outside = build_report(DEFINITIONS[key], period, scope, sari, external=True)
            true, shown = _counts(inside), _counts(outside)
            assert shown.keys() == true.keys(), (scope, period)
            sensitive = {t.key for s in inside.sections for t in s.tables if t.sensitive}
            for cell, value in shown.items():
                assert value % 5 == 0 and value >= 0, (scope, period, cell)
                if cell[0] in sensitive:
                    assert value == true[cell]  # rounded inside too, the same way
                else:
                    assert abs(value - true[cell]) <= 4 and (value == 0) <= (true[cell] <= 4)
                    assert true[cell] != 0 or value == 0  # a true 0 stays 0
            texts = [v for s in outside.sections for t in s.tables for row in t.rows for v in row[1:]]
            assert not {"<5", "x"} & {v for v in texts if isinstance(v, str)}
            for figure in outside.key_figures:
                if figure.key == "branches_active":  # counts branches, not people: as it is
                    assert not figure.rounded and figure.value == inside.figure(figure.key).value
                else:
                    assert figure.rounded and (not isinstance(figure.value, int) or figure.value % 5 == 0)


def test_outside_trainings_show_the_police_women_rounded_and_the_trainings_too(everything, sari):
    report = build_report(DEFINITIONS["btg"], periods.year(2025), Scope("national"), sari, external=True)
    table = report.table("outside_trainings")
    police = next(row for row in table.rows if row[0] in ("Police", "Polisi"))
    woman = table.columns.index(next(c for c in table.columns if c in ("Woman", "Perempuan")))
    assert police[1] in (0, 5)  # 1 training
    assert police[woman] in (0, 5)  # 3 women
    assert police[-1] in (10, 15)  # 13 in all, rounded on its own


def _cells_from_csv(content):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [(r[1], r[2], r[3], r[4]) for r in rows[1:] if r[0] not in ("summary", "notes") and r[1] != "note"]


def _figures_from_csv(content):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [r[4] for r in rows[1:] if r[0] == "summary"]


def test_the_page_pdf_excel_and_csv_carry_the_same_rounded_figures(client_of, everything, sari, tmp_path):
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
    page = client.get(reverse("report_page"), query)
    report = page.context["report"]
    expected = [
        (t.key, str(row[0]), str(col), str(v))
        for s in report.sections
        for t in s.tables
        for row in t.rows
        for col, v in zip(t.columns[1:], row[1:])
    ]
    counts = [int(v) for *_k, v in expected if v.isdigit()]
    assert counts and all(n % 5 == 0 for n in counts)
    # The chart under a table draws every row the table shows, with the same figures.
    for key, chart in page.context["charts"].items():
        table = report.table(key)
        rows = table.rows[:-1] if table.total_row else table.rows
        assert [bar.value for bar in chart["bars"]] == [row[-1] for row in rows]

    csv_content = download(client, reverse("report_download", args=["csv"]), query).content
    csv_cells = _cells_from_csv(csv_content)
    # Labels follow the file's language; the cells, in order, are the same.
    assert [(t, v) for t, _r, _c, v in csv_cells] == [(t, v if v != "–" else "") for t, _r, _c, v in expected]
    figures = [str(v) if v is not None else "" for f in report.key_figures for v in (f.value, f.previous, f.change)]
    assert _figures_from_csv(csv_content) == [v if v != "–" else "" for v in figures]
    notes = [r for r in csv.reader(io.StringIO(csv_content.decode("utf-8-sig"))) if r[0] == "notes"]
    assert any("randomly rounded to a multiple of 5" in r[2] for r in notes) and all(r[4] == "" for r in notes)

    book = openpyxl.load_workbook(
        io.BytesIO(download(client, reverse("report_download", args=["xlsx"]), query).content)
    )
    sheet_counts = [
        cell.value
        for sheet in book.worksheets[1:]
        for row in sheet.iter_rows()
        for cell in row[1:]
        # A share of 0% is the number 0 shown as a percentage: not a count.
        if isinstance(cell.value, int) and not cell.number_format.endswith("%")
    ]
    assert sheet_counts == counts

    text = pdf_text(download(client, reverse("report_download", args=["pdf"]), query).content, tmp_path)
    with translation.override("en"):
        labels = {f.key: str(f.label) for f in DEFINITIONS["btg"].key_figures}
    for figure in report.key_figures:
        if figure.key in ("members", "incidents", "visits"):
            line = next(line for line in text.splitlines() if line.strip().startswith(labels[figure.key]))
            change = "–" if figure.change is None else f"+{figure.change}" if figure.change > 0 else str(figure.change)
            assert line.split()[-3:] == [str(figure.value), str(figure.previous), change]
    assert "randomly rounded to a multiple of 5" in text
    assert "cannot be worked out" not in text and "<5" not in text


def test_the_previous_period_column_shows_what_the_previous_report_shows(everything, sari):
    make_incident(everything["jakarta"], on=datetime.date(2025, 2, 3), reported_at=RECORDED)
    for scope in (Scope("national"), Scope("region", everything["jakarta"].region)):
        first = build_report(DEFINITIONS["btg"], periods.quarter(2025, 1), scope, sari, external=True)
        second = build_report(DEFINITIONS["btg"], periods.quarter(2025, 2), scope, sari, external=True)
        assert [f.previous for f in second.key_figures] == [f.value for f in first.key_figures]
        # Incident figures reach the secretariat for a whole year of the country only.
        inside = build_report(DEFINITIONS["btg"], periods.quarter(2025, 2), scope, sari)
        assert not [f for f in inside.key_figures + first.key_figures if f.sensitive]
