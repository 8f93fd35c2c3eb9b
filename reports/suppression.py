"""Small-cell suppression for reports that leave the organisation.

Counts from 1 to 4 become "<5". Where a table has a total row or column, a
single hidden cell could be worked out from the total, so a second cell of that
row (or column) is hidden too: the smallest other non-zero one.
"""

import copy

HIDDEN = "<5"


def _small(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def suppress_table(table):
    table = copy.deepcopy(table)
    grid = [row[1:] for row in table.rows]
    hidden = {(r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if _small(v)}
    data_cols = len(table.columns) - 1 - (1 if table.total_column else 0)
    data_rows = len(grid) - (1 if table.total_row else 0)

    changed = True
    while changed:
        changed = False
        if table.total_column:
            for r in range(len(grid)):
                changed |= _complement(hidden, [(r, c) for c in range(data_cols)], grid)
        if table.total_row:
            for c in range(len(grid[0]) if grid else 0):
                changed |= _complement(hidden, [(r, c) for r in range(data_rows)], grid)

    for r, c in hidden:
        table.rows[r][c + 1] = HIDDEN
    return table


def _complement(hidden, cells, grid):
    """If exactly one cell of a line is hidden, hide the smallest other non-zero cell."""
    in_line = [cell for cell in cells if cell in hidden]
    if len(in_line) != 1:
        return False
    others = [
        cell for cell in cells
        if cell not in hidden and isinstance(grid[cell[0]][cell[1]], int) and grid[cell[0]][cell[1]] > 0
    ]
    if not others:
        return False
    hidden.add(min(others, key=lambda cell: grid[cell[0]][cell[1]]))
    return True


def suppress(report):
    report = copy.copy(report)
    report.sections = [copy.copy(s) for s in report.sections]
    for section in report.sections:
        section.tables = [suppress_table(t) for t in section.tables]
    report.key_figures = [_replace_figure(f) for f in report.key_figures]
    report.suppressed = True
    return report


def _replace_figure(figure):
    figure = copy.copy(figure)
    figure.value = HIDDEN if _small(figure.value) else figure.value
    figure.previous = HIDDEN if _small(figure.previous) else figure.previous
    return figure
