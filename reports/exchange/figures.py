"""The figures a built report shows, each with an address the mapping names it by.

Whatever a definition holds flows through: key figures (``figure:<key>``) and every table's
cells (the table's key, the row's key, the column's key), so new indicators and new
breakdowns (by sex, by age) can be mapped without code. A row's key is the table's
``row_keys`` entry (a choice's code, a branch's id, "total"), else its place; a column's is
its ``column_names`` entry, else its place (1 is the first after the row labels). A table by
branch (``branch_rows``) names each branch's row by the branch's id; the mapping's row "*"
stands for every branch's row, sent under that branch's org unit."""

import re
from dataclasses import dataclass

PERCENT = re.compile(r"^(\d+)%$")


@dataclass(frozen=True)
class Cell:
    figure: str
    row: str
    column: str
    label: str
    value: str | None  # the number DHIS2 is sent, as text; None: nothing to send ("–", a text)
    branch: int | None = None  # a row of one branch in a table by branch: sent under its org unit

    @property
    def address(self):
        return ":".join(p for p in (self.figure, self.row, self.column) if p)


def dhis2_value(value):
    """A shown figure as DHIS2 takes it: a count as "12", a percentage "43%" as "43"; a dash, a
    text or anything else is not a number and is not sent."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        match = PERCENT.match(value.strip())
        if match:
            return match.group(1)
    return None


def _key(value):
    if isinstance(value, (tuple, list)):
        return ":".join(str(v) for v in value)
    return str(value)


def cells(report):
    """Every figure ``report`` shows, key figures first."""
    for figure in report.key_figures:
        yield Cell(f"figure:{figure.key}", "", "", str(figure.label), dhis2_value(figure.value))
    for section in report.sections:
        for table in section.tables:
            for r, row in enumerate(table.rows):
                raw_key = table.row_keys[r] if table.row_keys and r < len(table.row_keys) else r
                row_key = _key(raw_key)
                branch = raw_key if table.branch_rows and raw_key != "total" else None
                for c in range(1, len(row)):
                    names = table.column_names
                    name = names[c] if names and c < len(names) and names[c] is not None else c
                    label = f"{table.title} · {row[0]} · {table.columns[c] if c < len(table.columns) else c}"
                    yield Cell(table.key, row_key, _key(name), label, dhis2_value(row[c]), branch)
