from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from opsi.scoping import ScopedQuerySet


class PlaceKind(models.TextChoices):
    HOTSPOT = "hotspot", _("Hotspot or street")
    BROTHEL = "brothel", _("Brothel or dorm")
    VENUE = "venue", _("Entertainment venue")
    ONLINE = "online", _("Online (social media or apps)")


class Topic(models.TextChoices):
    HIV_STI = "hiv_sti", _("HIV and STIs")
    CONDOMS = "condoms", _("Condom and lubricant use")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction and crystal meth")
    METH_AND_SEX = "meth_and_sex", _("Crystal meth (sabu) in a sexual context")
    PREP_PEP = "prep_pep", _("PrEP and PEP")
    RIGHTS = "rights", _("Rights and safety")
    DOCUMENTS = "documents", _("KTP and BPJS")
    VIOLENCE = "violence", _("Violence and where to get help")
    OTHER = "other", _("Other")


class OutreachSessionQuerySet(ScopedQuerySet):
    def in_period(self, start, end):
        return self.filter(held_on__range=(start, end))

    def contacts(self):
        """{"new": n, "repeat": n}: the contacts counted without a code."""
        counted = self.aggregate(new=Sum("new_contacts"), repeat=Sum("repeat_contacts"))
        return {"new": counted["new"] or 0, "repeat": counted["repeat"] or 0}

    def commodities_by_kind(self):
        return OutreachCommodity.objects.filter(session__in=self).values("commodity").annotate(quantity=Sum("quantity"))


class OutreachSession(models.Model):
    """Peer outreach at a hotspot, street, dorm, venue or online."""

    branch_path = "branch"

    branch = models.ForeignKey(
        "opsi.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="outreach_sessions"
    )
    held_on = models.DateField(_("date"))
    place_kind = models.CharField(_("kind of place"), max_length=10, choices=PlaceKind.choices)
    area = models.CharField(_("area"), max_length=100, blank=True, help_text=_("District or area, no exact address."))
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("outreach workers"), blank=True, related_name="outreach_sessions"
    )
    peer_educators = models.ManyToManyField(
        "members.Member", verbose_name=_("peer educators"), blank=True, related_name="outreach_led"
    )
    new_contacts = models.PositiveIntegerField(
        _("new contacts"), default=0, help_text=_("People met for the first time, not known by code.")
    )
    repeat_contacts = models.PositiveIntegerField(
        _("repeat contacts"), default=0, help_text=_("People met before, not known by code.")
    )
    stock_centre = models.ForeignKey(
        "opsi.DropInCentre",
        verbose_name=_("stock taken from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The drop-in centre whose stock the items handed out came from."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(unique=True, null=True, editable=False)

    objects = OutreachSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach session")
        verbose_name_plural = _("outreach sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["branch", "held_on"], name="outreach_branch_date")]

    def __str__(self):
        return f"{self.get_place_kind_display()} {self.held_on}"


class OutreachContact(models.Model):
    """A person reached, by member record or by code."""

    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="contacts")
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="outreach_contacts"
    )
    uic = models.CharField(_("unique identifier code"), max_length=16)


class SessionTopic(models.Model):
    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)


class OutreachCommodity(models.Model):
    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="commodities")
    commodity = models.ForeignKey("services.Commodity", verbose_name=_("item"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"))


auditlog.register(OutreachSession, exclude_fields=["submission_key"], m2m_fields={"workers", "peer_educators"})
auditlog.register(OutreachContact, exclude_fields=["uic"])
auditlog.register(OutreachCommodity)
