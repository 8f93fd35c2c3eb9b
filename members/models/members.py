from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsi.scoping import ScopedQuerySet
from opsi.tenant import Branch


class MemberKind(models.TextChoices):
    REGULAR = "regular", _("Regular member (active sex worker)")
    FORMER = "former", _("Former member (former sex worker)")
    HONORARY = "honorary", _("Honorary member (expert or ally)")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    WARIA = "waria", _("Waria / transgender woman")
    MAN = "man", _("Man")
    ANOTHER = "another", _("Another gender")
    NOT_SAID = "not_said", _("Not said")


class WorkSetting(models.TextChoices):
    STREET = "street", _("Street-based")
    BROTHEL = "brothel", _("Brothel / lokalisasi")
    DORM = "dorm", _("Dorm-based")
    VENUE = "venue", _("Entertainment venue (karaoke, spa, massage)")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class MemberQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(left_on__isnull=True)

    def search(self, text):
        """By alias (any part) or UIC (its start); never by anything in the identity vault."""
        from ..uic import normalise_uic

        text = (text or "").strip()
        if not text:
            return self
        code = normalise_uic(text)
        condition = Q(alias__icontains=text)
        if code:
            condition |= Q(uic__startswith=code)
        return self.filter(condition)


def asks_work_setting(kind):
    """Honorary members have no work setting: it is asked of every other kind."""
    return kind != MemberKind.HONORARY


def work_setting_for(kind, work_setting):
    """The work setting a member of ``kind`` keeps: none for an honorary member."""
    return work_setting if asks_work_setting(kind) else ""


class Member(models.Model):
    branch_path = "branch"

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="members")
    uic = models.CharField(
        _("unique identifier code"),
        max_length=16,
        db_index=True,
        help_text=_("Built from the mother's and father's initials, gender and birth date."),
    )
    alias = models.CharField(_("alias"), max_length=60, help_text=_("The name the person goes by. Not the legal name."))
    kind = models.CharField(_("kind of member"), max_length=10, choices=MemberKind.choices, default=MemberKind.REGULAR)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1930), MaxValueValidator(2100)],
    )
    work_setting = models.CharField(
        _("work setting"),
        max_length=10,
        choices=WorkSetting.choices,
        blank=True,
        help_text=_("Not asked of honorary members."),
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    peer_educator = models.BooleanField(_("peer educator"), default=False)
    consent_on = models.DateField(_("consent given on"), help_text=_("The day the person agreed to be recorded."))
    consent_version = models.CharField(_("consent text version"), max_length=20, default="2025-1")
    notes = models.TextField(_("notes"), blank=True, help_text=_("No names, addresses or phone numbers here."))
    linked_member = models.ForeignKey(
        "self",
        verbose_name=_("same person as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The same person registered in another branch."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["alias", "pk"]
        indexes = [
            models.Index(fields=["branch", "alias"], name="member_branch_alias"),
            models.Index(fields=["branch", "left_on"], name="member_branch_left"),
            # New members per branch over two quarters (the secretariat's home), from the index alone.
            models.Index(fields=["joined_on", "branch"], name="member_joined_branch"),
        ]

    def __str__(self):
        return f"{self.alias} ({self.uic})"

    TRACKED = ("branch_id", "peer_educator")

    @classmethod
    def from_db(cls, db, field_names, values):
        member = super().from_db(db, field_names, values)
        member._saved = {f: getattr(member, f) for f in cls.TRACKED if f in field_names}
        return member

    def save(self, *args, change_on=None, changed_by=None, **kwargs):
        """Save; a change of branch or peer-educator status is also written to the member's
        dated history (on ``change_on``, today when not given), by every path that saves a
        member, so that past reports keep where and what she was then."""
        from .history import record_changes

        before = getattr(self, "_saved", None)
        super().save(*args, **kwargs)
        if before:
            record_changes(self, before, on=change_on, by=changed_by)
        self._saved = {f: getattr(self, f) for f in self.TRACKED}

    @property
    def is_active(self):
        return self.left_on is None


def kind_period_open_on(date):
    """The condition on a kind period: open on ``date``, of a member who belonged then.

    A member has at most one such period on a date: a change of kind ends the
    current period on the day the next one starts.
    """
    return (
        Q(member__joined_on__lte=date)
        & (Q(member__left_on__isnull=True) | Q(member__left_on__gt=date))
        & Q(started_on__lte=date)
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=date))
    )


class MemberKindPeriod(models.Model):
    """One stretch of time during which a member was of one kind."""

    branch_path = "member__branch"

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="kind_periods")
    kind = models.CharField(_("kind of member"), max_length=10, choices=MemberKind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Exclusive."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("kind period")
        verbose_name_plural = _("kind history")
        ordering = ["member", "started_on"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(ended_on__isnull=True), name="one_open_kind_period"),
        ]


# A change of code is logged without the codes (SECURITY.md: codes stay out of the trail).
auditlog.register(Member, exclude_fields=["updated_at"], mask_fields=["uic"], mask_callable="opsi.audit.hide_value")
auditlog.register(MemberKindPeriod)
