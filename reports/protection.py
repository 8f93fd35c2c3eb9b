"""What a report may show of counts about people, and in what form.

Protected figures are the incident figures of every report, and every figure of a report for
use outside OPSI. No single report is the problem: a reader holds many (periods, scopes,
languages, the previous-period column) and subtracts one from another. So:

1. A protected count is randomly rounded to a multiple of 5 (``reports.rounding``), keyed by
   the cell, the scope and the period: the same count shows the same figure wherever it
   appears, so differences between reports give nothing exact back. Totals are rounded on
   their own (an incident table's add up its rounded rows), percentages are worked out from
   the rounded counts, a median is shown only over 5 counts or more.
2. Protected figures are given for calendar quarters, half-years and years only (no date
   ranges: a range of one day, then of two, gives a day's count). A report for use outside
   is refused by the form unless its period is such a period and has ended.
3. Readers who may not read incidents (``User.handles_incidents``), and every report for use
   outside, get incident figures for the whole country over a whole year that has ended, and
   nothing finer (figures nested in one another narrow a count to 1-4 however each is
   rounded), counted from the incidents recorded by 31 January after it, and only from
   1 February: an incident
   recorded late changes no figure once shown, so it cannot be found by comparing downloads
   (a counted incident corrected or removed still changes them: the note says so).
"""

import copy
import datetime
import math
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from opsi.dates import WESTERNMOST_ZONE, ended_everywhere_before

from .rounding import BASE, draw, rounded
from .tables import Share

SMALLEST_MEDIAN = 5  # a median over fewer counts is one person's days, or near enough


@dataclass(frozen=True)
class IncidentAccess:
    shown: bool
    to_cutoff: bool = False  # counted from the incidents recorded by ``Period.recorded_by``
    why_not: str = ""


def incident_access(user, scope, period, external=False):
    """Whether and how ``user`` is shown the incident figures of ``scope`` over ``period``.

    A reader who may not read incidents, and every reader of a report for use outside OPSI, is
    given them for the whole country over a whole year that has ended, and nothing finer: every
    finer figure (a region, a quarter or a half inside the year) could be set against another and
    narrowed to a count from 1 to 4 however each is rounded (a quarter shown 5 inside a half
    shown 0 is 1 to 4). For such readers they are always counted to the cutoff, shown or not: the
    figures kept for the period (``reports.kept``) are then the same for every report such a
    reader asks for, and the nightly count's (made as the secretariat) are read back."""
    handles = user.handles_incidents and not external
    to_cutoff = not handles
    if period.kind is None:
        return IncidentAccess(
            False,
            to_cutoff,
            why_not=_(
                "Rights violations are not shown for a date range, only for calendar quarters, half-years "
                "and years: choose one of them to see them."
            ),
        )
    if handles:
        return IncidentAccess(True)
    if scope.kind != "national" or period.kind != "year":
        return IncidentAccess(
            False,
            to_cutoff,
            why_not=_(
                "Rights violations are shown to your role, and in reports for use outside OPSI, for the whole "
                "country over a whole year only: choose the national report of a year that has ended."
            ),
        )
    if ended_everywhere_before() < period.recorded_by:
        return IncidentAccess(
            False,
            to_cutoff,
            why_not=_(
                "Rights violations of this period are shown to your role from %(date)s: they count the "
                "incidents recorded by the end of the month after the period, and none recorded later."
            )
            % {"date": formats.date_format(period.recorded_by, "j F Y")},
        )
    return IncidentAccess(True, to_cutoff=True)


def recorded_before(period):
    """The moment (midnight WIB, the last zone to reach it) of ``Period.recorded_by``."""
    return timezone.make_aware(datetime.datetime.combine(period.recorded_by, datetime.time()), WESTERNMOST_ZONE)


def withhold_incidents(figures, sections, access):
    """The key figures and sections without the incident figures, each section saying why."""
    figures = [f for f in figures if not f.sensitive]
    kept = []
    for section in sections:
        section = copy.copy(section)
        shown = [t for t in section.tables if not t.sensitive]
        if len(shown) < len(section.tables):
            section.notice = access.why_not
        section.tables = shown
        kept.append(section)
    return figures, kept


BY_BRANCH = "incidents_by_branch"


def without_branch_rows(sections):
    """The sections without the incidents by branch, for a reader who may not read incidents: she
    is given incident figures for the whole country only, and a row of the national table is one
    branch's figure."""
    kept = []
    for section in sections:
        if any(t.key == BY_BRANCH for t in section.tables):
            section = copy.copy(section)
            section.tables = [t for t in section.tables if t.key != BY_BRANCH]
            section.notice = " ".join(
                [
                    section.notice,
                    _("Rights violations by branch are shown only to those who handle incidents."),
                ]
            ).strip()
        kept.append(section)
    return kept


def coverage(scope, branches):
    """What a scope counts, for the rounding's draw: the same branches give the same draw, so a
    region of one branch, that branch's own report and its row in the national table show one
    figure for one count (three draws of it would narrow it down)."""
    if scope.kind == "national":
        return "national"  # every branch, and the national trainings
    return branches_of([branch.pk for branch in branches])


def branches_of(ids):
    return "branches:" + ",".join(str(pk) for pk in sorted(ids))


def protect(report, scope, branches, external):
    """``report`` with its protected figures rounded (all of them when ``external``) and the
    notes that say how; percentages rendered as text. ``branches``: those the scope covers."""
    report = copy.copy(report)
    where = coverage(scope, branches)
    definitions = {f.key: f for f in report.definition.key_figures}
    report.key_figures = [
        _round_figure(f, where, report.period, report.previous_period, definitions[f.key])
        if f.sensitive or (external and definitions[f.key].counts_people)
        else copy.copy(f)
        for f in report.key_figures
    ]
    report.sections = [copy.copy(s) for s in report.sections]
    for section in report.sections:
        section.tables = [
            _round_table(t, where, report.period) if external or t.sensitive else copy.deepcopy(t)
            for t in section.tables
        ]
    _incident_totals_add_up(report)
    report.external = external
    report.method_notes = _method_notes(report, external)
    return _render_shares(report)


def _incident_totals_add_up(report):
    """An incident table's total is the sum of its rounded rows, and the number of incidents that
    total: a total rounded on its own beside its rows (a total shown 0 over a row shown 5) would
    narrow that row to a count from 1 to 4. The figure of the period before is not shown beside
    them: its own report adds up its own rows."""
    totals = {}
    for section in report.sections:
        for table in section.tables:
            if not (table.sensitive and table.total_row and table.total_row_adds and len(table.rows) > 1):
                continue
            last = table.rows[-1]
            for c in range(1, len(last)):
                column = [row[c] for row in table.rows[:-1]]
                if _is_count(last[c]) and all(_is_count(v) for v in column):
                    last[c] = sum(column)
            totals[table.key] = last[-1]
    total = totals.get("incidents_by_perpetrator", totals.get("incidents_by_branch"))
    for figure in report.key_figures:
        if not figure.sensitive:
            continue
        figure.previous = "–"
        if total is None:
            continue
        if figure.key == "incidents":
            figure.value = total
        elif isinstance(figure.value, Share):
            figure.value = Share(min(figure.value.numerator, total), total)


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _identity(name):
    return tuple(name) if isinstance(name, (tuple, list)) else (name,)


def _round_figure(figure, where, period, previous_period, definition):
    figure = copy.copy(figure)
    on_last_day = definition.on_last_day
    figure.value = _round_value(figure.value, figure.key, definition.parts, where, _span(period, on_last_day))
    figure.previous = _round_value(
        figure.previous, figure.key, definition.parts, where, _span(previous_period, on_last_day)
    )
    figure.rounded = True
    return figure


def _span(period, on_last_day=False):
    """What of the period a draw is keyed by: the day of a count made on the period's last day
    (one draw for a quarter, its half and its year), else the whole period."""
    if on_last_day:
        return ("on", period.end.isoformat())
    return (period.start.isoformat(), period.end.isoformat())


def _round_value(value, key, parts, where, span):
    if isinstance(value, Share):
        numerator_name, denominator_name = parts or (f"{key}:numerator", f"{key}:denominator")
        denominator = rounded(value.denominator, *_identity(denominator_name), where, *span)
        numerator = rounded(value.numerator, *_identity(numerator_name), where, *span)
        return Share(min(numerator, denominator), denominator)
    if _is_count(value):
        return rounded(value, *_identity(key), where, *span)
    return value


def _round_table(table, where, period):
    table = copy.deepcopy(table)
    span = _span(period, table.on_last_day)
    names = {cell: name for name, cell in table.links.items()}
    true = [list(row) for row in table.rows]
    for r, row in enumerate(table.rows):
        row_key = table.row_keys[r] if table.row_keys else r
        if table.rows_add_up:
            last = len(row) - 1
            name = names.get((r, last))
            identity = _identity(name) if name is not None else ("table", table.key, row_key, last)
            row_span = _span(period, table.on_last_day or row_key in table.on_last_day_rows)
            _round_together(row, identity, where, row_span)
            continue
        # A branch's row counts what that branch's own report counts: drawn as there.
        of_branch = table.branch_rows and row_key != "total"
        for c in range(1, len(row)):
            if _is_count(row[c]):
                name = names.get((r, c))
                if of_branch:
                    name = table.column_names[c] if table.column_names else ("table", table.key, c)
                    identity, cell_where = _identity(name), branches_of([row_key])
                else:
                    identity = _identity(name) if name is not None else ("table", table.key, row_key, c)
                    cell_where = where
                row[c] = rounded(row[c], *identity, cell_where, *span)
        for column, (numerator, denominator) in table.shares.items():
            if _is_count(row[numerator]) and _is_count(row[denominator]):
                row[column] = Share(min(row[numerator], row[denominator]), row[denominator])
        for column, counted in table.medians.items():
            if not _is_count(true[r][counted]) or true[r][counted] < SMALLEST_MEDIAN:
                row[column] = "–"
    table.rounded = True
    table.note = " ".join([table.note, _("Rounded to a multiple of 5.")]).strip()
    return table


def _round_together(row, identity, where, span):
    """Round a row of counts and its total (the last cell) so that the rounded counts add up to
    the rounded total, which is drawn as the figure of ``identity`` is everywhere else.

    Controlled rounding by systematic selection: the counts' remainders (0-4) are laid end to
    end in an order fixed by the key, and points 5 apart from the total's own draw pick the
    counts rounded up. Each count is still rounded up with the chance remainder / 5 (unbiased),
    and exactly as many go up as make the total's rounding. Rounded independently, cells and
    their total could be solved together (four cells shown 5 under a total shown 0 are 1 each);
    adding up, each cell is known no better than its own rounding says."""
    last = len(row) - 1
    cells = [c for c in range(1, last) if _is_count(row[c])]
    total = row[last]
    if not _is_count(total) or sum(row[c] for c in cells) != total:
        for c in [*cells, last]:
            if _is_count(row[c]):
                row[c] = rounded(row[c], *identity, where, *span, "cell", c)
        return
    shown_total = rounded(total, *identity, where, *span)
    start = draw(*identity, where, *span, total)
    order = sorted(cells, key=lambda c: draw(*identity, where, *span, "order", c))
    downs = {c: row[c] - row[c] % BASE for c in cells}
    ups_needed = (shown_total - sum(downs.values())) // BASE
    laid, ups = 0, []
    for c in order:
        remainder = row[c] % BASE
        # Up if a point start + k (k = 0, 1, ...), in fifths, falls within this count's stretch.
        if remainder and math.ceil((laid + remainder) / BASE - start) > math.ceil(laid / BASE - start):
            ups.append(c)
        laid += remainder
    candidates = [c for c in order if row[c] % BASE and c not in ups]
    while len(ups) < ups_needed and candidates:  # only at a float's edge
        ups.append(candidates.pop())
    ups = ups[:ups_needed] if len(ups) > ups_needed else ups
    for c in cells:
        row[c] = downs[c] + (BASE if c in ups else 0)
    row[last] = shown_total


def _method_notes(report, external):
    rounded_anything = any(f.rounded for f in report.key_figures) or any(
        t.rounded for s in report.sections for t in s.tables
    )
    notes = []
    if rounded_anything:
        notes.append(
            _("Every number of people or events in this report is randomly rounded to a multiple of 5.")
            if external
            else _("The figures on rights violations are randomly rounded to a multiple of 5.")
        )
        if external and any(not f.rounded for f in report.key_figures):
            notes.append(_("The number of branches with members counts branches, not people: it is not rounded."))
        notes.append(
            _(
                "Random rounding: a count is rounded up or down to a multiple of 5, more often to the nearer "
                "one, so that on average the rounded figures equal the true ones. The same count is always "
                "rounded the same way, in every report, language and file; a count that changes is rounded "
                "afresh. A true 0 is shown as 0 and a multiple of 5 as it is; a 0 shown may stand for up to 4, "
                "a 5 for 1 to 9."
            )
        )
        notes.append(
            _(
                "Totals are rounded on their own and may differ from the sum of the rounded rows, except the "
                "totals of rights violations, which are the sums of their rounded rows; percentages are worked "
                "out from the rounded counts; a median is shown only where it summarises at least 5 counts."
            )
        )
        if any(t.rounded and t.rows_add_up for s in report.sections for t in s.tables):
            notes.append(
                _(
                    "The rows by sex and by age are rounded together: their rounded cells add up to the indicator's "
                    "figure as shown."
                )
            )
        notes.append(_("Rounded figures are given for calendar quarters, half-years and years only."))
    return notes


def cutoff_note(period):
    return _(
        "Rights violations in this report are counted from the incidents recorded by %(date)s (the end of the "
        "month after the period), for the whole country over the whole year only: an incident recorded later is "
        "not counted, so the figures change only if a counted incident is corrected or removed."
    ) % {"date": formats.date_format(period.recorded_by - datetime.timedelta(days=1), "j F Y")}


def _render_shares(report):
    """Percentages as text, once their counts are rounded."""

    def text(value):
        return str(value) if isinstance(value, Share) else value

    for section in report.sections:
        for table in section.tables:
            table.rows = [[text(v) for v in row] for row in table.rows]
    for figure in report.key_figures:
        figure.value, figure.previous = text(figure.value), text(figure.previous)
    return report
