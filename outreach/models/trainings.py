from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsi import kept
from opsi.scoping import ScopedQuerySet


class TrainingTopic(models.TextChoices):
    SRHR = "srhr", _("Sexual and reproductive health and rights")
    HIV_STI = "hiv_sti", _("HIV and STIs")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction and crystal meth")
    HUMAN_RIGHTS = "human_rights", _("Human rights and paralegal skills")
    ORGANISING = "organising", _("Organising and leadership")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    MEMBERS = "members", _("Members")
    HEALTH_WORKERS = "health_workers", _("Health workers")
    JOURNALISTS = "journalists", _("Journalists")
    POLICE = "police", _("Police")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    PARTNERS = "partners", _("Partner organisations")


OUTSIDE_AUDIENCES = [a for a in Audience.values if a != Audience.MEMBERS]


class TrainingModule(models.Model):
    """A training module reused across trainings (OPSI's SRHR, a partner's harm reduction and
    meth module), whose pre/post scores are read across every training that used it. Read by
    everyone; not a branch's record."""

    title = models.CharField(_("title"), max_length=150)
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices)
    owner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_modules",
        help_text=_("Empty for a module of OPSI."),
    )
    description = models.TextField(_("what it covers"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        ordering = ["title", "pk"]

    def __str__(self):
        return f"{self.title} ({self.owner.name})" if self.owner_id else self.title


class TrainingQuerySet(ScopedQuerySet):
    """Branch trainings follow the common rule; national trainings (no branch) are
    seen by everyone and recorded by the secretariat and administrators."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.sees_all_branches:
            return self.all()
        return self.filter(Q(branch__isnull=True) | Q(branch__in=user.branch_ids))

    def writable_by(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_admin:
            return self.all()
        if user.sees_all_branches:  # the secretariat: national trainings only
            return self.filter(branch__isnull=True)
        if user.writes_in_branches:
            return self.filter(branch__in=user.branch_ids)
        return self.none()

    def in_period(self, start, end):
        return self.filter(starts_on__lte=end, ends_on__gte=start)


class Training(models.Model):
    branch_path = "branch"

    title = models.CharField(_("title"), max_length=150)
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    branch = models.ForeignKey(
        "opsi.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        help_text=_("Empty for a national training."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    facilitators = models.CharField(_("facilitators"), max_length=200, blank=True)
    partners = models.CharField(
        _("partner organisations"), max_length=200, blank=True, help_text=_("For example harm-reduction partners.")
    )
    module = models.ForeignKey(
        TrainingModule,
        verbose_name=_("module"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        help_text=_("A module used in other trainings too: their scores are compared."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_ends_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def days(self):
        from datetime import timedelta

        return [self.starts_on + timedelta(days=i) for i in range((self.ends_on - self.starts_on).days + 1)]


class AttendanceQuerySet(models.QuerySet):
    # Attendances are recorded in bulk (no signal): they tell the kept figures themselves.

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        made = super().bulk_create(objs, *args, **kwargs)
        kept.written(self.model, "made", objs)
        return made


class TrainingAttendance(models.Model):
    """A member present on one day of a training."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="training_attendance")
    day = models.DateField(_("day"))

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training", "member", "day"], name="unique_attendance")]


class OutsideParticipants(models.Model):
    """People from outside the membership: named with their organisation, or only counted."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="outside_participants")
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Leave empty to record a count."))
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    gender = models.CharField(
        _("gender"),
        max_length=10,
        choices=[
            ("woman", _("Woman")),
            ("waria", _("Waria / transgender woman")),
            ("man", _("Man")),
            ("another", _("Another gender")),
            ("not_said", _("Not said")),
        ],
    )
    count = models.PositiveIntegerField(_("number of people"), default=1, validators=[MinValueValidator(1)])


class PartnerRole(models.TextChoices):
    TRAINER = "trainer", _("Trained")
    PARTICIPANT = "participant", _("Took part")


class TrainingPartner(models.Model):
    """A partner organisation in a joint training, as trainer or participant, with how many of
    its people came: an organisation and a number, never a person's name."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="partner_roles")
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="training_roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=PartnerRole.choices)
    people = models.PositiveIntegerField(
        _("number of its people"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    class Meta:
        verbose_name = _("partner in a training")
        verbose_name_plural = _("partners in trainings")
        constraints = [
            models.UniqueConstraint(fields=["training", "partner", "role"], name="one_role_per_partner_and_training")
        ]


class TrainingScore(models.Model):
    """Optional pre and post test scores (0-100) of one participant."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    pre = models.PositiveSmallIntegerField(_("pre-test"), validators=[MaxValueValidator(100)])
    post = models.PositiveSmallIntegerField(_("post-test"), validators=[MaxValueValidator(100)])


auditlog.register(Training)
auditlog.register(TrainingAttendance)
auditlog.register(OutsideParticipants)
auditlog.register(TrainingScore)
auditlog.register(TrainingModule)
auditlog.register(TrainingPartner)
