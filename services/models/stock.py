from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from opsi.scoping import ScopedQuerySet


class Commodity(models.Model):
    """An item handed out: condoms, lubricant, leaflets, harm-reduction kits."""

    name = models.CharField(_("name"), max_length=60, unique=True, help_text=_("In Indonesian."))
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)
    unit = models.CharField(
        _("unit"), max_length=20, default="buah", help_text=_("In Indonesian: buah, sachet, lembar...")
    )
    unit_en = models.CharField(_("unit in English"), max_length=20, blank=True, help_text=_("pcs, sachets, sheets..."))
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock warning below"),
        default=0,
        help_text=_("A warning shows when a centre's balance falls below this number."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("commodity")
        verbose_name_plural = _("commodities")
        ordering = ["name"]

    def __str__(self):
        from .visits import localised_name

        return localised_name(self)

    def localised_unit(self):
        return self.unit_en if get_language() == "en" and self.unit_en else self.unit


class StockMovementQuerySet(ScopedQuerySet):
    def balances(self):
        """{(centre id, commodity id): balance} in one query."""
        rows = self.values("drop_in_centre", "commodity").annotate(balance=Sum("quantity"))
        return {(r["drop_in_centre"], r["commodity"]): r["balance"] for r in rows}


class StockMovement(models.Model):
    """Stock in (positive) or out (negative) of a drop-in centre."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        HANDED_OUT = "handed_out", _("Handed out")
        ADJUSTED = "adjusted", _("Counted / adjusted")

    branch_path = "drop_in_centre__branch"

    drop_in_centre = models.ForeignKey(
        "opsi.DropInCentre",
        verbose_name=_("drop-in centre"),
        on_delete=models.PROTECT,
        related_name="stock_movements",
    )
    commodity = models.ForeignKey(
        Commodity, verbose_name=_("commodity"), on_delete=models.PROTECT, related_name="movements"
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("movement"), max_length=12, choices=Kind.choices)
    quantity = models.IntegerField(
        _("quantity"), help_text=_("Positive when stock comes in, negative when it goes out.")
    )
    source = models.CharField(
        _("source or use"), max_length=100, blank=True, help_text=_("Donor, supplier, or what it was for.")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(unique=True, null=True, editable=False)

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["drop_in_centre", "commodity"], name="stock_centre_item")]


auditlog.register(StockMovement)
auditlog.register(Commodity)
