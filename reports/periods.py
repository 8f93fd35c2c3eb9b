"""Reporting periods: quarter, half-year, year, or any date range (inclusive)."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def previous(self):
        """The period of the same length just before this one (same kind for calendar periods)."""
        if self.start.day == 1 and (self.end + datetime.timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            start = _add_months(self.start, -months)
            return Period(start, self.start - datetime.timedelta(days=1))
        return Period(self.start - datetime.timedelta(days=self.days), self.start - datetime.timedelta(days=1))

    @property
    def shorter_than_a_month(self):
        """True when the period ends before the day before the same date a month later."""
        return self.end < _same_day_next_month(self.start) - datetime.timedelta(days=1)

    @property
    def kind(self):
        """ "quarter", "half" or "year" for a calendar period, None for any other range."""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if self.start.day != 1 or (self.end + datetime.timedelta(days=1)).day != 1:
            return None
        if months == 12 and self.start.month == 1:
            return "year"
        if months == 6 and self.start.month in (1, 7):
            return "half"
        if months == 3 and self.start.month in (1, 4, 7, 10):
            return "quarter"
        return None

    @property
    def recorded_by(self):
        """The first day after the month that follows the period: incidents recorded before it
        are counted for readers who may not read incidents (``reports.protection``)."""
        return _add_months(self.end.replace(day=1), 2)

    @property
    def label(self):
        kind = self.kind
        if kind == "year":
            return str(self.start.year)
        if kind == "half":
            return _("Half %(n)s %(year)s") % {"n": 1 if self.start.month == 1 else 2, "year": self.start.year}
        if kind == "quarter":
            return _("Q%(n)s %(year)s") % {"n": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def _add_months(date, months):
    index = date.year * 12 + date.month - 1 + months
    return date.replace(year=index // 12, month=index % 12 + 1, day=1)


def _same_day_next_month(date):
    first = _add_months(date, 1)
    following = _add_months(date, 2)
    return first.replace(day=min(date.day, (following - datetime.timedelta(days=1)).day))


def quarter(year, n):
    start = datetime.date(year, 3 * (n - 1) + 1, 1)
    return Period(start, _add_months(start, 3) - datetime.timedelta(days=1))


def half_year(year, n):
    start = datetime.date(year, 1 if n == 1 else 7, 1)
    return Period(start, _add_months(start, 6) - datetime.timedelta(days=1))


def year(y):
    return Period(datetime.date(y, 1, 1), datetime.date(y, 12, 31))
