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
        (total, parts) for total, parts in result
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
    found = _solved_by_elimination(rows)
    found |= _pinned_by_bounds(rows, {cell: bounds(mark) for cell, mark in hidden.items()})
    return found


def _solved_by_elimination(rows):
    """Cells whose value follows from the equations alone (a row of the reduced system with one cell)."""
    cells = sorted({cell for terms, _rhs in rows for cell in terms})
    index = {cell: i for i, cell in enumerate(cells)}
    matrix = []
    for terms, rhs in rows:
        line = [Fraction(0)] * len(cells)
        for cell, k in terms.items():
            line[index[cell]] = Fraction(k)
        matrix.append(line)
    pivot_row = 0
    for column in range(len(cells)):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column]:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row])]
        pivot_row += 1
    return {cells[line.index(1)] for line in matrix if sum(1 for v in line if v) == 1}


def _pinned_by_bounds(rows, known):
    """Cells whose bounds, narrowed through every equation until nothing changes, meet."""
    known = dict(known)
    for _round in range(50):
        changed = False
        for terms, rhs in rows:
            for cell, k in terms.items():
                low = high = Fraction(rhs)
                for other, j in terms.items():
                    if other == cell:
                        continue
                    a, b = known[other]
                    low -= max(j * a, j * b)
                    high -= min(j * a, j * b)
                # k * cell lies in [low, high]
                lo, hi = sorted((low / k, high / k))
                old_lo, old_hi = known[cell]
                new = (max(old_lo, math.ceil(lo) if lo != -math.inf else lo),
                       min(old_hi, math.floor(hi) if hi != math.inf else hi))
                if new != known[cell]:
                    known[cell] = new
                    changed = True
        if not changed:
            break
    return {cell for cell, (lo, hi) in known.items() if lo == hi}


def suppress_table(table):
    table = copy.deepcopy(table)
    values = {
        (r, c): v for r, row in enumerate(table.rows) for c, v in enumerate(row) if c and _count(v)
    }
    hidden = {cell: SMALL for cell, v in values.items() if _small(v)}
    equations = constraints(table)
    totals = {total for total, _parts in equations}
    for _attempt in range(len(values)):
        # First the plain rule (no line of a total with a single hidden cell), then
        # whatever the attack still works out.
        lines = [[total, *parts] for total, parts in equations
                 if sum(1 for cell in [total, *parts] if cell in hidden) == 1]
        if not lines:
            exposed = disclosed(values, hidden, equations)
            lines = [[total, *parts] for total, parts in equations
                     if any(cell in exposed for cell in [total, *parts])]
        cell = _complement(lines, hidden, values, totals)
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
    return _("x: a number hidden so that a hidden count cannot be worked out from the totals; it may be any "
             "number, and is not a count from 1 to 4.")


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
    for section in report.sections:
        section.tables = [suppress_table(t) if everything or t.sensitive else t for t in section.tables]
    report.key_figures = [
        _replace_figure(f) if everything or f.sensitive else f for f in report.key_figures
    ]
    report.suppressed = report.suppressed or everything
    return report


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
