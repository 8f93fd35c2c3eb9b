"""The breakdowns by sex and age as a reader gets them: on the page, in the PDF (read back with
pdftotext), the Excel and the CSV, in both languages; and, for use outside OPSI, rounded so that
each row adds up to its figure as shown."""

import copy
import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS, UNAIDS_GAM
from reports.exporters import CsvExport, PdfExport, XlsxExport
from reports.scopes import Scope
from tests.reports.report_set import pdf_text
from tests.reports.test_breakdowns import YEAR, breakdown_people, breakdowns, report  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("breakdown_people")

QUERY = {"definition": "btg", "period_kind": "year", "year": "2025", "number": "1", "scope": "national:"}


def file_of(export, user, lang):
    """The national report of 2025 as ``export`` writes it in ``lang`` (the download's writer)."""
    with translation.override(lang):
        return export().write(build_report(BRIDGING_THE_GAPS, YEAR, Scope("national"), user))


def rows_of(text, label):
    """The numbers of the PDF's rows labelled ``label`` (pdftotext -layout keeps a row on a line)."""
    found = []
    for line in (raw.strip() for raw in text.splitlines()):
        rest = line[len(label) :].split() if line.startswith(label) else []
        if rest and all(word.isdigit() for word in rest):
            found.append(rest)
    return found


@pytest.mark.parametrize(
    ("lang", "headings", "documents", "members", "age_note"),
    [
        (
            "en",
            ["By sex and age", "Key-population indicators by sex", "Key-population indicators by age"],
            "KTP issued",
            "Members",
            "Age: reached in the year the period ends, from a member's birth year",
        ),
        (
            "id",
            [
                "Menurut jenis kelamin dan umur",
                "Indikator populasi kunci menurut jenis kelamin",
                "Indikator populasi kunci menurut umur",
            ],
            "KTP terbit",
            "Anggota",
            "Umur: yang dicapai pada tahun periode berakhir, dari tahun lahir anggota",
        ),
    ],
)
def test_the_pdf_shows_a_row_per_indicator_by_sex_and_by_age(sari, lang, headings, documents, members, age_note):
    text = pdf_text(file_of(PdfExport, sari, lang))
    for heading in headings:
        assert heading in text
    # By sex: female, male, waria / transgender, other, unknown, total; by age: under 25, 25 and
    # over, unknown, total. Members are by age only.
    assert rows_of(text, documents) == [["2", "0", "0", "0", "0", "2"], ["1", "1", "0", "2"]]
    assert rows_of(text, members) == [["2", "4", "1", "7"]]
    if lang == "en":
        assert rows_of(text, "People who visited (by code)") == [["3", "1", "2", "0", "3", "9"], ["2", "5", "2", "9"]]
    assert age_note in " ".join(text.split())


def test_the_spreadsheet_and_the_csv_carry_the_same_cells(sari):
    rows = list(csv.reader(io.StringIO(file_of(CsvExport, sari, "en").decode("utf-8-sig"))))
    cells = {(r[1], r[2], r[3]): r[4] for r in rows if r[0] == "breakdowns"}
    assert cells[("breakdown_by_sex", "People who visited (by code)", "Waria / transgender")] == "2"
    assert cells[("breakdown_by_sex", "People reached by code at outreach", "Other")] == "1"
    assert cells[("breakdown_by_age", "Members", "Unknown")] == "1"
    assert cells[("breakdown_by_age", "KTP issued", "Under 25")] == "1"
    assert ("breakdown_by_sex", "Members", "Female") not in cells

    book = openpyxl.load_workbook(io.BytesIO(file_of(XlsxExport, sari, "en")))
    sheet = book["By sex and age"]
    values = [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["People who visited (by code)", 3, 1, 2, 0, 3, 9] in values
    assert ["Members", 2, 4, 1, 7] in values


def test_the_page_shows_the_section(client_of, sari):
    page = client_of(sari).get(reverse("report_page"), QUERY).content.decode()
    assert "Menurut jenis kelamin dan umur" in page  # the user's language: Indonesian
    assert page.count('<table class="report">') >= 2


@pytest.mark.parametrize("definition", [BRIDGING_THE_GAPS, UNAIDS_GAM], ids=["btg", "gam"])
@pytest.mark.parametrize("scope", ["national", "jakarta"])
def test_rounded_for_outside_each_row_adds_up_to_its_figure_as_shown(sari, jakarta, definition, scope):
    scope = Scope("national") if scope == "national" else Scope("branch", str(jakarta.pk))
    true = breakdowns(report(sari, definition, scope=scope))
    outside = report(sari, definition, scope=scope, external=True)
    figures = {f.key: f.value for f in outside.key_figures}
    linked = {name: t.rows[r][c] for s in outside.sections for t in s.tables for name, (r, c) in t.links.items()}
    rounded = breakdowns(outside)
    for by, rows in copy.deepcopy(rounded).items():
        for key, cells in rows.items():
            assert outside.table(f"breakdown_by_{by}").rounded
            total = cells.pop("total")
            assert sum(cells.values()) == total, (by, key, cells)
            shown = figures[key] if key in figures else linked[key]  # a key figure, or a table's cell
            assert total == shown, (by, key)
            for column, value in cells.items():
                assert value % 5 == 0 and abs(value - true[by][key][column]) <= 4, (by, key, column)
                assert true[by][key][column] != 0 or value == 0, "a true 0 is shown as 0"
    # The same report again, or in the other language, shows the same figures.
    assert breakdowns(report(sari, definition, scope=scope, external=True)) == rounded
