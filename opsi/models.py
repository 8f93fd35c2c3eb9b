from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .login_cache import AccountQuerySet

# The tenant is defined in its own module; importing it here is what registers its models with the app.
from .tenant import Branch, DropInCentre

# Files made on the queue (exports, report files) are jobs of the base app.
from .jobs import Job  # noqa: E402, F401


class AccountManager(UserManager.from_queryset(AccountQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `manage.py createsuperuser` makes the first administrator: the role is what
        # opens the admin (User.save), so it must be set here, not left to its default.
        extra_fields.setdefault("role", User.Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        SECRETARIAT = "secretariat", _("National secretariat")
        COORDINATOR = "coordinator", _("Provincial coordinator")
        OUTREACH_WORKER = "outreach_worker", _("Outreach worker")
        CRISIS_RESPONSE = "crisis_response", _("National crisis response")
        DATA_PROTECTION = "data_protection", _("Data protection officer")

    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        default=Role.OUTREACH_WORKER,
        help_text=_(
            "Coordinators and outreach workers see and change only their branches; "
            "the secretariat reads every branch; administrators manage."
        ),
    )
    branches = models.ManyToManyField(
        Branch,
        verbose_name=_("branches"),
        blank=True,
        related_name="users",
        help_text=_("Branches whose records this user works on."),
    )
    usual_drop_in_centre = models.ForeignKey(
        DropInCentre,
        verbose_name=_("usual drop-in centre"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Pre-selected when this user logs a visit."),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    second_step_changed_at = models.DateTimeField(
        _("two-step login changed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When an authenticator app or the backup codes were last added, replaced or removed."),
    )

    objects = AccountManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_admin(self):
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def sees_all_branches(self):
        return self.is_admin or self.role == self.Role.SECRETARIAT

    @property
    def writes_in_branches(self):
        """Coordinators and outreach workers record data in their own branches."""
        return self.role in (self.Role.COORDINATOR, self.Role.OUTREACH_WORKER)

    @property
    def records_work(self):
        """Registers members and records visits, cases and sessions: the branch roles in their
        branches, administrators anywhere."""
        return self.is_admin or self.writes_in_branches

    @property
    def adds_trainings(self):
        """Trainings: those who record work, and the secretariat (national trainings)."""
        return self.records_work or self.role == self.Role.SECRETARIAT

    @property
    def responds_nationally(self):
        """The crisis-response role reads and records incidents of every branch."""
        return self.role == self.Role.CRISIS_RESPONSE

    @property
    def protects_data(self):
        """The person OPSI names under UU PDP 27/2022: members' requests and breaches of every
        branch (``privacy``), and none of the branches' records (no branch, not all branches)."""
        return self.role == self.Role.DATA_PROTECTION

    @property
    def sends_alerts(self):
        """Warnings to a branch's home page: its coordinators."""
        return self.role == self.Role.COORDINATOR

    @property
    def manages_branch_setup(self):
        """May change a branch's drop-in centres (coordinators of that branch, admins)."""
        return self.is_admin or self.role == self.Role.COORDINATOR

    @property
    def handles_incidents(self):
        """Rights-violation incidents: the branch's coordinators and the crisis-response role."""
        return self.role in (self.Role.COORDINATOR, self.Role.CRISIS_RESPONSE)

    @cached_property
    def branch_list(self):
        """The user's branches, read once per request (the user is loaded afresh for each)."""
        return list(self.branches.all())

    @property
    def branch_ids(self):
        """Ids of the user's branches: the scoping filters use them as a plain IN list,
        cheaper to build and to plan than a subquery on every page."""
        return [branch.pk for branch in self.branch_list]

    def save(self, *args, **kwargs):
        # Administrators manage everything in the Django admin; nobody else
        # gets into it, so the admin's own permissions follow the role.
        self.is_staff = self.is_superuser = self.role == self.Role.ADMIN
        super().save(*args, **kwargs)


auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"branches"})


@receiver(m2m_changed, sender=User.branches.through)
def forget_cached_branches(sender, instance, **kwargs):
    """A change of the user's branches takes effect at once on the same object too."""
    if isinstance(instance, User):
        instance.__dict__.pop("branch_list", None)


class KeptFact(models.Model):
    """Figures of days that have ended everywhere, counted once and kept (``opsi.kept``): counts
    and labels only, never a member's record, code or name. Dropped when a change dated inside
    the days it read is saved."""

    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=64)
    starts_on = models.DateField(_("first day read"), null=True, help_text=_("Empty: every day before too."))
    ends_on = models.DateField(_("last day read"))
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, null=True, related_name="+")
    payload = models.JSONField(_("figures"))
    made_at = models.DateTimeField(_("counted at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("kept figures")
        verbose_name_plural = _("kept figures")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="kept_fact_once")]
        indexes = [models.Index(fields=["ends_on"], name="kept_fact_ends_on")]

    def __str__(self):
        return f"{self.kind} ..{self.ends_on.isoformat()}"


class ChangeNote(models.Model):
    """A change that reached into days that have ended everywhere (from ``on``): figures being
    counted beside it are shown once and not kept (``opsi.kept``)."""

    on = models.DateField(_("from"))
    at = models.DateTimeField(_("noted at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("late change")
        verbose_name_plural = _("late changes")

    def __str__(self):
        return self.on.isoformat()
