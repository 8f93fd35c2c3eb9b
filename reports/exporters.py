"""Report exports: one class per format, each writing the same report data.

Who may run them: anyone who may build the report for its scope (the form checks
the scope against the access rule); every file leaves an audit entry.
"""

import numbers
import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from opsi.exports import Percent, Sheet, write_csv, write_xlsx

from .charts import bars_for

STATIC_CSS = Path(settings.BASE_DIR) / "static" / "css" / "report-pdf.css"


EMPTY = ("–", "-", "")
PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s?%")


def _cell(value):
    """A report value as a spreadsheet value: shares as percentages, "–" as an empty cell.

    Text stays text (labels): ``opsi.exports`` makes sure it never runs as a formula.
    """
    if isinstance(value, str):
        if value.strip() in EMPTY:
            return None
        match = PERCENT.fullmatch(value.strip())
        if match:
            return Percent(float(match.group(1).replace(",", ".")) / 100, value.strip())
        return value
    if _is_share(value):
        return Percent(value.numerator / value.denominator, str(value)) if value.denominator else None
    return value


def _is_share(value):
    """A share kept with its two counts (an object with a numerator and a denominator, not a number)."""
    return not isinstance(value, numbers.Number) and hasattr(value, "numerator") and hasattr(value, "denominator")


def _figure_rows(report):
    yield [_("Indicator"), report.period_label, report.previous_period.label, _("Difference")]
    for figure in report.key_figures:
        yield [figure.label, _cell(figure.value), _cell(figure.previous), figure.change]


def _notes(report):
    """Whether the figures are provisional, what is not shown and why, then how the shown
    figures are protected."""
    return [*([report.provisional_note] if report.provisional_note else []), *report.notices, *report.method_notes]


class PdfExport:
    identifier = "pdf"
    content_type = "application/pdf"

    def write(self, report):
        from weasyprint import HTML

        html = render_to_string(
            "reports/report_pdf.html",
            {"report": report, "charts": _charts(report), "css": STATIC_CSS.read_text()},
        )
        # Nothing is fetched while rendering: styles are inline and charts are SVG.
        return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"report rendering fetches nothing: {url}")


class XlsxExport:
    identifier = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def write(self, report):
        summary = Sheet(_("Summary"))
        summary.append([report.definition.title], bold=True)
        summary.append([_("Period"), report.period_label])
        summary.append([_("Scope"), report.scope_label])
        summary.append([])
        figures = list(_figure_rows(report))
        summary.append(figures[0], bold=True)
        for row in figures[1:]:
            summary.append(row)
        for note in _notes(report):
            summary.append([note])
        sheets = [summary]
        for section in report.sections:
            sheet = Sheet(section.title)
            sheet.append([section.title], bold=True)
            if section.notice:
                sheet.append([section.notice])
            for table in section.tables:
                sheet.append([])
                sheet.append([table.title], bold=True)
                sheet.append(table.columns, bold=True)
                for row in table.rows:
                    sheet.append([row[0]] + [_cell(v) for v in row[1:]])
                if table.note:
                    sheet.append([table.note])
            sheets.append(sheet)
        return write_xlsx(sheets)


class CsvExport:
    identifier = "csv"
    content_type = "text/csv"

    def write(self, report):
        rows = [["section", "table", "row", "column", "value"]]
        header, *figures = _figure_rows(report)
        for row in figures:
            for column, value in zip(header[1:], row[1:]):
                rows.append(["summary", "key figures", row[0], column, value])
        for section in report.sections:
            for table in section.tables:
                for row in table.rows:
                    for column, value in zip(table.columns[1:], row[1:]):
                        rows.append([section.key, table.key, row[0], column, _cell(value)])
                if table.note:
                    rows.append([section.key, "note", f"{table.title}: {table.note}", "", ""])
            # Notes are text in the row column: the value column holds figures only.
            if section.notice:
                rows.append([section.key, "note", section.notice, "", ""])
        rows += [["notes", "note", note, "", ""] for note in _notes(report)]
        return write_csv(rows)


EXPORTS = {e.identifier: e for e in (PdfExport, XlsxExport, CsvExport)}


def _charts(report):
    return {t.key: bars_for(t) for s in report.sections for t in s.tables if t.chart}
