"""Small-cell suppression.

Counts from 1 to 4 are shown as "<5". A hidden count must not be recoverable from
what stays visible: a table's totals are linear equations over its cells, so after
hiding the small counts the table is attacked the way a reader with a spreadsheet
would (solving the equations, and narrowing each hidden cell between its bounds: a
"<5" is 1 to 4, a cell hidden for its neighbours at least 5); while a hidden cell can
be worked out, a further cell of one of its rows or columns is hidden, marked "x"
("hidden to protect another count"), never "<5" (which states a value of 1 to 4).
Percentages are hidden with their numerator or denominator.

Tables about people harmed (``Table.sensitive``) and their key figures are always
suppressed; every other table only in reports that leave the organisation.
"""

import copy
import math
from fractions import Fraction

from django.utils.translation import gettext as _

SMALL = "<5"
COMPLEMENT = "x"
HIDDEN = SMALL  # the mark of a count from 1 to 4 (older name)
MARKS = (SMALL, COMPLEMENT)


def _small(value):
    return _count(value) and 1 <= value <= 4


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool)


def constraints(table):
    """The totals of ``table`` as [(total cell, [part cells])], cells as (row, column) positions."""
    width = len(table.columns)
    result = []
    if table.total_column:
        total = width - 1
        parts = table.summed_columns or tuple(range(1, total))
        for r in range(len(table.rows)):
            result.append(((r, total), [(r, c) for c in parts]))
    if table.total_row and table.total_row_adds:
        last = len(table.rows) - 1
        for c in range(1, width):
            if c not in table.shares:
                result.append(((last, c), [(r, c) for r in range(last)]))
    return [
        (total, parts)
        for total, parts in result
        if _count(_at(table, total)) and all(_count(_at(table, p)) for p in parts)
    ]


def _at(table, cell):
    return table.rows[cell[0]][cell[1]]


def bounds(mark):
    """What a reader knows of a hidden cell from its mark."""
    return (1, 4) if mark == SMALL else (5, math.inf)


def disclosed(values, hidden, equations):
    """Hidden cells a reader can work out exactly from the shown cells and the totals.

    ``values``: {cell: count}; ``hidden``: {cell: mark}; ``equations``: [(total, parts)].
    """
    rows = []  # each: ({hidden cell: coefficient}, right-hand side)
    for total, parts in equations:
        terms, rhs = {}, 0
        for cell, coefficient in [(p, 1) for p in parts] + [(total, -1)]:
            if cell in hidden:
                terms[cell] = terms.get(cell, 0) + coefficient
            else:
                rhs -= coefficient * values[cell]
        terms = {cell: k for cell, k in terms.items() if k}
        if terms:
            rows.append((terms, rhs))
    found, reduced = _solved_by_elimination(rows)
    # Bounds narrowed through the totals as printed and through their combinations.
    found |= _pinned_by_bounds(rows + reduced, {cell: bounds(mark) for cell, mark in hidden.items()})
    return found


def _solved_by_elimination(rows):
    """Cells whose value follows from the equations alone (a row of the reduced system with
    one cell), and the reduced rows. Rows are kept sparse ({cell: coefficient}): a column
    of a national table has forty cells, a row five."""
    reduced = []  # [(pivot cell, {cell: Fraction}, right-hand side)], each pivot in one row only
    for terms, rhs in rows:
        row, rhs = {cell: Fraction(k) for cell, k in terms.items()}, Fraction(rhs)
        for pivot, other, other_rhs in reduced:
            factor = row.get(pivot)
            if factor:
                rhs -= factor * other_rhs
                _subtract(row, other, factor)
        if not row:
            continue
        pivot = min(row)
        lead = row[pivot]
        row, rhs = {cell: v / lead for cell, v in row.items()}, rhs / lead
        for i, (other_pivot, other, other_rhs) in enumerate(reduced):
            factor = other.get(pivot)
            if factor:
                _subtract(other, row, factor)
                reduced[i] = (other_pivot, other, other_rhs - factor * rhs)
        reduced.append((pivot, row, rhs))
    solved = {pivot for pivot, row, _rhs in reduced if len(row) == 1}
    return solved, [(row, rhs) for _pivot, row, rhs in reduced]


def _subtract(row, other, factor):
    for cell, v in other.items():
        value = row.get(cell, 0) - factor * v
        if value:
            row[cell] = value
        else:
            row.pop(cell, None)


def _pinned_by_bounds(rows, known):
    """Cells whose bounds, narrowed through every equation until nothing changes, meet
    (each cell a whole number; an unbounded side, "x" has no upper bound, counted apart)."""
    known = dict(known)
    for _round in range(50):
        changed = False
        for terms, rhs in rows:
            spans = {}
            for cell, k in terms.items():
                lo, hi = known[cell]
                spans[cell] = (k * lo, k * hi) if k > 0 else (k * hi, k * lo)
            least = _Sum(lo for lo, _hi in spans.values())
            most = _Sum(hi for _lo, hi in spans.values())
            for cell, k in terms.items():
                lo_c, hi_c = spans[cell]
                # k * cell = rhs - (the others); the others lie within [least - lo_c, most - hi_c]
                low, high = rhs - most.without(hi_c), rhs - least.without(lo_c)
                lo, hi = (low / k, high / k) if k > 0 else (high / k, low / k)
                lo = lo if math.isinf(lo) or math.isnan(lo) else math.ceil(lo)
                hi = hi if math.isinf(hi) or math.isnan(hi) else math.floor(hi)
                old = known[cell]
                new = (max(old[0], lo), min(old[1], hi))
                if new != old:
                    known[cell] = new
                    changed = True
        if not changed:
            break
    return {cell for cell, (lo, hi) in known.items() if lo == hi}


class _Sum:
    """A sum of bounds that may hold infinities, from which one term can be taken out."""

    def __init__(self, values):
        values = list(values)
        self.finite = sum(v for v in values if not math.isinf(v))
        self.plus = sum(1 for v in values if v == math.inf)
        self.minus = sum(1 for v in values if v == -math.inf)

    def without(self, value):
        plus = self.plus - (value == math.inf)
        minus = self.minus - (value == -math.inf)
        if plus and minus:
            return math.nan
        if plus:
            return math.inf
        if minus:
            return -math.inf
        return self.finite - (0 if math.isinf(value) else value)


def suppress_table(table, forced=()):
    """``table`` with its small counts hidden and whatever would give them away; ``forced``:
    cells to hide as well (hidden in another table that shows the same count)."""
    table = copy.deepcopy(table)
    values = {(r, c): v for r, row in enumerate(table.rows) for c, v in enumerate(row) if c and _count(v)}
    hidden = {cell: SMALL for cell, v in values.items() if _small(v)}
    hidden.update({cell: COMPLEMENT for cell in forced if cell in values and cell not in hidden and values[cell]})
    equations = constraints(table)
    totals = {total for total, _parts in equations}
    for _attempt in range(len(values)):
        # First the plain rule (no line of a total with a single hidden cell), then
        # whatever the attack still works out.
        lines = [
            [total, *parts] for total, parts in equations if sum(1 for cell in [total, *parts] if cell in hidden) == 1
        ]
        if not lines:
            exposed = disclosed(values, hidden, equations)
            if not exposed:
                break
            lines = [[total, *parts] for total, parts in equations if any(cell in exposed for cell in [total, *parts])]
        cell = _complement(lines, hidden, values, totals)
        if cell is None:
            # Worked out through equations further away: widen to every line with a hidden cell.
            cell = _complement(
                [[total, *parts] for total, parts in equations if any(c in hidden for c in [total, *parts])],
                hidden,
                values,
                totals,
            )
        if cell is None:
            break
        hidden[cell] = COMPLEMENT
    for (r, c), mark in hidden.items():
        table.rows[r][c] = mark
    for column, (numerator, denominator) in table.shares.items():
        for r, row in enumerate(table.rows):
            if (r, numerator) in hidden or (r, denominator) in hidden:
                row[column] = COMPLEMENT
    marks = {v for row in table.rows for v in row[1:] if v in MARKS}
    legend = [text for mark, text in [(SMALL, mark_small()), (COMPLEMENT, mark_complement())] if mark in marks]
    table.note = " ".join([table.note, *legend]).strip()
    return table


def mark_small():
    return _("<5: a count from 1 to 4, hidden to protect the people counted.")


def mark_complement():
    return _(
        "x: a number hidden so that a hidden count cannot be worked out from the totals; it may be any "
        "number, and is not a count from 1 to 4."
    )


def _complement(lines, hidden, values, totals):
    """The cell to hide next in one of ``lines``: the smallest shown non-zero count, a
    line's own cells before its totals."""
    candidates = {cell for line in lines for cell in line if cell not in hidden and values[cell] > 0}
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c in totals, values[c], c))


def suppress(report, everything=True):
    """Suppress the sensitive tables and figures, or (``everything``) all of them."""
    report = copy.copy(report)
    report.sections = [copy.copy(s) for s in report.sections]
    originals = [(section, list(section.tables)) for section in report.sections]
    forced = {}
    # Until no table shows a count hidden in another. Each round forces at least one more cell
    # that was shown, and a report has finitely many, so this ends; a fixed number of rounds
    # left the end of a long chain of linked tables showing what its start hid.
    while True:
        for section, tables in originals:
            section.tables = [
                suppress_table(t, forced.get(id(t), ())) if everything or t.sensitive else t for t in tables
            ]
        more = _unlinked(
            [
                (o, t)
                for (_s, tables), section in zip(originals, report.sections)
                for o, t in zip(tables, section.tables)
            ]
        )
        if not more:
            break
        for original, cell in more:
            forced.setdefault(id(original), set()).add(cell)
    report.key_figures = [_replace_figure(f) if everything or f.sensitive else f for f in report.key_figures]
    report.suppressed = report.suppressed or everything
    return report


def _unlinked(pairs):
    """[(original table, cell)] to hide because the same count is hidden in another table."""
    hidden_links = {
        name for _original, done in pairs for name, (r, c) in done.links.items() if done.rows[r][c] in MARKS
    }
    return [
        (original, (r, c))
        for original, done in pairs
        for name, (r, c) in done.links.items()
        if name in hidden_links and done.rows[r][c] not in MARKS and _count(done.rows[r][c]) and done.rows[r][c]
    ]


def _replace_figure(figure):
    figure = copy.copy(figure)
    figure.value = _figure_value(figure.value)
    figure.previous = _figure_value(figure.previous)
    return figure


def _figure_value(value):
    from .tables import Share

    if isinstance(value, Share):
        return COMPLEMENT if _small(value.numerator) or _small(value.denominator) else value
    return SMALL if _small(value) else value


def render_shares(report):
    """Percentages as text, once suppression has seen their counts."""
    from .tables import Share

    def text(value):
        return str(value) if isinstance(value, Share) else value

    for section in report.sections:
        for table in section.tables:
            table.rows = [[text(v) for v in row] for row in table.rows]
    for figure in report.key_figures:
        figure.value, figure.previous = text(figure.value), text(figure.previous)
    return report
