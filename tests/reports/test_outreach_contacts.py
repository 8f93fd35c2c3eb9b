"""Outreach contacts are tallies of meetings, not people: the report says so beside "People reached
by code", in both languages, on the page, in the PDF, the Excel file and the CSV."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation

from outreach.models import OutreachContact, OutreachSession
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from tests.downloads import download

D = datetime.date
QUERY = {"definition": "btg", "period_kind": "year", "year": "2025", "number": "1", "scope": "national:"}
LABELS = {
    "en": [
        "Outreach sessions",
        "Contacts without a code, first meeting (a tally, not people)",
        "Contacts without a code, met before (a tally, not people)",
        "Contacts with a code (a tally, not people)",
        "People reached by code",
    ],
    "id": [
        "Kegiatan penjangkauan",
        "Kontak tanpa kode, pertemuan pertama (hitungan pertemuan, bukan orang)",
        "Kontak tanpa kode, pernah bertemu (hitungan pertemuan, bukan orang)",
        "Kontak dengan kode (hitungan pertemuan, bukan orang)",
        "Orang yang dijangkau menurut kode",
    ],
}
NOTE = {"en": "Contacts are meetings, not people.", "id": "Kontak adalah pertemuan, bukan orang."}


@pytest.fixture
def sessions(jakarta):
    """Two sessions in 2025 at which the peer educator tallied 4 first meetings and 2 met before,
    then 0 and 3; the same person (DEAG3010195) met with her code at both: 2 contacts, 1 person."""
    for day, new, repeat in [(D(2025, 3, 1), 4, 2), (D(2025, 3, 8), 0, 3)]:
        session = OutreachSession.objects.create(
            branch=jakarta, held_on=day, place_kind="hotspot", new_contacts=new, repeat_contacts=repeat
        )
        OutreachContact.objects.create(session=session, uic="DEAG3010195")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_contacts_are_labelled_as_tallies_beside_the_people_counted(sessions, sari, lang):
    with translation.override(lang):
        table = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari).table("outreach")
    assert [row[:2] for row in table.rows[:5]] == [[label, n] for label, n in zip(LABELS[lang], [2, 4, 5, 2, 1])]
    assert table.note.startswith(NOTE[lang])


@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_file_carries_the_note(sessions, client_of, sari, tmp_path, lang):
    from tests.reports.test_report_pages import pdf_text

    client = client_of(sari)
    rows = list(
        csv.reader(
            io.StringIO(
                download(client, reverse("report_download", args=["csv"]), {**QUERY, "lang": lang}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert any(r[1] == "note" and NOTE[lang] in r[2] for r in rows)
    assert [r[2] for r in rows if r[1] == "outreach"][:5] == LABELS[lang]
    text = " ".join(
        pdf_text(
            download(client, reverse("report_download", args=["pdf"]), {**QUERY, "lang": lang}).content, tmp_path
        ).split()
    )
    assert NOTE[lang] in text and LABELS[lang][1] in text
    import openpyxl

    book = openpyxl.load_workbook(
        io.BytesIO(download(client, reverse("report_download", args=["xlsx"]), {**QUERY, "lang": lang}).content)
    )
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any(c.startswith(NOTE[lang]) for c in cells) and LABELS[lang][3] in cells
