import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsi.dates import DateInput
from opsi.tenant import Branch, Region
from opsi.dates import PlanningDateField
from opsi.forms import CleanTextMixin

from . import kept, periods
from .definitions import DEFINITIONS
from .scopes import Scope


class ReportForm(CleanTextMixin, forms.Form):
    definition = forms.ChoiceField(label=_("Report"), choices=[])
    period_kind = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("quarter", _("Quarter")),
            ("half", _("Half-year")),
            ("year", _("Year")),
            ("range", _("Date range")),
        ],
        initial="quarter",
    )
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)
    number = forms.TypedChoiceField(
        label=_("Quarter or half"),
        coerce=int,
        choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")],
        required=False,
        initial=1,
    )
    # From 2000 to a year ahead (a quarter not over yet may be asked for): a range near
    # the years 1 or 9999 has no previous period to compare with.
    start = PlanningDateField(label=_("From"), required=False, widget=DateInput())
    end = PlanningDateField(label=_("Until"), required=False, widget=DateInput())
    scope = forms.ChoiceField(label=_("Scope"), choices=[])
    # For use outside OPSI: every figure rounded (``reports.protection``).
    suppress = forms.BooleanField(
        label=_("For use outside OPSI (figures rounded to 5)"),
        help_text=_("Only for a quarter, half-year or year that has ended."),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["definition"].choices = [(d.key, d.title) for d in DEFINITIONS.values()]
        self.fields["scope"].choices = scope_choices(user)
        today = timezone.localdate()
        # The quarter under way, not the first of the year (a December report opened on Q1).
        self.fields["year"].initial = today.year
        self.fields["number"].initial = (today.month - 1) // 3 + 1

    def clean(self):
        cleaned = super().clean()
        kind, year, number = cleaned.get("period_kind"), cleaned.get("year"), cleaned.get("number") or 1
        if not year:
            return cleaned
        if kind == "quarter":
            cleaned["period"] = periods.quarter(year, number)
        elif kind == "half":
            if number > 2:
                self.add_error("number", _("A year has two halves."))
                return cleaned
            cleaned["period"] = periods.half_year(year, number)
        elif kind == "year":
            cleaned["period"] = periods.year(year)
        else:
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start or not end:
                raise ValidationError(_("Give the first and the last day of the range."))
            if end < start:
                raise ValidationError(_("The range ends before it starts."))
            if (end - start) > datetime.timedelta(days=3 * 366):
                raise ValidationError(_("A range can cover at most three years."))
            cleaned["period"] = periods.Period(start, end)
        if cleaned.get("suppress") and cleaned.get("period"):
            # Rounded figures of overlapping ranges would give exact counts back.
            if cleaned["period"].kind is None:
                self.add_error(
                    "period_kind",
                    _("A report for use outside OPSI covers a quarter, a half-year or a year, not a date range."),
                )
            elif not kept.is_closed(cleaned["period"]):
                self.add_error("period_kind", _("A report for use outside OPSI covers a period that has ended."))
        kind_value = (cleaned.get("scope") or "national:").split(":", 1)
        scope = Scope(*kind_value)
        if not scope.allowed(self.user):
            self.add_error("scope", _("You cannot report on this scope."))
        elif scope.kind != "national" and cleaned.get("period") and cleaned["period"].shorter_than_a_month:
            # A day or a week of one branch is few enough people to be told apart.
            self.add_error("period_kind", _("A branch or region report covers at least a month."))
        cleaned["scope_obj"] = scope
        cleaned["definition_obj"] = DEFINITIONS.get(cleaned.get("definition"))
        return cleaned


def scope_choices(user):
    choices = []
    if user.sees_all_branches:
        choices.append(("national:", _("National")))
        choices += [(f"region:{code}", _("Region %(name)s") % {"name": label}) for code, label in Region.choices]
    choices += [(f"branch:{b.pk}", b.name) for b in Branch.objects.visible_to(user).order_by("name")]
    return choices
