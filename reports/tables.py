"""Report results as plain data: the page, the PDF and the spreadsheets render these."""

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Share:
    """A percentage kept with the two counts it comes from, so that rounding can work it out
    again from the rounded counts; rendered as "43%" (rounded to the nearest whole percent, halves up)."""

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
    # Rows about people harmed (incidents): rounded in every report (``reports.protection``).
    sensitive: bool = False
    # Positions of the columns the total column adds up (None: every column between the
    # row label and the total).
    summed_columns: tuple = None
    # {position of a percentage column: (position of its numerator, of its denominator)}.
    shares: dict = field(default_factory=dict)
    # False where the total row is not the sum of the rows (people counted once nationally).
    total_row_adds: bool = True
    # {name: cell} of cells that another table or a key figure of the same name shows too (the
    # same count): rounding draws once for the name, so both show the same figure.
    links: dict = field(default_factory=dict)
    # What names each row whatever the language (a choice's code, a branch's id); None: its place.
    row_keys: list = None
    # {position of a median column: position of the count it summarises}.
    medians: dict = field(default_factory=dict)
    # Each row but the total is a branch (``row_keys`` their ids): a row counts what that
    # branch's own report counts, under ``column_names`` (the names its cells have there).
    branch_rows: bool = False
    # Counted on the period's last day (members): the same count for a quarter, its half and its
    # year when they end together, so it is rounded by that day, not by the period (three draws
    # of one count, 5, 5 and 0, would say it is 1 to 4).
    on_last_day: bool = False
    column_names: list = None
    # Each row breaks a figure down (``reports.breakdowns``): its cells add up to its total (the
    # last column), and rounded, they are rounded together to add up to the total as shown.
    rows_add_up: bool = False
    # Keys of the rows counted on the period's last day (as ``on_last_day``, for one row).
    on_last_day_rows: list = field(default_factory=list)
    rounded: bool = False  # its counts are rounded to a multiple of 5

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
    notice: str = ""  # why some of its tables are not shown


@dataclass
class KeyFigure:
    key: str
    label: str
    value: object
    previous: object = None
    sensitive: bool = False
    rounded: bool = False

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
    external: bool = False  # for use outside OPSI: every figure rounded
    notices: list = field(default_factory=list)  # figures not shown, and why
    method_notes: list = field(default_factory=list)  # how the shown figures are protected
    # The day the data of a period not yet over reach (the report's date); None for a closed period.
    data_to: object = None

    @property
    def provisional(self):
        """ "provisional, data to 7 December 2026" for a period not yet over, in the reader's language."""
        if self.data_to is None:
            return ""
        return _("provisional, data to %(date)s") % {"date": date_format(self.data_to, "j F Y")}

    @property
    def period_label(self):
        """The period's name, with the provisional mark while it is not over ("2026 (provisional,
        data to 7 December 2026)"): the label alone would claim the whole period."""
        if self.data_to is None:
            return self.period.label
        return f"{self.period.label} ({self.provisional})"

    @property
    def provisional_note(self):
        if self.data_to is None:
            return ""
        return _(
            "Provisional: the period is not over. The figures hold the data recorded to %(date)s and will change "
            "until the period ends; those on a day (members) are counted on that day."
        ) % {"date": date_format(self.data_to, "j F Y")}

    def table(self, key):
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        raise KeyError(key)

    def figure(self, key):
        return next(f for f in self.key_figures if f.key == key)
