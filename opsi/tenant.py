"""The tenant: branches (one per province) and their drop-in centres, which every record is scoped by.

The tables keep the names they had when these models lived in ``members`` (``members_branch``,
``members_dropincentre``): moving the models into the base app changed no table.
"""

import zoneinfo

from auditlog.registry import auditlog
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import provinces
from .dates import EARLIEST, check_date
from .scoping import ScopedQuerySet


class Region(models.TextChoices):
    WEST = "west", _("West")
    CENTRAL = "central", _("Central")
    EAST = "east", _("East")


DEFAULT_REGION_BY_TIME_ZONE = {
    provinces.WIB: Region.WEST,
    provinces.WITA: Region.CENTRAL,
    provinces.WIT: Region.EAST,
}


class Branch(models.Model):
    branch_path = ""

    province = models.CharField(
        _("province"),
        max_length=2,
        unique=True,
        choices=provinces.CHOICES,
        help_text=_("One branch per province, by its BPS code."),
    )
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(
        _("region"),
        max_length=10,
        choices=Region.choices,
        blank=True,
        help_text=_("National region of the presidium. Left empty, it follows the time zone."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name"]
        db_table = "members_branch"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.region:
            self.region = DEFAULT_REGION_BY_TIME_ZONE[self.province_info.time_zone]
        super().save(*args, **kwargs)

    @property
    def province_info(self):
        return provinces.BY_CODE[self.province]

    @property
    def time_zone(self):
        return zoneinfo.ZoneInfo(self.province_info.time_zone)

    @property
    def time_zone_label(self):
        return self.province_info.time_zone_label

    def today(self):
        """Today's date where the branch is, not where the server is."""
        return timezone.localdate(timezone=self.time_zone)

    def refuse_future(self, date, earliest=EARLIEST):
        """Records say what happened: a date after today where the branch is, or before
        any record could be, is refused (the one date rule, ``opsi.dates``)."""
        return check_date(date, today=self.today(), earliest=earliest)


class DropInCentre(models.Model):
    branch_path = "branch"

    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="drop_in_centres",
    )
    name = models.CharField(_("name"), max_length=100)
    area = models.CharField(
        _("area"),
        max_length=100,
        blank=True,
        help_text=_("District or city. No street address: the centre's safety matters."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("drop-in centre")
        verbose_name_plural = _("drop-in centres")
        ordering = ["branch__name", "name"]
        db_table = "members_dropincentre"
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "name"],
                name="unique_drop_in_centre_name",
                violation_error_message=_("This branch already has a drop-in centre with this name."),
            ),
        ]

    def __str__(self):
        return self.name


auditlog.register(Branch)
auditlog.register(DropInCentre)
