from auditlog.context import auditlog_disabled
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsi.crypto import EncryptedTextField
from opsi.audit import every_field, hide_value, restrict_trail
from opsi.scoping import ScopedQuerySet


class PlaceKind(models.TextChoices):
    STREET = "street", _("Street or hotspot")
    BROTHEL = "brothel", _("Brothel, lokalisasi or dorm")
    VENUE = "venue", _("Entertainment venue")
    HOME = "home", pgettext_lazy("place", "Home")  # a house, not the home page
    POLICE = "police", _("Police station or detention")
    HEALTH = "health", _("Health facility")
    OFFICE = "office", _("Government office")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class ViolationKind(models.TextChoices):
    VIOLENCE = "violence", _("Physical or sexual violence")
    EXTORTION = "extortion", _("Extortion or robbery")
    ARREST = "arrest", _("Arrest or raid")
    REHABILITATION = "rehabilitation", _("Forced rehabilitation or eviction")
    HEALTH_DENIAL = "health_denial", _("Denial or discrimination in health services")
    OFFICE_REFUSAL = "office_refusal", _("Refusal at the civil-registry or insurance office")
    ONLINE = "online", _("Online harassment or exposure")
    OTHER = "other", _("Other")


class PerpetratorKind(models.TextChoices):
    CLIENT = "client", _("Client")
    POLICE = "police", _("Police")
    SATPOL_PP = "satpol_pp", _("Public order officers (Satpol PP)")
    HEALTH_WORKER = "health_worker", _("Health worker")
    GOVERNMENT = "government", _("Government officer")
    FAMILY = "family", _("Family or partner")
    VENUE_OWNER = "venue_owner", _("Venue owner")
    OTHER = "other", _("Other")


class Consent(models.TextChoices):
    RECORD_ONLY = "record_only", _("Record only")
    STATISTICS = "statistics", _("Count in anonymous statistics")
    ADVOCACY = "advocacy", _("Use in advocacy with details")
    LEGAL_ACTION = "legal_action", _("Act on it with legal aid")


STATISTICS_CONSENTS = [Consent.STATISTICS, Consent.ADVOCACY, Consent.LEGAL_ACTION]


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported, no help yet")
    RESPONDING = "responding", _("Help under way")
    CLOSED = "closed", _("Closed")


def incident_branch_ids(user):
    """The branches whose incidents a user who handles them reads and records: ``None`` for
    every branch (the crisis-response role is national by design), else the user's own."""
    return None if user.responds_nationally else user.branch_ids


class IncidentQuerySet(ScopedQuerySet):
    """Stricter than the common rule: only the branch's coordinators and the
    national crisis-response role read or change incidents; nobody else, not
    the secretariat, not administrators, not outreach workers."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.handles_incidents:
            return self.none()
        return self.in_branches(incident_branch_ids(user))

    def writable_by(self, user):
        return self.visible_to(user)

    def open(self):
        return self.exclude(status=Status.CLOSED)

    def countable(self):
        """Incidents whose consent allows anonymous statistics."""
        return self.filter(consent__in=STATISTICS_CONSENTS)


class Incident(models.Model):
    branch_path = "branch"

    branch = models.ForeignKey(
        "opsi.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="incidents"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member harmed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    uic = models.CharField(
        _("code of the person harmed"),
        max_length=16,
        blank=True,
        help_text=_("For a person who is not a member. Leave both empty if not given."),
    )
    occurred_on = models.DateField(_("date it happened"))
    place_kind = models.CharField(
        _("kind of place"), max_length=10, choices=PlaceKind.choices, help_text=_("No exact location.")
    )
    perpetrator = models.CharField(_("perpetrator"), max_length=15, choices=PerpetratorKind.choices)
    account = EncryptedTextField(
        _("short account"), help_text=_("What happened, briefly. No names of other people. Stored encrypted.")
    )
    consent = models.CharField(
        _("consent given"),
        max_length=15,
        choices=Consent.choices,
        help_text=_("What the person allows us to do with this record."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    referrals = models.ManyToManyField("services.Referral", verbose_name=_("referrals"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submission_key = models.UUIDField(unique=True, null=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["branch", "status", "reported_at"], name="incident_open")]

    def __str__(self):
        # Only the number: this text is copied into the audit trail, which must not tell what happened.
        return str(_("Incident #%(number)s")) % {"number": self.pk}


class Violation(models.Model):
    """One kind of violation in an incident (an incident may have several)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="violations")
    kind = models.CharField(_("kind of violation"), max_length=15, choices=ViolationKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "kind"], name="unique_violation_kind")]


class HelpKind(models.TextChoices):
    MEDICAL = "medical", _("Medical care")
    LEGAL = "legal", _("Legal aid")
    SHELTER = "shelter", _("Safe shelter")
    COUNSELLING = "counselling", _("Counselling")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment to the police or an office")
    OTHER = "other", _("Other")


class Response(models.Model):
    """Help needed or given for an incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="responses")
    help_kind = models.CharField(_("help"), max_length=15, choices=HelpKind.choices)
    given = models.BooleanField(_("given"), default=True, help_text=_("Unticked: needed, not given yet."))
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("No names."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["at"]


class AlertQuerySet(ScopedQuerySet):
    def current(self, on):
        return self.filter(created_at__date__lte=on, shows_until__gte=on)


class Alert(models.Model):
    """A warning to a branch's users: a violent client's description, a planned raid."""

    branch_path = "branch"

    branch = models.ForeignKey("opsi.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="alerts")
    text = models.TextField(_("warning"), max_length=500, help_text=_("No names of members."))
    shows_until = models.DateField(_("shown until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at"]


# The trail of incidents says who did what to which record and when, never what
# happened: every value is masked (the person harmed, the perpetrator, the place,
# the help and its note), the record's name is its number (``__str__``), and only
# those who may read the incident see its entries in the audit admin.
_HIDE = "opsi.audit.hide_value"
auditlog.register(
    Incident,
    exclude_fields=["submission_key"],
    mask_fields=every_field(Incident, but=["submission_key"]),
    mask_callable=_HIDE,
)
auditlog.register(Violation, mask_fields=every_field(Violation), mask_callable=_HIDE)
auditlog.register(Response, mask_fields=every_field(Response), mask_callable=_HIDE)
auditlog.register(Alert)


def _readable_incidents(user):
    return Incident.objects.visible_to(user).values("pk")


restrict_trail(Incident, _readable_incidents)
restrict_trail(Violation, lambda user: Violation.objects.filter(incident__in=_readable_incidents(user)).values("pk"))
restrict_trail(Response, lambda user: Response.objects.filter(incident__in=_readable_incidents(user)).values("pk"))


@receiver(m2m_changed, sender=Incident.referrals.through, dispatch_uid="incident_referrals_trail")
def _log_linked_referrals(sender, instance, action, reverse, pk_set, **kwargs):
    """Linking a referral is logged as a change of the incident, without naming the
    referral (its facility and service would tell what help was needed)."""
    if action not in ("post_add", "post_remove", "post_clear") or auditlog_disabled.get():
        return
    incidents = Incident.objects.filter(pk__in=pk_set or []) if reverse else [instance]
    for incident in incidents:
        LogEntry.objects.log_create(
            incident, action=LogEntry.Action.UPDATE, changes={"referrals": [hide_value(None), hide_value(None)]}
        )
