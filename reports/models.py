"""Figures kept for closed periods (see ``reports.kept``): counts and labels only, never
member data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeptReport(models.Model):
    """The unrounded figures of one report (definition, period, branches in scope,
    language, code version), built once a period had ended. Dropped when a change dated on or
    before the period's last day is saved (``reports.kept``)."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    period_end = models.DateField(_("last day of the period"), db_index=True)
    figures = models.JSONField(_("figures"))
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    # The highest attendance id seen: attendances are added in bulk (no signal), so newer ones
    # dated inside the period are looked for when the figures are read.
    attendance_mark = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("kept report")
        verbose_name_plural = _("kept reports")


class LateChange(models.Model):
    """A change that reached into closed periods (from ``on``): a report computed while it
    was being saved must not keep what it counted (``reports.kept``)."""

    on = models.DateField(_("from"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("late change")
        verbose_name_plural = _("late changes")
