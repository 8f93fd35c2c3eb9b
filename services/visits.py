"""Logging a drop-in centre visit, with the stock it hands out."""

from opsi.submissions import create_once

from . import stock
from .care import keep_care
from .models import Visit, VisitService


def log_visit(*, centre, member, uic, on, services, by, submission_key=None, care=None):
    """Record a visit; ``services`` maps ServiceType -> quantity; ``care`` (``services.care.Care``):
    an HIV test and its result, STI treatment, PrEP given at the visit.

    A repeated submission (double tap, reload, back and submit again) carries the
    same ``submission_key`` and returns the visit already recorded.
    """

    def create():
        visit = Visit.objects.create(
            drop_in_centre=centre,
            member=member,
            uic=member.uic if member else uic,
            visited_on=on,
            recorded_by=by,
            submission_key=submission_key,
        )
        VisitService.objects.bulk_create(
            VisitService.line(visit, service, quantity) for service, quantity in services.items()
        )
        handed_out = {}  # two services may hand out the same item: both take from stock
        for service, quantity in services.items():
            if service.commodity_id and quantity:
                handed_out[service.commodity] = handed_out.get(service.commodity, 0) + quantity
        if handed_out:
            stock.hand_out(centre, handed_out, on, by, use=f"visit {visit.pk}")
        if care:
            keep_care(care, branch=centre.branch, on=on, by=by, visit=visit)
        return visit

    return create_once(Visit, submission_key, create, by=by)
