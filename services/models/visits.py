from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from opsi import kept
from opsi.db import person_key
from opsi.scoping import BranchQuerySet, ScopedQuerySet


class ServiceType(models.Model):
    """A service from the catalogue: counselling, condoms, ID help... kept in the admin."""

    name = models.CharField(_("name"), max_length=80, unique=True, help_text=_("In Indonesian."))
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    commodity = models.ForeignKey(
        "services.Commodity",
        verbose_name=_("commodity handed out"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Set for services that hand out items with a quantity (condoms, lubricant)."),
    )
    counts_for_prevention = models.BooleanField(
        _("counts as an HIV prevention service"),
        default=False,
        help_text=_("Used by the UNAIDS coverage indicator (condoms and lubricant, counselling, STI or HIV testing)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("service catalogue")
        ordering = ["order", "name"]

    def __str__(self):
        return localised_name(self)


def localised_name(obj):
    from django.utils.translation import get_language

    return obj.name_en if get_language() == "en" and obj.name_en else obj.name


class VisitQuerySet(ScopedQuerySet):
    def in_period(self, start, end):
        return self.filter(visited_on__range=(start, end))

    def totals(self):
        """{"visits": n, "people": n} in one pass; people are counted by their code, so a
        member and a walk-in share it when they are the same person."""
        return self.aggregate(visits=Count("*"), people=Count("person_key", distinct=True))

    # Writes that send no signal tell the kept figures themselves (opsi.kept).

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for visit in objs:
            visit.person_key = person_key(visit.uic)
        made = super().bulk_create(objs, *args, **kwargs)
        kept.written(self.model, "made", objs)
        return made

    def update(self, **kwargs):
        if "uic" in kwargs:
            kwargs["person_key"] = person_key(kwargs["uic"])
        updated = super().update(**kwargs)
        kept.written(self.model, "changed", fields=kwargs)
        return updated


class Visit(models.Model):
    """A person at a drop-in centre on a date, with the services received."""

    branch_path = "drop_in_centre__branch"

    drop_in_centre = models.ForeignKey(
        "opsi.DropInCentre", verbose_name=_("drop-in centre"), on_delete=models.PROTECT, related_name="visits"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    uic = models.CharField(_("unique identifier code"), max_length=16, db_index=True)
    # The code as a number (opsi.db.person_key), kept in step with it on every write:
    # the reports count distinct people by this number, not by comparing codes.
    person_key = models.BigIntegerField(editable=False)
    visited_on = models.DateField(_("date"))
    services = models.ManyToManyField(ServiceType, through="VisitService", verbose_name=_("services"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(unique=True, null=True, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            # A centre's visits by date; with the code, a branch's figures of a quarter are
            # counted from this index alone (services.today, when a late visit dropped them).
            models.Index(fields=["drop_in_centre", "visited_on", "person_key"], name="visit_centre_date_person"),
            models.Index(fields=["member", "visited_on"], name="visit_member_date"),
            models.Index(fields=["visited_on", "person_key"], name="visit_date_person"),
            # The secretariat's home counts the open quarter's visits and people per branch
            # from this index alone (services.today).
            models.Index(fields=["visited_on", "drop_in_centre", "person_key"], name="visit_date_centre_person"),
            # ... and looks up, for each person who came since its kept days, whether they came to
            # the branch earlier in the quarter (services.today).
            models.Index(fields=["person_key", "visited_on", "drop_in_centre"], name="visit_person_date_centre"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.visited_on}"

    def save(self, *args, **kwargs):
        self.person_key = person_key(self.uic)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "uic" in update_fields:
            kwargs["update_fields"] = {*update_fields, "person_key"}
        super().save(*args, **kwargs)


class VisitServiceQuerySet(BranchQuerySet):
    def in_period(self, start, end):
        return self.filter(visited_on__range=(start, end))

    def by_type(self):
        """[{"service_type", "visits", "quantity"}] in one query.

        A visit has at most one line per service (a unique constraint), so counting
        lines counts visits without a DISTINCT.
        """
        return self.values("service_type").annotate(visits=Count("*"), quantity=Sum("quantity"))


class VisitService(models.Model):
    # Reports select lines by branch (in_branches); pages reach them through their visit.
    branch_path = "visit__drop_in_centre__branch"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="service_lines")
    service_type = models.ForeignKey(ServiceType, verbose_name=_("service"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(0)])
    # The visit's date, copied (a visit's date never changes): the reports count a
    # year of services from this table alone, without joining millions of visits.
    visited_on = models.DateField(_("date"), editable=False)

    objects = VisitServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service received")
        verbose_name_plural = _("services received")
        constraints = [models.UniqueConstraint(fields=["visit", "service_type"], name="unique_visit_service")]
        indexes = [
            models.Index(fields=["visited_on", "service_type"], include=["quantity"], name="visit_service_date_type"),
        ]

    @classmethod
    def line(cls, visit, service_type, quantity=1):
        """A service received at ``visit`` (use this rather than the constructor: it copies the date)."""
        return cls(visit=visit, service_type=service_type, quantity=quantity, visited_on=visit.visited_on)


# The code and its number (person_key) stay out of the trail: either identifies the person.
auditlog.register(Visit, exclude_fields=["submission_key", "uic", "person_key"])
auditlog.register(ServiceType)
