"""The population size estimates the GAM coverage is worked out over, and what DHIS2 is sent.
(The figures of closed periods are kept by ``opsi.kept``, see ``reports.kept``.)"""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PopulationSizeEstimate(models.Model):
    """How many sex workers a branch's area holds, as estimated (a mapping, the Ministry of
    Health's key-population estimate): the denominator of UNAIDS GAM coverage, programme data
    (``reports.indicators.access.gam_programme_coverage``). Entered and dated by the
    secretariat; a report uses each branch's latest estimate for its year or before."""

    branch = models.ForeignKey(
        "opsi.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="size_estimates"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], help_text=_("The year it is for.")
    )
    sex_workers = models.PositiveIntegerField(_("estimated number of sex workers"), validators=[MinValueValidator(1)])
    source = models.CharField(
        _("source"), max_length=200, help_text=_("Who made the estimate and how, e.g. a mapping by the branch in 2025.")
    )
    estimated_on = models.DateField(_("date of the estimate"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("population size estimate")
        verbose_name_plural = _("population size estimates")
        ordering = ["branch__name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year"],
                name="one_size_estimate_per_branch_and_year",
                violation_error_message=_("This branch already has an estimate for this year."),
            )
        ]

    def __str__(self):
        return f"{self.branch} {self.year}: {self.sex_workers}"


auditlog.register(PopulationSizeEstimate)


from .exchange.models import DataElementMapping, Dhis2Export, MappingVersion, OrgUnitMapping  # noqa: E402,F401
