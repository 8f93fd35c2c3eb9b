"""Visit figures of days that have ended everywhere, kept as facts (the secretariat's home page).

A day has ended everywhere once it has passed in WIB, the last of the country's time zones to
reach a new day (the rule of ``reports.kept``). The visits and people per branch of a closed
quarter, and of the open quarter up to the day before, are counted once and kept in
``KeptQuarter``; the home page counts live only the days since (``services.today``).

When kept figures are dropped, in the transaction of the change that makes them wrong:
- a visit made or deleted with a date inside the days a kept figure counted drops its branch's
  row (a visit dated today, as most are, drops nothing);
- a visit saved whole or with its date, centre or code among the fields (the old values are not
  known here), visits whose code, date or centre is rewritten in bulk (erasure: two codes may
  become one person), and any change to a drop-in centre (it may have moved to another branch)
  drop every kept figure;
- each such change is noted (``QuarterChange``): figures being counted while it is saved are
  shown once and not kept, and once it is committed the kept figures are dropped again.
Whatever the path, kept figures are never older than ``MAX_AGE``.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from opsi.dates import as_date
from opsi.dates import ended_everywhere_before as today

from .models import KeptQuarter, QuarterChange

MAX_AGE = datetime.timedelta(days=1)
EVERYTHING = datetime.date.min


def quarter_end(start):
    following = (
        start.replace(year=start.year + 1, month=1) if start.month == 10 else start.replace(month=start.month + 3)
    )
    return following - datetime.timedelta(days=1)


def kept_or_counted(start, count, branches, keep=True, end=None):
    """The visits and people per branch of the days from ``start`` to ``end`` (the quarter's last
    day when not given): {branch id: {"visits": n, "people": n}}. ``count(branch ids)`` counts
    them for those branches (all when None). Once those days have all ended everywhere, each
    branch of ``branches`` is counted once and kept, and read back after; a branch whose row was
    dropped by a late change is counted again alone.
    ``keep``: whether ``count`` sees every branch (only such figures are kept)."""
    end = end or quarter_end(start)
    if not keep or end >= today():
        return count(None)
    now = timezone.now()
    figures = {
        row.branch_id: {"visits": row.visits, "people": row.people}
        for row in KeptQuarter.objects.filter(starts_on=start, ends_on=end, made_at__gte=now - MAX_AGE)
    }
    missing = set(branches) - figures.keys()
    if not missing:
        return figures
    mark = QuarterChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    counted = count(missing)
    counted = {branch: counted.get(branch, {"visits": 0, "people": 0}) for branch in missing}
    figures.update(counted)
    try:
        with transaction.atomic():
            # A change into these days saved while they were being counted: the counts may hold
            # half of it, so they are shown once and not kept.
            if QuarterChange.objects.filter(pk__gt=mark, on__lte=end).exists():
                return figures
            QuarterChange.objects.filter(at__lt=now - MAX_AGE).delete()
            KeptQuarter.objects.filter(
                Q(starts_on=start, ends_on__lt=end)
                | Q(starts_on=start, ends_on=end, branch__in=missing)
                | Q(made_at__lt=now - MAX_AGE)
            ).delete()
            KeptQuarter.objects.bulk_create(
                KeptQuarter(starts_on=start, ends_on=end, branch_id=branch, **values)
                for branch, values in counted.items()
            )
    except IntegrityError:
        pass  # the same days kept by another request at the same moment
    return figures


def forget(first, last=None, centres=None):
    """Drop the kept figures that counted any day from ``first`` to ``last`` (the same when not
    given), of the branches of ``centres`` (drop-in centre ids; every branch when None);
    ``EVERYTHING``: every kept figure."""
    if first is None:
        return
    first, last = as_date(first, EVERYTHING), as_date(last or first, EVERYTHING)
    if first == EVERYTHING:
        kept = KeptQuarter.objects.all()
    else:
        if first >= today():
            return  # a day that has not ended everywhere: no kept figure counted it
        kept = KeptQuarter.objects.filter(starts_on__lte=last, ends_on__gte=first)
        if centres is not None:
            from opsi.tenant import DropInCentre

            kept = kept.filter(branch__in=DropInCentre.objects.filter(pk__in=list(centres)).values("branch"))
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
        forget(instance.visited_on, centres=[instance.drop_in_centre_id])
    elif update_fields is None or _COUNTED & set(update_fields):
        forget(EVERYTHING)


def _visit_deleted(sender, instance, **kwargs):
    forget(instance.visited_on, centres=[instance.drop_in_centre_id])


def _centre_changed(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        forget(EVERYTHING)


def visits_written(dates=(), fields=(), centres=None):
    """Called by the visit queryset for writes that send no signal: ``bulk_create`` (the dates
    and centres of the visits made) and ``update`` (the fields rewritten)."""
    if _COUNTED & set(fields):
        forget(EVERYTHING)
    elif dates:
        dates = [as_date(day, EVERYTHING) for day in dates]
        forget(min(dates), max(dates), centres=centres)


def connect():
    from opsi.tenant import DropInCentre

    from .models import Visit

    post_save.connect(_visit_saved, sender=Visit, dispatch_uid="closed-quarters-visit-save")
    post_delete.connect(_visit_deleted, sender=Visit, dispatch_uid="closed-quarters-visit-delete")
    post_save.connect(_centre_changed, sender=DropInCentre, dispatch_uid="closed-quarters-centre-save")
    post_delete.connect(_centre_changed, sender=DropInCentre, dispatch_uid="closed-quarters-centre-delete")
