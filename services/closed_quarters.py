"""Visit figures of closed quarters, kept as facts (the secretariat's home page).

A quarter is closed once its last day has passed in WIB, the last of the country's time zones
to reach a new day (the rule of ``reports.kept``). Its visits and people per branch are then
counted once and kept in ``KeptQuarter``, and the home page counts only the open quarter live.

When kept figures are dropped, in the transaction of the change that makes them wrong:
- a visit saved or deleted with a date inside a closed quarter drops that quarter's figures
  (a visit dated in the open quarter, as nearly all are, drops nothing);
- a visit saved whole or with its date, centre or code among the fields (the old values are not
  known here), visits whose code, date or centre is rewritten in bulk (erasure: two codes may
  become one person), and any change to a drop-in centre (it may have moved to another branch)
  drop every kept quarter;
- each such change is noted (``QuarterChange``): figures being counted while it is saved are
  shown once and not kept, and once it is committed the kept figures are dropped again.
Whatever the path, kept figures are never older than ``MAX_AGE``.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from opsi.dates import as_date, quarter_start
from opsi.dates import ended_everywhere_before as today

from .models import KeptQuarter, QuarterChange

MAX_AGE = datetime.timedelta(days=1)
EVERYTHING = datetime.date.min


def quarter_end(start):
    following = (
        start.replace(year=start.year + 1, month=1) if start.month == 10 else start.replace(month=start.month + 3)
    )
    return following - datetime.timedelta(days=1)


def is_closed(start):
    return quarter_end(start) < today()


def kept_or_counted(start, count, keep=True):
    """The figures of the quarter from ``start`` (``count()``: {branch id: {name: number}}),
    read back when the quarter is closed and kept, counted (and kept, if closed) otherwise.
    ``keep``: whether ``count`` counts every branch (only such figures are kept)."""
    end = quarter_end(start)
    if not keep or not is_closed(start):
        return count()
    now = timezone.now()
    kept = KeptQuarter.objects.filter(starts_on=start, made_at__gte=now - MAX_AGE).first()
    if kept:
        return {int(branch): figures for branch, figures in kept.figures.items()}
    mark = QuarterChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    figures = count()
    try:
        with transaction.atomic():
            # A change into this quarter saved while it was being counted: the counts may hold
            # half of it, so they are shown once and not kept.
            if QuarterChange.objects.filter(pk__gt=mark, on__lte=end).exists():
                return figures
            QuarterChange.objects.filter(at__lt=now - MAX_AGE).delete()
            KeptQuarter.objects.filter(Q(starts_on=start) | Q(made_at__lt=now - MAX_AGE)).delete()
            KeptQuarter.objects.create(
                starts_on=start, figures={str(branch): values for branch, values in figures.items()}
            )
    except IntegrityError:
        pass  # the same quarter kept by another request at the same moment
    return figures


def forget(first, last=None):
    """Drop the kept figures of the closed quarters from the one of ``first`` to the one of
    ``last`` (the same when not given); ``EVERYTHING``: every kept quarter."""
    if first is None:
        return
    first, last = as_date(first, EVERYTHING), as_date(last or first, EVERYTHING)
    if first == EVERYTHING:
        kept = KeptQuarter.objects.all()
    else:
        first, last = quarter_start(first), quarter_start(last)
        if not is_closed(first):
            return  # the open quarter: nothing kept holds it
        kept = KeptQuarter.objects.filter(starts_on__range=(first, last))
    QuarterChange.objects.create(on=first)
    kept.delete()
    # Figures counted beside this change may be kept before it commits: drop them again after.
    transaction.on_commit(lambda: kept.all().delete())


# What a visit's fields change: its date, centre (so branch) and code (so person) are counted.
_COUNTED = {"visited_on", "drop_in_centre", "drop_in_centre_id", "uic", "person_key"}


def _visit_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if created:
        forget(instance.visited_on)
    elif update_fields is None or _COUNTED & set(update_fields):
        forget(EVERYTHING)


def _visit_deleted(sender, instance, **kwargs):
    forget(instance.visited_on)


def _centre_changed(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        forget(EVERYTHING)


def visits_written(dates=(), fields=()):
    """Called by the visit queryset for writes that send no signal: ``bulk_create`` (the dates
    of the visits made) and ``update`` (the fields rewritten)."""
    if _COUNTED & set(fields):
        forget(EVERYTHING)
    elif dates:
        dates = [as_date(day, EVERYTHING) for day in dates]
        forget(min(dates), max(dates))


def connect():
    from opsi.tenant import DropInCentre

    from .models import Visit

    post_save.connect(_visit_saved, sender=Visit, dispatch_uid="closed-quarters-visit-save")
    post_delete.connect(_visit_deleted, sender=Visit, dispatch_uid="closed-quarters-visit-delete")
    post_save.connect(_centre_changed, sender=DropInCentre, dispatch_uid="closed-quarters-centre-save")
    post_delete.connect(_centre_changed, sender=DropInCentre, dispatch_uid="closed-quarters-centre-delete")
