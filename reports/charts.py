"""Bar charts drawn as plain SVG on the server (no script, no inline style, so the
page's Content Security Policy holds and WeasyPrint draws them the same).

Drawn for a phone first: 320 units wide, about the width of a 360 px screen's page, so a
13-unit label reads at about 13 px there (a 480-wide chart with its labels beside the bars
shrank them to 7 px and cut them); each label has the whole width on a line of its own,
its bar and figure under it."""

from dataclasses import dataclass

WIDTH = 320
FONT = 13
VALUE_SPACE = 56  # room for the figure after the longest bar
BAR_SPACE = WIDTH - VALUE_SPACE
BAR_HEIGHT = 12
ROW = 40
LABEL_LENGTH = 42  # characters of a label at 13 units that fit in 320


@dataclass
class Bar:
    label: str
    value: int
    width: int
    y: int  # top of the row

    @property
    def text_y(self):
        return self.y + FONT

    @property
    def bar_y(self):
        return self.y + FONT + 5

    @property
    def value_y(self):
        return self.bar_y + BAR_HEIGHT - 1

    @property
    def value_x(self):
        return self.width + 6


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
        "font": FONT,
        "bar_height": BAR_HEIGHT,
    }


def _short(label, length=LABEL_LENGTH):
    return label if len(label) <= length else label[: length - 1] + "…"
