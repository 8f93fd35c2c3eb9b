"""Stock of commodities per drop-in centre: receive, hand out, balances."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsi.submissions import create_once
from opsi.tenant import DropInCentre

from .models import StockMovement


def receive(centre, commodity, quantity, on, by, source="", submission_key=None):
    """Record stock received; the same form sent again (``submission_key``) is counted once."""
    if quantity <= 0:
        raise ValidationError(_("The quantity received must be more than zero."))
    movement, _created = create_once(
        StockMovement,
        submission_key,
        lambda: StockMovement.objects.create(
            drop_in_centre=centre,
            commodity=commodity,
            on=on,
            quantity=quantity,
            kind=StockMovement.Kind.RECEIVED,
            source=source,
            recorded_by=by,
            submission_key=submission_key,
        ),
        by=by,
    )
    return movement


class NotInStock(ValidationError):
    """Handing out more than the centre holds; ``short`` maps commodity -> balance."""

    def __init__(self, centre, short):
        self.short = short
        super().__init__(
            [
                _(
                    "Only %(balance)s %(unit)s of %(item)s left at %(centre)s. Give a smaller number, or record "
                    "the stock received first."
                )
                % {"balance": max(left, 0), "unit": item.localised_unit(), "item": item, "centre": centre.name}
                for item, left in short.items()
            ]
        )


@transaction.atomic
def hand_out(centre, quantities, on, by, use=""):
    """Take handed-out items from a centre's stock: ``quantities`` maps commodity -> number.

    More than the balance is refused (``NotInStock``): a balance below zero says
    nothing true, and the team would order too late. The centre's row is locked
    first, so two hand-outs from one centre are checked one after the other
    (PostgreSQL; SQLite has one writer at a time anyway).
    """
    if any(quantity < 0 for quantity in quantities.values()):
        raise ValidationError(_("A quantity cannot be negative."))
    wanted = {commodity: quantity for commodity, quantity in quantities.items() if quantity}
    if not wanted:
        return []
    list(DropInCentre.objects.select_for_update().filter(pk=centre.pk).values_list("pk", flat=True))
    balances = StockMovement.objects.filter(drop_in_centre=centre, commodity__in=list(wanted)).balances()
    short = {
        commodity: balances.get((centre.pk, commodity.pk), 0)
        for commodity, quantity in wanted.items()
        if quantity > balances.get((centre.pk, commodity.pk), 0)
    }
    if short:
        raise NotInStock(centre, short)
    return StockMovement.objects.bulk_create(
        StockMovement(
            drop_in_centre=centre,
            commodity=commodity,
            on=on,
            quantity=-quantity,
            kind=StockMovement.Kind.HANDED_OUT,
            source=use,
            recorded_by=by,
        )
        for commodity, quantity in wanted.items()
    )


def levels(movements, centres):
    """{centre id: [(commodity, balance, level), ...]} for every active commodity at each of
    ``centres``, from ``movements`` (the stock movements the user sees): the stock page and
    the home page's count of centres out of stock or low read the same figures. One query
    (the commodities come from the reference copy)."""
    from . import reference

    commodities = reference.active_commodities()
    balances = movements.filter(drop_in_centre__in=[centre.pk for centre in centres]).balances()
    return {
        centre.pk: [
            (item, balances.get((centre.pk, item.pk), 0), level(balances.get((centre.pk, item.pk), 0), item))
            for item in commodities
        ]
        for centre in centres
    }


def level(balance, commodity):
    """ "out" at zero or below, "low" under the commodity's threshold, else ""."""
    if balance <= 0:
        return "out"
    return "low" if balance < commodity.low_stock_threshold else ""
