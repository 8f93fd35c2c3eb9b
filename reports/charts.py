"""Bar charts drawn as plain SVG on the server (no script, no inline style, so the
page's Content Security Policy holds and WeasyPrint draws them the same)."""

from dataclasses import dataclass

WIDTH = 480
LABEL_WIDTH = 170
BAR_SPACE = 250
ROW = 22


@dataclass
class Bar:
    label: str
    value: int
    width: int
    y: int  # top of the row

    @property
    def text_y(self):
        return self.y + 15

    @property
    def bar_y(self):
        return self.y + 4

    @property
    def value_x(self):
        return LABEL_WIDTH + self.width + 6


def bars_for(table):
    """One bar per row (the total row left out): the row's total, or its only value."""
    index = len(table.columns) - 1
    rows = table.rows[:-1] if table.total_row else table.rows
    values = [(row[0], row[index]) for row in rows if isinstance(row[index], int)]
    if not values:
        return None
    top = max(v for _label, v in values) or 1
    return {
        "bars": [
            Bar(_short(str(label)), v, round(BAR_SPACE * v / top), ROW * i) for i, (label, v) in enumerate(values)
        ],
        "height": ROW * len(values),
        "width": WIDTH,
        "label_width": LABEL_WIDTH,
    }


def _short(label, length=26):
    return label if len(label) <= length else label[: length - 1] + "…"
