"""The donor PDF ends on whole blocks: no page holds a stray tail of a few lines (the notes on
method ran three lines onto a page of their own) and no table title stands alone at a page's
foot, away from its table. The fixture's report of 2025 took 10 pages, its notes on method split
over the last two; it now takes 8."""

import re
import subprocess

import pytest
from django.urls import reverse
from tests.downloads import download

QUERY = {"definition": "btg", "period_kind": "year", "year": "2025", "number": "1", "scope": "national:"}
FEWEST_LINES = 12  # after the cover (a title page of some ten lines); a stray tail held three to nine
FOOTER = re.compile(r"^\s*(\d+\s*/\s*\d+)\s*$")


def pages_of(content, tmp_path):
    """Each page's lines of text, the page number in the footer left out."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    pages = []
    for number in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append([line.strip() for line in text.splitlines() if line.strip() and not FOOTER.match(line)])
    return pages


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_page_of_the_pdf_is_a_stray_tail_and_no_table_title_ends_a_page(
    client_of, sari, report_data, tmp_path, lang
):
    client = client_of(sari)
    client.cookies["django_language"] = lang
    content = download(client, reverse("report_download", args=["pdf"]), {**QUERY, "lang": lang}).content
    report = client.get(reverse("report_page"), {**QUERY, "lang": lang}).context["report"]
    titles = {table.title for section in report.sections for table in section.tables}
    titles |= {section.title for section in report.sections}
    assert titles

    pages = pages_of(content, tmp_path)

    assert len(pages) > 1
    short = {number: lines for number, lines in enumerate(pages[1:], 2) if len(lines) < FEWEST_LINES}
    assert not short, f"pages with fewer than {FEWEST_LINES} lines: {short}"
    ending_on_a_title = {number: lines[-1] for number, lines in enumerate(pages, 1) if lines[-1] in titles}
    assert not ending_on_a_title, f"a page ends on a title: {ending_on_a_title}"
    heading = "Notes on method" if lang == "en" else "Catatan metode"
    assert heading in pages[-1], "the notes on method are kept together on the last page"
