"""HIV and STI care a person received: an HIV test, its result, treatment, STI treatment, PrEP.

Recorded where the work happens: at a drop-in centre visit, or from a referral's outcome (the
person was tested where she was sent). What was done (``HealthCare``: tested, STI treated,
PrEP) is read like the visit it belongs to. The result and the start of treatment tell that a
person lives with HIV: they sit apart (``HivResult``) under the incidents' kind of rule, stricter
than the branch rule: only the branch's coordinators read them, every read is in the audit trail,
the trail never holds their values, no list or export shows them, and reports count them as they
count incidents (``reports.indicators.health``).

The result is stored as a choice, not encrypted like the identity vault: reports count reactive
results in the database (an aggregate query), which a ciphertext would not allow, and the
identity vault's key would open both anyway. A copy of the database holds what a copy of the
incidents holds: categories linked to a visit and its code, never a name.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsi.audit import every_field, restrict_trail
from opsi.scoping import ScopedQuerySet


class Prep(models.TextChoices):
    STARTED = "started", _("Started PrEP")
    CONTINUED = "continued", _("Continued PrEP")


class HivResultKind(models.TextChoices):
    NON_REACTIVE = "non_reactive", _("Non-reactive")
    REACTIVE = "reactive", _("Reactive")
    NOT_GIVEN = "not_given", _("Not given to the person")


class HealthCareQuerySet(ScopedQuerySet):
    def in_period(self, start, end):
        return self.filter(given_on__range=(start, end))


class HealthCare(models.Model):
    """What was done for a person's health at a visit, or where a referral sent her."""

    branch_path = "branch"

    branch = models.ForeignKey("opsi.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    visit = models.OneToOneField(
        "services.Visit",
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="health",
    )
    referral = models.OneToOneField(
        "services.Referral",
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="health",
    )
    given_on = models.DateField(
        _("date"), help_text=_("The visit's date, or the day the referral's outcome became known.")
    )
    hiv_tested = models.BooleanField(_("HIV test done"), default=False)
    sti_treated = models.BooleanField(_("STI treatment given"), default=False)
    prep = models.CharField(_("PrEP"), max_length=10, choices=Prep.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HealthCareQuerySet.as_manager()

    class Meta:
        verbose_name = _("HIV and STI care")
        verbose_name_plural = _("HIV and STI care")
        constraints = [
            models.CheckConstraint(
                condition=Q(visit__isnull=False, referral__isnull=True) | Q(visit__isnull=True, referral__isnull=False),
                name="health_care_from_visit_or_referral",
            )
        ]
        indexes = [models.Index(fields=["given_on", "branch"], name="health_care_date_branch")]

    def __str__(self):
        return f"#{self.pk} {self.given_on}"


def reads_hiv_results(user):
    """HIV results and treatment: the coordinators of the branch, nobody else (not the
    secretariat, not administrators, not outreach workers, not the crisis-response role)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == user.Role.COORDINATOR)


class HivResultQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if not reads_hiv_results(user):
            return self.none()
        return self.in_branches(user.branch_ids)

    def writable_by(self, user):
        return self.visible_to(user)


class HivResult(models.Model):
    """The result of an HIV test, and the start of treatment (ART) after a reactive one."""

    branch_path = "care__branch"

    care = models.OneToOneField(HealthCare, on_delete=models.CASCADE, related_name="hiv_result")
    result = models.CharField(_("HIV test result"), max_length=12, choices=HivResultKind.choices)
    art_started_on = models.DateField(
        _("ART started on"), null=True, blank=True, help_text=_("After a reactive result: the day treatment began.")
    )
    # When the start of treatment was recorded (with the result, or later from the visit's page):
    # reports for readers counted to the incidents' cutoff count only what was recorded by then.
    art_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HivResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("HIV test result")
        verbose_name_plural = _("HIV test results")
        constraints = [
            models.CheckConstraint(
                condition=Q(art_started_on__isnull=True) | Q(result="reactive"), name="hiv_art_after_reactive"
            )
        ]

    def __str__(self):
        # Only the number: this text is copied into the audit trail, which must not tell the result.
        return f"#{self.pk}"


auditlog.register(HealthCare)
# Who recorded or changed a result and when, never what it is; seen in the audit admin only by
# those who may read the result.
auditlog.register(HivResult, mask_fields=every_field(HivResult), mask_callable="opsi.audit.hide_value")
restrict_trail(HivResult, lambda user: HivResult.objects.visible_to(user).values("pk"))
