"""A reader who tries to work hidden cells out of a suppressed report.

Written apart from ``reports.suppression``: it searches every value of the hidden
cells that agrees with what is shown (each total, "<5" meaning 1 to 4, "x" meaning a
number that is not 1 to 4) and reports the cells that can take only one value. It
also reads percentages beside hidden counts and differences beside hidden figures.
"""

MARKS = ("<5", "x")


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool)


def equations(table):
    """[(total cell, [part cells])] as a reader of the table's headings sees them."""
    width, last = len(table.columns), len(table.rows) - 1
    found = []
    if table.total_column:
        parts = table.summed_columns or range(1, width - 1)
        found += [((r, width - 1), [(r, c) for c in parts]) for r in range(len(table.rows))]
    if table.total_row and table.total_row_adds:
        found += [((last, c), [(r, c) for r in range(last)]) for c in range(1, width) if c not in table.shares]

    def usable(cell):
        value = table.rows[cell[0]][cell[1]]
        return _is_count(value) or value in MARKS

    return [(t, ps) for t, ps in found if usable(t) and all(usable(p) for p in ps)]


def worked_out(table):
    """{hidden cell: its value} for every hidden cell a reader can determine."""
    cells = {(r, c): v for r, row in enumerate(table.rows) for c, v in enumerate(row) if c and c not in table.shares}
    hidden = [cell for cell, v in cells.items() if v in MARKS]
    system = equations(table)
    if not hidden or not system:
        return {}
    shown_sum = sum(v for v in cells.values() if _is_count(v))
    cap = {cell: 2 * shown_sum + 4 * len(hidden) + 10 for cell in hidden}
    for total, parts in system:  # a part is never more than a total that is shown
        if _is_count(cells[total]):
            for part in parts:
                if part in cap:
                    cap[part] = min(cap[part], cells[total])
    domain = {cell: range(1, 5) if cells[cell] == "<5" else range(5, cap[cell] + 1) for cell in hidden}
    hidden.sort(key=lambda cell: len(domain[cell]))
    seen = {cell: set() for cell in hidden}
    assignment = {}

    def value(cell):
        return assignment.get(cell, cells[cell] if _is_count(cells[cell]) else None)

    def consistent():
        for total, parts in system:
            values = [value(total)] + [value(p) for p in parts]
            if None in values:
                known = [v for v in values[1:] if v is not None]
                if values[0] is not None and sum(known) > values[0]:
                    return False
                continue
            if sum(values[1:]) != values[0]:
                return False
        return True

    def forced(cell):
        for total, parts in system:
            line = [total, *parts]
            if cell in line and all(value(other) is not None for other in line if other != cell):
                rest = sum(value(p) for p in parts if p != cell)
                return [value(total) - rest] if cell != total else [rest]
        return None

    def search(i):
        if all(len(values) > 1 for values in seen.values()):
            return True  # nothing can be determined any more
        if i == len(hidden):
            for cell in hidden:
                seen[cell].add(assignment[cell])
            return False
        cell = hidden[i]
        options = forced(cell)
        options = [v for v in options if v in domain[cell]] if options is not None else domain[cell]
        for v in options:
            assignment[cell] = v
            if consistent() and search(i + 1):
                return True
            del assignment[cell]
        return False

    search(0)
    return {cell: next(iter(values)) for cell, values in seen.items() if len(values) == 1}


def leaks(report):
    """Everything a reader of ``report`` can work out that was hidden, as readable strings."""
    found = []
    for section in report.sections:
        for table in section.tables:
            for cell, v in worked_out(table).items():
                found.append(f"{table.key} {cell} = {v}")
            for column, (numerator, denominator) in table.shares.items():
                for row in table.rows:
                    if row[column] not in MARKS and (row[numerator] in MARKS or row[denominator] in MARKS):
                        found.append(f"{table.key} {row[0]}: {row[column]} beside a hidden count")
    found += _across_tables(report)
    for figure in report.key_figures:
        if (figure.value in MARKS or figure.previous in MARKS) and figure.change is not None:
            found.append(f"{figure.key}: difference {figure.change} beside a hidden figure")
    return found


def _across_tables(report):
    """The members tables share their totals by kind (a row total of one is a column total
    of the other) and their grand total with the key figure: hidden in one, shown in another
    gives it away."""
    try:
        by_gender, by_branch = report.table("members_by_kind_gender"), report.table("members_by_branch_kind")
    except KeyError:
        return []
    kind_totals = {row[0]: row[-1] for row in by_gender.rows}
    branch_totals = dict(zip(by_branch.columns[1:], by_branch.rows[-1][1:]))
    found = [
        f"members: total of {kind} {kind_totals[kind]} / {branch_totals[kind]}"
        for kind in kind_totals
        if kind in branch_totals and (kind_totals[kind] in MARKS) != (branch_totals[kind] in MARKS)
    ]
    grand = [by_gender.rows[-1][-1], by_branch.rows[-1][-1], report.figure("members").value]
    if any(v in MARKS for v in grand) and not all(v in MARKS for v in grand):
        found.append(f"members: grand total {grand}")
    return found
