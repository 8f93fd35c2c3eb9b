"""The directory of partners and their services, shaped like Open Referral: a partner
(organisation) offers services at its locations.

It holds no member data: every logged-in user reads all of it (a worker in Bali may send
someone to a methadone clinic across the strait), and the capture app keeps a copy on the
phone. A partner of a branch is kept by that branch's coordinators; a national partner
(no branch) by the secretariat.
"""

from auditlog.registry import auditlog
from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectoryQuerySet(models.QuerySet):
    """Read by everyone logged in; changed by the coordinators of the partner's branch, or by
    the secretariat for a national partner, and by administrators."""

    partner_path = "partner"

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()

    def writable_by(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_admin:
            return self.all()
        prefix = f"{self.partner_path}__" if self.partner_path else ""
        if user.role == user.Role.SECRETARIAT:
            return self.filter(**{f"{prefix}branch__isnull": True})
        if user.role == user.Role.COORDINATOR:
            return self.filter(**{f"{prefix}branch__in": user.branch_ids})
        return self.none()


class PartnerQuerySet(DirectoryQuerySet):
    partner_path = ""


def keeps_directory(user):
    """Whether the user keeps some part of the directory (adds partners)."""
    return user.is_admin or user.role in (user.Role.SECRETARIAT, user.Role.COORDINATOR)


class Partner(models.Model):
    """An organisation OPSI works with (Open Referral's "organization")."""

    name = models.CharField(_("name"), max_length=120)
    branch = models.ForeignKey(
        "opsi.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        help_text=_("Leave empty for a national partner (kept by the secretariat)."),
    )
    description = models.TextField(_("what they do"), blank=True, max_length=1000)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone of the organisation"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class PartnerLocation(models.Model):
    """Where a partner receives people (Open Referral's "location")."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="locations")
    branch = models.ForeignKey(
        "opsi.Branch",
        verbose_name=_("nearest branch"),
        on_delete=models.PROTECT,
        related_name="partner_locations",
        help_text=_("The OPSI branch this place is near, so that its workers find it."),
    )
    name = models.CharField(_("name of the place"), max_length=120)
    address = models.CharField(_("address"), max_length=250, blank=True)
    area = models.CharField(_("town or district"), max_length=100, blank=True)
    directions = models.CharField(
        _("how to get there"), max_length=250, blank=True, help_text=_("For example: 2 hours by bus from the city.")
    )

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner's location")
        verbose_name_plural = _("partners' locations")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}, {self.area}" if self.area else self.name


class ServiceKind(models.TextChoices):
    NEEDLE_SYRINGE = "needle_syringe", _("Needle and syringe programme (LASS)")
    METHADONE = "methadone", _("Methadone (PTRM)")
    HIV = "hiv", _("HIV testing and treatment")
    STI = "sti", _("STI testing and treatment")
    PREP = "prep", _("PrEP (HIV prevention pills)")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SHELTER = "shelter", _("Shelter")
    COMMUNITY = "community", _("Partner community organisation")


class PartnerService(models.Model):
    """A service a partner offers at one or more of its locations (Open Referral's "service"
    and "service at location")."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("kind of service"), max_length=16, choices=ServiceKind.choices)
    name = models.CharField(_("name of the service"), max_length=120)
    locations = models.ManyToManyField(PartnerLocation, verbose_name=_("where"), related_name="services", blank=True)
    hours = models.CharField(
        _("opening hours"), max_length=200, blank=True, help_text=_("For example: Mon-Fri 08:00-14:00.")
    )
    cost = models.CharField(_("cost"), max_length=200, blank=True, help_text=_("For example: free with BPJS."))
    what_to_bring = models.CharField(
        _("what to bring"), max_length=250, blank=True, help_text=_("For example: KTP, BPJS card, referral letter.")
    )
    welcomes_sex_workers = models.BooleanField(
        _("known to treat sex workers well"), default=False, help_text=_("Tick only when workers have seen it.")
    )
    welcomes_drug_users = models.BooleanField(
        _("known to treat people who use drugs well"),
        default=False,
        help_text=_("Tick only when workers have seen it."),
    )
    last_checked_on = models.DateField(
        _("last checked on"), help_text=_("When someone last made sure this information is still right.")
    )
    active = models.BooleanField(_("active"), default=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner's service")
        verbose_name_plural = _("partners' services")
        ordering = ["kind", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.partner.name})"


auditlog.register(Partner)
auditlog.register(PartnerLocation)
auditlog.register(PartnerService, m2m_fields={"locations"})


class AgreementScope(models.TextChoices):
    NATIONAL = "national", _("The whole country")
    REGION = "region", _("Each region (west, central, east)")


class AgreementQuerySet(models.QuerySet):
    def live(self, today):
        """Agreements whose figures may be released today: signed, not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_on__gte=today)


class DataSharingAgreement(models.Model):
    """What a partner may receive of OPSI's aggregate figures: which report's key figures and
    sections, at which breakdowns, over which periods, until when, signed by whom. Its named
    contact downloads them through a link that needs no account (only the link's hash is kept);
    nothing outside the agreement, nothing after it expires or is revoked, never a person-level
    record. Kept by the secretariat."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="agreements")
    purpose = models.TextField(_("purpose"), max_length=1000, help_text=_("What the partner uses the figures for."))
    definition = models.CharField(_("report"), max_length=20)
    key_figures = models.JSONField(_("key figures"), default=list, blank=True)
    sections = models.JSONField(_("sections"), default=list, blank=True)
    scopes = models.JSONField(_("breakdowns"), default=list)
    period_start = models.DateField(_("figures from"))
    period_end = models.DateField(_("figures to"))
    expires_on = models.DateField(_("expires on"))
    signed_by = models.CharField(
        _("signed by"), max_length=200, help_text=_("Who signed for OPSI and for the partner, with their roles.")
    )
    signed_on = models.DateField(_("signed on"))
    contact_name = models.CharField(
        _("partner's contact"), max_length=120, help_text=_("The named person at the partner who downloads.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    made_by = models.ForeignKey(
        "opsi.User", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey("opsi.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        ordering = ["-signed_on", "-pk"]

    def __str__(self):
        return f"{self.partner.name}: {self.signed_on}"


class AgreementRelease(models.Model):
    """One download of figures under an agreement: what period and breakdown, when, from where."""

    agreement = models.ForeignKey(DataSharingAgreement, on_delete=models.PROTECT, related_name="releases")
    period = models.CharField(_("period"), max_length=40)
    scope = models.CharField(_("breakdown"), max_length=40)
    released_at = models.DateTimeField(_("released at"), auto_now_add=True)
    address = models.GenericIPAddressField(_("from the address"), null=True, blank=True)

    class Meta:
        verbose_name = _("release of figures")
        verbose_name_plural = _("releases of figures")
        ordering = ["-released_at", "-pk"]


auditlog.register(DataSharingAgreement, exclude_fields=["token_hash"])
auditlog.register(AgreementRelease)


class CompanionEdition(models.Model):
    """An edition of the outreach companion (buku saku): every topic's text as published
    together, with what changed since the edition before. Edited by the secretariat. Nothing
    records who reads it."""

    number = models.PositiveIntegerField(_("edition"), unique=True)
    published_on = models.DateField(_("published on"))
    changes_id = models.TextField(_("what changed (Bahasa Indonesia)"), max_length=2000)
    changes_en = models.TextField(_("what changed (English)"), max_length=2000, blank=True)
    published_by = models.ForeignKey(
        "opsi.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )

    class Meta:
        verbose_name = _("companion edition")
        verbose_name_plural = _("companion editions")
        ordering = ["-number"]

    def __str__(self):
        return str(self.number)


class CompanionTopic(models.Model):
    """One topic of an edition, in Bahasa Indonesia first and English, with its sources and the
    kinds of directory services it sends people to."""

    edition = models.ForeignKey(CompanionEdition, on_delete=models.CASCADE, related_name="topics")
    key = models.SlugField(_("key"), max_length=40, help_text=_("The same for a topic in every edition."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    icon = models.CharField(_("picture"), max_length=8, blank=True, help_text=_("One sign shown beside the title."))
    title_id = models.CharField(_("title (Bahasa Indonesia)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    body_id = models.TextField(_("text (Bahasa Indonesia)"), max_length=8000)
    body_en = models.TextField(_("text (English)"), max_length=8000, blank=True)
    sources = models.TextField(_("sources"), max_length=2000)
    service_kinds = models.JSONField(_("services to refer to"), default=list, blank=True)

    class Meta:
        verbose_name = _("companion topic")
        verbose_name_plural = _("companion topics")
        ordering = ["order", "key"]
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="one_text_per_topic_and_edition")]

    def __str__(self):
        return self.title_id


auditlog.register(CompanionEdition)
auditlog.register(CompanionTopic)
