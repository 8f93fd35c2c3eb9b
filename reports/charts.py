"""Bar charts drawn as plain SVG on the server (no script, no inline style, so the
page's Content Security Policy holds and WeasyPrint draws them the same)."""

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    width: float  # share of the widest bar, 0..100
    y: int


def bars_for(table):
    """One bar per row (the total row left out): the row's total, or its only value."""
    index = len(table.columns) - 1
    rows = table.rows[:-1] if table.total_row else table.rows
    values = [(row[0], row[index]) for row in rows if isinstance(row[index], int)]
    if not values:
        return None
    top = max(v for _label, v in values) or 1
    return {
        "bars": [Bar(str(label), v, round(80 * v / top, 1), 22 * i) for i, (label, v) in enumerate(values)],
        "height": 22 * len(values),
    }
