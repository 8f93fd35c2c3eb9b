"""Report results as plain data: the page, the PDF and the spreadsheets render these."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Share:
    """A percentage kept with the two counts it comes from, so that suppression can hide it
    with them; rendered as "43%" (rounded to the nearest whole percent, halves up)."""

    numerator: int
    denominator: int

    def __str__(self):
        if not self.denominator:
            return "–"
        return f"{(200 * self.numerator + self.denominator) // (2 * self.denominator)}%"


@dataclass
class Table:
    key: str
    title: str
    columns: list  # header labels; the first names the row labels
    rows: list  # [row label, value, value, ...]
    total_column: bool = False  # the last column sums the others
    total_row: bool = False  # the last row sums the others
    chart: bool = False
    note: str = ""
    # Rows about people harmed (incidents): counts from 1 to 4 are hidden in every report.
    sensitive: bool = False
    # Positions of the columns the total column adds up (None: every column between the
    # row label and the total).
    summed_columns: tuple = None
    # {position of a percentage column: (position of its numerator, of its denominator)}.
    shares: dict = field(default_factory=dict)
    # False where the total row is not the sum of the rows (people counted once nationally).
    total_row_adds: bool = True
    # {name: cell} of cells that another table of the report shows too (the same count):
    # suppression hides such a cell in every table or in none.
    links: dict = field(default_factory=dict)

    def value(self, row_label, column_label):
        index = self.columns.index(column_label)
        for row in self.rows:
            if row[0] == row_label:
                return row[index]
        raise KeyError(row_label)


@dataclass
class Section:
    key: str
    title: str
    tables: list = field(default_factory=list)


@dataclass
class KeyFigure:
    key: str
    label: str
    value: object
    previous: object = None
    sensitive: bool = False

    @property
    def change(self):
        if isinstance(self.value, int) and isinstance(self.previous, int):
            return self.value - self.previous
        return None


@dataclass
class Report:
    definition: object
    period: object
    previous_period: object
    scope_label: str
    generated_at: object
    key_figures: list
    sections: list
    suppressed: bool = False

    def table(self, key):
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        raise KeyError(key)

    @property
    def has_hidden_cells(self):
        from .suppression import MARKS

        return any(v in MARKS for s in self.sections for t in s.tables for row in t.rows for v in row[1:]) or any(
            f.value in MARKS or f.previous in MARKS for f in self.key_figures
        )

    def figure(self, key):
        return next(f for f in self.key_figures if f.key == key)
