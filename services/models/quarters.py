from django.db import models
from django.utils.translation import gettext_lazy as _


class KeptQuarter(models.Model):
    """A branch's visits and people on a quarter's days that have ended everywhere (a closed
    quarter whole, or the open one up to the day before), counted once and kept
    (``services.closed_quarters``): counts only, never a member's record or code."""

    starts_on = models.DateField(_("quarter from"))
    ends_on = models.DateField(_("last day counted"))
    branch = models.ForeignKey("opsi.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch"))
    visits = models.PositiveIntegerField(_("visits"))
    people = models.PositiveIntegerField(_("people"))
    made_at = models.DateTimeField(_("counted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("kept quarter figures")
        verbose_name_plural = _("kept quarter figures")
        constraints = [
            models.UniqueConstraint(fields=["starts_on", "ends_on", "branch"], name="kept_quarter_branch_once")
        ]

    def __str__(self):
        return f"{self.starts_on.isoformat()}..{self.ends_on.isoformat()}"


class QuarterChange(models.Model):
    """A visit saved or deleted with a date that has ended everywhere: figures being counted
    beside it are shown once and not kept."""

    on = models.DateField(_("date changed"))
    at = models.DateTimeField(_("noted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change in a closed quarter")
        verbose_name_plural = _("changes in closed quarters")

    def __str__(self):
        return self.on.isoformat()
