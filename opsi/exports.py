"""Spreadsheet files (CSV and Excel) written so that a spreadsheet opens them as data, never as code.

Every CSV or Excel file the app hands out is written here: the member exports, the
report files and the admin's exports.

- Text that a spreadsheet would run as a formula (it starts with ``= + - @``, a tab
  or a carriage return) stays text: in CSV it gets a leading apostrophe (the OWASP
  rule), in Excel it is a string cell, which is never a formula. The first character
  is read as a spreadsheet might: after NFKC (full-width ``＝ ＋ － ＠`` and their small,
  superscript and subscript forms become ``= + - @``), after any invisible or blank
  characters in front (zero-width, no-break and other spaces, joiners, marks), and
  with look-alikes (the minus sign ``−``, heavy plus and minus, hyphens) taken for
  what they look like.
- Characters a file cannot hold (the control characters XML refuses, U+FFFE and
  U+FFFF, lone surrogates) become U+FFFD, so text stored before the forms refused
  them never makes an export fail or a file that will not open.
- Numbers, dates and booleans stay what they are: ``-3`` is a number, not text.
"""

import csv
import datetime
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Read as = + - after NFKC by no spreadsheet, but shown as one: a reader (or a spreadsheet's
# autocorrect) may take them for it. En and em dashes are punctuation in labels and stay.
LOOK_ALIKES = frozenset("\u2212\u2796\u2795\u02d6\ua78a\u2010\u2011\u2012\u2e40\u30a0\u1400")
# What may stand, unseen or blank, before the first character a spreadsheet reads: control
# and format characters (zero-width space, BOM, word joiner, direction marks, soft hyphen),
# spaces of every width, line and paragraph separators, combining marks with nothing to mark.
UNSEEN = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
NUMBERS = (int, float, Decimal)
WIDTH_MIN, WIDTH_MAX = 6, 60
BOLD = Font(bold=True)


class Percent(float):
    """A share (0.25) that a spreadsheet shows as a percentage (25%).

    ``text`` keeps how the page shows it, so a CSV says exactly what the page and the PDF say.
    """

    def __new__(cls, fraction, text=None):
        percent = super().__new__(cls, fraction)
        percent.text = text
        return percent

    def __str__(self):
        return self.text or f"{math.floor(self * 100 + 0.5)}%"


def writable_text(value):
    """The text of ``value`` with the characters a file cannot hold replaced by U+FFFD."""
    return UNWRITABLE.sub("\N{REPLACEMENT CHARACTER}", str(value))


def formula_like(text):
    """Whether a spreadsheet could read ``text`` as a formula (a plain number such as ``-3`` is not)."""
    first = text[:1]
    if first.isascii() and first.isprintable() and first not in " =+-@":
        return False  # most text: a letter, digit or harmless sign first
    if text.startswith(FORMULA_STARTS):
        return not PLAIN_NUMBER.fullmatch(text)
    seen = unicodedata.normalize("NFKC", text)
    for char in seen:
        if unicodedata.category(char) not in UNSEEN:
            return char in FORMULA_STARTS or char in LOOK_ALIKES
    return False


def csv_value(value):
    """A value as a CSV cell: text that would run as a formula gets a leading apostrophe."""
    if type(value) is not str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, Percent):
            return str(value)
        if isinstance(value, NUMBERS):
            return value
        if isinstance(value, (datetime.date, datetime.time)):
            return value.isoformat()
    text = writable_text(value)
    if formula_like(text):
        return "'" + text
    return text


def write_csv(rows):
    """UTF-8 bytes (with the mark Excel needs to read it as UTF-8) of rows of values."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


@dataclass
class Sheet:
    """One worksheet: rows of values; rows whose index is in ``bold`` are headings."""

    title: str
    rows: list = field(default_factory=list)
    bold: set = field(default_factory=set)

    def append(self, row, bold=False):
        if bold:
            self.bold.add(len(self.rows))
        self.rows.append(list(row))


def _shown(value):
    """The length of the longest line a spreadsheet shows for a value, to size the columns."""
    if type(value) is str:
        return max(map(len, value.splitlines())) if "\n" in value else len(value)
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 19
    if isinstance(value, datetime.date):
        return 10
    return len(str(value))


def _widths(rows):
    widths = {}
    for row in rows:
        for index, value in enumerate(row):
            length = _shown(value)
            if length > widths.get(index, 0):
                widths[index] = length
    return {index: min(max(w + 2, WIDTH_MIN), WIDTH_MAX) for index, w in widths.items()}


def _cell(sheet, value, bold):
    if isinstance(value, Percent):
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = "0%"
    elif value is None or isinstance(value, (bool, *NUMBERS, datetime.date, datetime.time)):
        if not bold:
            return value
        cell = WriteOnlyCell(sheet, value=value)
    else:
        text = writable_text(value)
        if not bold and not formula_like(text) and text not in ERROR_CODES:
            return text  # openpyxl writes it as a string cell by itself
        cell = WriteOnlyCell(sheet, value=text)
        # A string cell is never a formula (nor an error code such as "#N/A").
        cell.data_type = "s"
    if bold:
        cell.font = BOLD
    return cell


def _sheet_title(title, taken):
    title = re.sub(r"[\\/*?:\[\]]", "", writable_text(title)).strip("' ")[:31] or "Sheet"
    base, n = title, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def write_xlsx(sheets):
    """Bytes of an Excel workbook of the given sheets, columns sized to their contents."""
    book = Workbook(write_only=True)
    taken = set()
    for sheet in sheets:
        out = book.create_sheet(_sheet_title(sheet.title, taken))
        # Column widths must be set before the first row of a write-only sheet.
        for index, width in _widths(sheet.rows).items():
            out.column_dimensions[get_column_letter(index + 1)].width = width
        for number, row in enumerate(sheet.rows):
            bold = number in sheet.bold
            out.append([_cell(out, value, bold) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_dataset(dataset, file_format, title=""):
    """Bytes of a tablib Dataset (headers and rows) as ``csv`` or ``xlsx``."""
    rows = [list(dataset.headers or [])] + [list(row) for row in dataset]
    if file_format == "csv":
        return write_csv(rows)
    if file_format == "xlsx":
        return write_xlsx([Sheet(title or dataset.title or "Sheet", rows, bold={0})])
    raise ValueError(f"unknown spreadsheet format: {file_format}")


class CSV(base_formats.CSV):
    """django-import-export's CSV, written through ``write_csv`` (for the admin's exports)."""

    def export_data(self, dataset, **kwargs):
        # The admin encodes text formats itself; the mark keeps Excel reading UTF-8.
        return write_dataset(dataset, "csv").decode("utf-8")


class XLSX(base_formats.XLSX):
    """django-import-export's XLSX, written through ``write_xlsx`` (for the admin's exports)."""

    def export_data(self, dataset, **kwargs):
        return write_dataset(dataset, "xlsx")


#: The only formats the admin offers for exports: each writes through this module.
EXPORT_FORMATS = [CSV, XLSX]
