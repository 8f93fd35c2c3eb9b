"""Report results as plain data: the page, the PDF and the spreadsheets render these."""

from dataclasses import dataclass, field


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

    def figure(self, key):
        return next(f for f in self.key_figures if f.key == key)
