"""Report exports: one class per format, each writing the same report data.

Who may run them: anyone who may build the report for its scope (the form checks
the scope against the access rule); every file leaves an audit entry.
"""

import csv
import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .charts import bars_for

STATIC_CSS = Path(settings.BASE_DIR) / "static" / "css" / "report-pdf.css"


def _safe(value):
    """Neutralise text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


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
        book = Workbook()
        summary = book.active
        summary.title = _("Summary")[:31]
        summary.append([str(report.definition.title)])
        summary.append([_("Period"), report.period.label])
        summary.append([_("Scope"), report.scope_label])
        summary.append([])
        summary.append([_("Indicator"), report.period.label, report.previous_period.label])
        for figure in report.key_figures:
            summary.append([_safe(figure.label), figure.value, figure.previous])
        for section in report.sections:
            sheet = book.create_sheet(title=section.title[:31].replace(":", ""))
            sheet.append([section.title])
            sheet["A1"].font = Font(bold=True)
            for table in section.tables:
                sheet.append([])
                sheet.append([_safe(table.title)])
                sheet.append([_safe(str(c)) for c in table.columns])
                for row in table.rows:
                    sheet.append([_safe(str(row[0]))] + list(row[1:]))
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


class CsvExport:
    identifier = "csv"
    content_type = "text/csv"

    def write(self, report):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "table", "row", "column", "value"])
        for figure in report.key_figures:
            writer.writerow(["summary", "key figures", _safe(figure.label), report.period.label, figure.value])
        for section in report.sections:
            for table in section.tables:
                for row in table.rows:
                    for column, value in zip(table.columns[1:], row[1:]):
                        writer.writerow([section.key, table.key, _safe(str(row[0])), _safe(str(column)), value])
        return out.getvalue().encode("utf-8-sig")


EXPORTS = {e.identifier: e for e in (PdfExport, XlsxExport, CsvExport)}


def _charts(report):
    return {t.key: bars_for(t) for s in report.sections for t in s.tables if t.chart}
