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
    PARTNER = "partner", _("A partner's service (directory)")


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for news")
    REACHED = "reached", _("Reached the service")
    NOT_REACHED = "not_reached", _("Did not reach the service")
    UNKNOWN = "unknown", _("Unknown")


class ReferralResult(models.TextChoices):
    """What the person received at a partner's service, as the partner says."""

    TESTED_HIV = "tested_hiv", _("Tested for HIV")
    STARTED_ART = "started_art", _("Started HIV treatment (ART)")
    STARTED_METHADONE = "started_methadone", _("Started methadone")
    NEEDLES = "needles", _("Received needles and syringes")
    STI_CARE = "sti_care", _("Tested or treated for STIs")
    STARTED_PREP = "started_prep", _("Started PrEP (HIV prevention pills)")
    LEGAL_AID = "legal_aid", _("Received legal aid")
    SHELTER = "shelter", _("Given shelter")
    OTHER = "other", _("Other help received")


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
    partner_service = models.ForeignKey(
        "partners.PartnerService",
        verbose_name=_("partner's service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    result = models.CharField(_("what the person received"), max_length=20, choices=ReferralResult.choices, blank=True)
    confirmed_by_partner = models.BooleanField(
        _("confirmed by the partner"), default=False, help_text=_("The partner closed it through its link.")
    )
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
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

    @property
    def recorded_by_id(self):
        return self.made_by_id  # for opsi.submissions.create_once


class ReferralLink(models.Model):
    """A one-time link a partner opens, without an account, to say whether the person came
    and what she received. Only a hash of its token is kept: a copy of the database opens
    nothing. It dies once used, when it expires, or when a newer link is made."""

    branch_path = "referral__branch"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner's link")
        verbose_name_plural = _("partners' links")


auditlog.register(Referral, exclude_fields=["uic"])
auditlog.register(ReferralLink, exclude_fields=["token_hash"])
