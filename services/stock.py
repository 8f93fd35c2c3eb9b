"""Stock of commodities per drop-in centre: receive, hand out, balances."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import StockMovement


@transaction.atomic
def receive(centre, commodity, quantity, on, by, source=""):
    if quantity <= 0:
        raise ValidationError(_("The quantity received must be more than zero."))
    return StockMovement.objects.create(
        drop_in_centre=centre, commodity=commodity, on=on, quantity=quantity,
        kind=StockMovement.Kind.RECEIVED, source=source, recorded_by=by,
    )


@transaction.atomic
def hand_out(centre, quantities, on, by, use=""):
    """Take handed-out items from a centre's stock: ``quantities`` maps commodity -> number.

    The balance may go below zero (stock counts lag behind in the field); the
    low-stock warning then shows it.
    """
    movements = []
    for commodity, quantity in quantities.items():
        if quantity < 0:
            raise ValidationError(_("A quantity cannot be negative."))
        if quantity:
            movements.append(
                StockMovement(
                    drop_in_centre=centre, commodity=commodity, on=on, quantity=-quantity,
                    kind=StockMovement.Kind.HANDED_OUT, source=use, recorded_by=by,
                )
            )
    return StockMovement.objects.bulk_create(movements)
