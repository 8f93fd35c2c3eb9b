"""Logging a drop-in centre visit, with the stock it hands out."""

from django.db import IntegrityError, transaction

from . import stock
from .models import Visit, VisitService


def log_visit(*, centre, member, uic, on, services, by, submission_key=None):
    """Record a visit; ``services`` maps ServiceType -> quantity.

    A repeated submission (double tap, reload, back and submit again) carries the
    same ``submission_key`` and returns the visit already recorded.
    """
    if submission_key is not None:
        existing = Visit.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                drop_in_centre=centre,
                member=member,
                uic=member.uic if member else uic,
                visited_on=on,
                recorded_by=by,
                submission_key=submission_key,
            )
            VisitService.objects.bulk_create(
                VisitService.line(visit, service, quantity)
                for service, quantity in services.items()
            )
            handed_out = {}  # two services may hand out the same item: both take from stock
            for service, quantity in services.items():
                if service.commodity_id and quantity:
                    handed_out[service.commodity] = handed_out.get(service.commodity, 0) + quantity
            if handed_out:
                stock.hand_out(centre, handed_out, on, by, use=f"visit {visit.pk}")
    except IntegrityError:
        existing = Visit.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return visit, True
