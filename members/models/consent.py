"""Consent by purpose (UU PDP 27/2022): what a member agreed to, when, and its withdrawal.

Registering a member records that she agreed to be recorded (``Member.consent_on``, the text
of ``consent_version``), which covers the services, being contacted for follow-up, being
counted in donor reports and in the aggregate figures shared with a partner under an
agreement: a purpose with no row here stands as given on that day. A withdrawal from partner
sharing names one partner, or none for every partner. Incident documentation levels stay on
each incident (``incidents``), where the person chose them.

One row per member, purpose and partner: giving again clears the withdrawal; the history of
both is in the audit trail. The apps honour a withdrawal by reading these rows in their own
queries: the follow-up lists leave out a member withdrawn from contact, and donor reports
leave her out of the people counted by code in every period that ends on or after the day
of the withdrawal.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsi.scoping import ScopedQuerySet


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", _("Services at the drop-in centre")
    OUTREACH_CONTACT = "outreach_contact", _("Being contacted for follow-up")
    DONOR_COUNTING = "donor_counting", _("Being counted in donor reports")
    PARTNER_SHARING = "partner_sharing", _("Figures shared with a named partner under an agreement")


# Purposes that registration covers until withdrawn.
GIVEN_AT_REGISTRATION = (
    ConsentPurpose.SERVICES,
    ConsentPurpose.OUTREACH_CONTACT,
    ConsentPurpose.DONOR_COUNTING,
    ConsentPurpose.PARTNER_SHARING,
)


class ConsentQuerySet(ScopedQuerySet):
    def withdrawn(self, purpose, on):
        """Rows of ``purpose`` withdrawn on or before ``on``."""
        return self.filter(purpose=purpose, withdrawn_on__lte=on)

    def withdrawn_member_ids(self, purpose, on):
        """A subquery of the ids of members withdrawn from ``purpose`` by ``on``."""
        return self.withdrawn(purpose, on).values("member_id")

    def withdrawn_from_partner(self, partner, on):
        """Rows withdrawing partner sharing from ``partner`` (by name) or from every partner, by ``on``."""
        named = models.Q(partner="") | models.Q(partner__iexact=partner.strip())  # typed by hand at a centre
        return self.withdrawn(ConsentPurpose.PARTNER_SHARING, on).filter(named)

    def withdrawn_codes(self, purpose, on):
        """A subquery of the codes of members withdrawn from ``purpose`` by ``on``: their walk-in
        visits and contacts by code before they registered are the same person's."""
        return self.withdrawn(purpose, on).values("member__uic")


class Consent(models.Model):
    branch_path = "member__branch"

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    partner = models.CharField(
        _("partner"),
        max_length=120,
        blank=True,
        help_text=_("For sharing with a partner: the partner named in the agreement the member agreed to."),
    )
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(
        _("withdrawn on"), null=True, blank=True, help_text=_("Honoured from this day on; empty while it stands.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["member", "purpose", "partner"]
        constraints = [
            models.UniqueConstraint(fields=["member", "purpose", "partner"], name="consent_one_per_purpose"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]
        indexes = [models.Index(fields=["purpose", "withdrawn_on"], name="consent_purpose_withdrawn")]

    def __str__(self):
        return self.get_purpose_display() + (f" ({self.partner})" if self.partner else "")

    @property
    def stands(self):
        return self.withdrawn_on is None


auditlog.register(Consent)
