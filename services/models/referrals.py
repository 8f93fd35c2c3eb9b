from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsi.scoping import ScopedQuerySet


class FacilityKind(models.TextChoices):
    PUSKESMAS = "puskesmas", _("Puskesmas (community health centre)")
    HOSPITAL = "hospital", _("Hospital")
    VCT_CLINIC = "vct_clinic", _("VCT / PKBI clinic")
    OTHER = "other", _("Other")


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for news")
    REACHED = "reached", _("Reached the service")
    NOT_REACHED = "not_reached", _("Did not reach the service")
    UNKNOWN = "unknown", _("Unknown")


class ReferralQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(outcome=ReferralOutcome.PENDING)


class Referral(models.Model):
    """A person sent to a health facility, from a visit, an outreach session or a case."""

    branch_path = "branch"

    branch = models.ForeignKey(
        "opsi.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="referrals"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    uic = models.CharField(
        _("unique identifier code"),
        max_length=16,
        blank=True,
        help_text=_("For a person who is not a member."),
    )
    visit = models.ForeignKey(
        "services.Visit",
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    outreach_session = models.ForeignKey(
        "outreach.OutreachSession",
        verbose_name=_("outreach session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    made_on = models.DateField(_("referred on"))
    facility_kind = models.CharField(_("facility"), max_length=12, choices=FacilityKind.choices)
    facility_name = models.CharField(_("facility name"), max_length=100, blank=True)
    service = models.CharField(_("service"), max_length=100, help_text=_("For example: HIV test, STI check, ARV."))
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING
    )
    outcome_on = models.DateField(_("outcome known on"), null=True, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-made_on", "-pk"]
        indexes = [models.Index(fields=["branch", "outcome", "made_on"], name="referral_open")]

    def __str__(self):
        return f"{self.get_facility_kind_display()}: {self.service}"


auditlog.register(Referral, exclude_fields=["uic"])
