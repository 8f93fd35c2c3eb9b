"""Members' requests under UU PDP 27/2022 and the breach log.

A request is recorded at a drop-in centre by a coordinator who checked, in person, that the
person asking is the member (the app never asks for, nor keeps, a copy of an ID document).
Every request is due 3 x 24 hours after it was received (``DUE_WITHIN``): the law sets that
limit for access (Pasal 32 ayat 2), correction (Pasal 30), the withdrawal of consent (Pasal
40) and for delaying or restricting processing (Pasal 41); for erasure and objection it sets
no shorter one, and the same limit is kept so that one rule holds for every request.

A breach must be notified in writing to the people concerned and to the supervisory body
within 3 x 24 hours (Pasal 46): the clock runs from the moment it was found.
"""

import datetime

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsi.scoping import ScopedQuerySet

DUE_WITHIN = datetime.timedelta(hours=72)
NOTICE_WITHIN = datetime.timedelta(hours=72)


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access: a copy of what OPSI holds about her")
    CORRECTION = "correction", _("Correction of her records")
    ERASURE = "erasure", _("Erasure of her records")
    WITHDRAWAL = "withdrawal", _("Withdrawal of consent")
    OBJECTION = "objection", _("Objection to a use of her data")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused, with the reason")


class IdentityCheck(models.TextChoices):
    KNOWN = "known", _("Known in person to the coordinator")
    CODE = "code", _("She gave the answers her code is built from")
    VOUCHED = "vouched", _("A peer educator who knows her was there")


class RequestQuerySet(ScopedQuerySet):
    """The branch's coordinators see their branches' requests; the data protection officer
    and administrators see every branch's; nobody else sees any."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.protects_data or user.is_admin:
            return self.all()
        if user.role != user.Role.COORDINATOR:
            return self.none()
        return self._branch_filter(user.branch_ids)

    def writable_by(self, user):
        return self.visible_to(user)

    def open(self):
        return self.filter(status=RequestStatus.OPEN)

    def late(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())


class MemberRequest(models.Model):
    branch_path = "branch"

    branch = models.ForeignKey("opsi.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    drop_in_centre = models.ForeignKey(
        "opsi.DropInCentre", verbose_name=_("received at"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="requests"
    )
    kind = models.CharField(_("request"), max_length=12, choices=RequestKind.choices)
    details = models.TextField(
        _("what she asks"),
        blank=True,
        help_text=_("For a correction or an objection: what and why. No names, ID numbers or phone numbers."),
    )
    checked_how = models.CharField(
        _("how it was checked that it is her"),
        max_length=10,
        choices=IdentityCheck.choices,
        help_text=_("In person, at the centre. Never ask for nor keep a copy of an ID document."),
    )
    language = models.CharField(
        _("language of her copy"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_at = models.DateTimeField(_("due by"), editable=False)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    outcome = models.TextField(_("what was done"), blank=True, help_text=_("No names, ID numbers or phone numbers."))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    copy_made_at = models.DateTimeField(_("copy made at"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    submission_key = models.UUIDField(unique=True, null=True, editable=False)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("member's request")
        verbose_name_plural = _("members' requests")
        ordering = ["status", "due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="request_open_due")]

    def __str__(self):
        # The number only: this text is copied into the audit trail.
        return str(_("Request #%(number)s")) % {"number": self.pk}

    def save(self, *args, **kwargs):
        self.due_at = self.received_at + DUE_WITHIN
        super().save(*args, **kwargs)

    @property
    def is_late(self):
        return self.status == RequestStatus.OPEN and self.due_at < timezone.now()


class BreachQuerySet(models.QuerySet):
    """Breaches: the data protection officer's and the administrators'; nobody else's."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all() if user.protects_data or user.is_admin else self.none()

    def open(self):
        return self.filter(closed_at__isnull=True)


class Breach(models.Model):
    what = models.TextField(
        _("what was exposed"), help_text=_("Which data, of whom (by kind of record), how many people if known.")
    )
    how = models.TextField(_("how it happened"), help_text=_("A lost phone, a shared login, a wrong recipient..."))
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True, help_text=_("If known."))
    found_at = models.DateTimeField(_("when it was found"), default=timezone.now)
    branches = models.ManyToManyField("opsi.Branch", verbose_name=_("branches concerned"), blank=True)
    members = models.ManyToManyField(
        "members.Member",
        verbose_name=_("members whose records were exposed"),
        blank=True,
        related_name="+",
        help_text=_("Known ones; the branches cover the rest."),
    )
    actions = models.TextField(
        _("what is being done"), blank=True, help_text=_("To stop it, recover the data, and protect the people.")
    )
    members_notified_at = models.DateTimeField(_("members notified at"), null=True, blank=True)
    authority_notified_at = models.DateTimeField(_("supervisory body notified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    submission_key = models.UUIDField(unique=True, null=True, editable=False)

    objects = BreachQuerySet.as_manager()

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["-found_at", "pk"]

    def __str__(self):
        return str(_("Breach #%(number)s")) % {"number": self.pk}

    @property
    def notice_due_at(self):
        return self.found_at + NOTICE_WITHIN

    @property
    def notified(self):
        return self.members_notified_at is not None and self.authority_notified_at is not None

    def time_left(self, now=None):
        """What is left of the 3 x 24 hours (negative once passed)."""
        return self.notice_due_at - (now or timezone.now())


# What she asked, what was done and what was exposed are free text: the trail keeps that they
# changed, never the words (which may describe a person and would outlive her erasure there).
auditlog.register(
    MemberRequest,
    exclude_fields=["submission_key"],
    mask_fields=["details", "outcome"],
    mask_callable="opsi.audit.hide_value",
)
auditlog.register(
    Breach,
    exclude_fields=["submission_key"],
    m2m_fields={"branches", "members"},
    mask_fields=["what", "how", "actions"],
    mask_callable="opsi.audit.hide_value",
)
