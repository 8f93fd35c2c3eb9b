from django.db import models
from django.utils.translation import gettext_lazy as _


class KeptQuarter(models.Model):
    """The visit figures of a closed quarter per branch, counted once and kept
    (``services.closed_quarters``): counts only, never a member's record or code."""

    starts_on = models.DateField(_("quarter from"), unique=True)
    figures = models.JSONField(_("figures"), help_text=_("Visits and people per branch."))
    made_at = models.DateTimeField(_("counted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("kept quarter figures")
        verbose_name_plural = _("kept quarter figures")

    def __str__(self):
        return self.starts_on.isoformat()


class QuarterChange(models.Model):
    """A visit saved or deleted inside a closed quarter: figures being counted beside it
    are shown once and not kept."""

    on = models.DateField(_("date changed"))
    at = models.DateTimeField(_("noted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change in a closed quarter")
        verbose_name_plural = _("changes in closed quarters")

    def __str__(self):
        return self.on.isoformat()
