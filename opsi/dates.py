"""The one rule for dates typed into a form: sane bounds, a clear message.

A record of work (a visit, stock received, a member joining, an incident, an
outreach session, a kind change) happened between ``EARLIEST`` and today where
the branch is. A date of birth has its own earlier bound. Report ranges, list
filters and the last day of a training may reach a little ahead
(``PLANNING_AHEAD``): a quarter that is not over yet is a fair thing to ask for.

Every date field of the project's forms is one of the fields below (a test walks
the forms to hold that). The fields alone do not know the branch, so they refuse
only what is after today everywhere in the country; forms that know the branch
check its own day through ``Branch.refuse_future``, which applies the same rule.
"""

import datetime
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

# Before the organisation's programmes: a slip of the finger (0001, 1900), never a record.
EARLIEST = datetime.date(2000, 1, 1)
# The same bound as a member's birth year.
EARLIEST_BIRTH = datetime.date(1930, 1, 1)
PLANNING_AHEAD = datetime.timedelta(days=366)
# The country's easternmost time zone reaches a new day first: a date that is today
# there is not yet refused by a field that does not know the branch.
LAST_TO_CHANGE_DAY = zoneinfo.ZoneInfo("Asia/Jayapura")


def country_today():
    return timezone.localdate(timezone=LAST_TO_CHANGE_DAY)


# The westernmost zone (WIB) reaches a new day last: a day before today there has ended everywhere
# in the country, so figures of a period that ended then are facts (reports.kept,
# services.closed_quarters).
WESTERNMOST_ZONE = zoneinfo.ZoneInfo("Asia/Jakarta")


def ended_everywhere_before():
    """Today in WIB: every day before it has ended in every part of the country."""
    return timezone.localdate(timezone=WESTERNMOST_ZONE)


def as_date(value, unknown=None):
    """A record's date as saved (a form or a factory may still hold it as text); ``unknown`` when
    it cannot be read as a date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return unknown


def month_start(day, months_back=0):
    year, month = day.year, day.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1)


def quarter_start(day, quarters_back=0):
    return month_start(day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1), 3 * quarters_back)


def check_date(value, *, today, earliest=EARLIEST, ahead=datetime.timedelta(0), earliest_message=None):
    """``value`` itself, or a ValidationError when it lies outside [earliest, today + ahead]."""
    if value is None:
        return value
    if value < earliest:
        raise ValidationError(
            earliest_message or _("The date cannot be before %(earliest)s."),
            code="too_early",
            params={"earliest": formats.date_format(earliest)},
        )
    if today is not None and value > today + ahead:
        if not ahead:
            raise ValidationError(_("This date is in the future."), code="future")
        raise ValidationError(
            _("The date cannot be after %(latest)s."),
            code="too_late",
            params={"latest": formats.date_format(today + ahead)},
        )
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, **kwargs):
        super().__init__(attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date of work done: from ``EARLIEST``, not in the future."""

    widget = DateInput
    earliest = EARLIEST
    ahead = datetime.timedelta(0)
    earliest_message = None

    def not_before(self, date, message):
        """A later lower bound for this form (a member's join date), with its own message."""
        if date is not None and date > self.earliest:
            self.earliest, self.earliest_message = date, message

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput):
            attrs["min"] = self.earliest.isoformat()
        return attrs

    def validate(self, value):
        super().validate(value)
        check_date(
            value,
            today=country_today(),
            earliest=self.earliest,
            ahead=self.ahead,
            earliest_message=self.earliest_message,
        )


class BirthDateField(DateField):
    earliest = EARLIEST_BIRTH


class PlanningDateField(DateField):
    """A report range, a list filter or a training's last day: may reach a year ahead."""

    ahead = PLANNING_AHEAD
