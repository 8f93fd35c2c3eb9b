"""Figures of days that have ended everywhere, kept as facts: one mechanism for every kind.

A day has ended everywhere once it has passed in WIB, the last of the country's time zones to
reach a new day. Figures that read only records dated up to such a day (a closed period's
report, the visits of a closed quarter) cannot change unless a record dated inside the days they
read is saved late. So they are counted once, kept in a table (``KeptFact``) and read back.

A table, not the cache: a cache of each process's own cannot be emptied in the other gunicorn
workers when a late change comes in, and a row deleted in the same transaction as the change
that makes it wrong is never seen stale by anyone. A fact holds counts and labels as JSON, never
a member's record, code or name.

A kind of fact (``Kind``) is registered in its app's ``ready()`` in a few lines: its name, the
code that decides its figures (a release that changes it counts again), whether its figures read
every day up to the period's end (a report reads members' histories as of its last day: a change
dated on any day before reaches it) or only the period's days, and for each model it reads, which
days and branches a save or deletion reaches (``watch``). A fact is kept per kind and key (the
kind's own words for it: definition, period, scope, language...), with the first and last day it
read and its branch (none: every branch).

When facts are dropped: a save or deletion of a watched record (post_save and post_delete), and
a write without signal that a queryset reports (``written``: ``bulk_create`` and ``update``),
drops every fact whose days the change reaches, in the transaction of the change; once it is
committed they are dropped again (a count running beside it may have kept figures read before
it). A change dated today or later drops nothing (no kept fact holds today). Each change is
noted once (``ChangeNote``), whatever the kinds it reaches: figures counted while it is saved
are shown once and not kept. Whatever the path, a fact is never older than ``MAX_AGE``.
"""

import datetime
import hashlib
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .dates import as_date, ended_everywhere_before

MAX_AGE = datetime.timedelta(days=1)
EVERYTHING = datetime.date.min
ROOT = Path(__file__).resolve().parent.parent

KINDS = {}
_WATCHED = {}  # model: [(kind, reach)]


def today():
    """The date in WIB: every day before it has ended in every part of the country."""
    return ended_everywhere_before()


def is_closed(last_day):
    return last_day < today()


def code_version(patterns, root=ROOT):
    """A hash of the files (globs below ``root``) that decide a kind's figures."""
    digest = hashlib.sha256()
    for path in sorted(found for pattern in patterns for found in root.glob(pattern)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Reach:
    """The days (``first`` to ``last``; ``EVERYTHING``: every day) and the kept rows (``where``,
    a condition on ``KeptFact``: a branch's rows) that a change can make wrong."""

    def __init__(self, first, last=None, where=None):
        self.first = as_date(first, EVERYTHING)
        self.last = as_date(last, EVERYTHING) if last is not None else None
        self.where = where if where is not None and self.first != EVERYTHING else Q()


class Kind:
    """Figures of one kind, kept as facts. ``cumulative``: its figures read every day up to a
    period's end, so a change dated on a day reaches every fact that ends on or after it;
    otherwise only the facts whose days hold it. ``code``: globs of the files that decide them."""

    def __init__(self, name, code=(), cumulative=False):
        self.name = name
        self.cumulative = cumulative
        self.version = code_version(code)
        KINDS[name] = self

    def __repr__(self):
        return f"Kind({self.name!r})"

    def key(self, *parts):
        text = "|".join([self.name, self.version, *(str(part) for part in parts)])
        return hashlib.sha256(text.encode()).hexdigest()

    def read(self, keys):
        """{key: payload} of the facts under ``keys`` that are kept and still right."""
        from .models import KeptFact

        fresh = KeptFact.objects.filter(kind=self.name, key__in=list(keys), made_at__gte=timezone.now() - MAX_AGE)
        return dict(fresh.values_list("key", "payload"))

    def keep(self, facts, seen):
        """Keep ``facts`` ([(key, first day read or None, last day, branch id or None, payload)]),
        counted after ``seen`` (``mark()``); whether they were kept. Facts reaching a day that has
        not ended everywhere are never kept."""
        from .models import ChangeNote, KeptFact

        facts = list(facts)
        if not facts:
            return True
        last = max(fact[2] for fact in facts)
        if not is_closed(last):
            return False
        now = timezone.now()
        try:
            with transaction.atomic():
                # A change into these days saved while they were being counted: the counts may
                # hold half of it, so they are shown once and not kept.
                if ChangeNote.objects.filter(pk__gt=seen, on__lte=last).exists():
                    return False
                # What no count will read again: notes and facts past their age (facts of other
                # code versions among them).
                ChangeNote.objects.filter(at__lt=now - MAX_AGE).delete()
                KeptFact.objects.filter(
                    Q(kind=self.name, key__in=[fact[0] for fact in facts]) | Q(made_at__lt=now - MAX_AGE)
                ).delete()
                KeptFact.objects.bulk_create(
                    KeptFact(kind=self.name, key=key, starts_on=first, ends_on=end, branch_id=branch, payload=payload)
                    for key, first, end, branch, payload in facts
                )
        except IntegrityError:
            return False  # the same facts kept by another request at the same moment
        return True

    def rows(self, reach):
        """The kept rows of this kind that ``reach`` can make wrong."""
        rows = Q(kind=self.name)
        if reach.first == EVERYTHING:
            return rows
        rows &= Q(ends_on__gte=reach.first)
        if not self.cumulative:
            rows &= Q(starts_on__isnull=True) | Q(starts_on__lte=reach.last or reach.first)
        return rows & reach.where

    def watch(self, model, reach):
        """Drop this kind's facts that a write of ``model`` reaches. ``reach(how, records,
        fields)`` -> ``Reach`` or None (nothing to drop): ``how`` is "made", "deleted" or
        "changed"; ``records`` the instances written (none for a queryset's ``update``);
        ``fields`` the fields changed (None: the record saved whole, its old values unknown)."""
        watchers = _WATCHED.setdefault(model, [])
        if all(kind is not self for kind, _reach in watchers):
            watchers.append((self, reach))
        label = model._meta.label
        post_save.connect(_saved, sender=model, dispatch_uid=f"kept-facts-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"kept-facts-delete-{label}")


def mark():
    """What a count about to begin has seen: the newest change noted (0: none)."""
    from .models import ChangeNote

    return ChangeNote.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def forget(reaches):
    """Drop the facts that ``reaches`` ({kind: Reach}) can make wrong, and note the change."""
    from .models import ChangeNote, KeptFact

    now = today()
    reaches = {kind: reach for kind, reach in reaches.items() if reach is not None and reach.first < now}
    if not reaches:
        return  # nothing dated before today: no kept fact holds it
    rows = Q()
    for kind, reach in reaches.items():
        rows |= kind.rows(reach)
    ChangeNote.objects.create(on=min(reach.first for reach in reaches.values()))
    KeptFact.objects.filter(rows).delete()
    # Figures counted beside this change may be kept before it commits: drop them again after.
    transaction.on_commit(lambda: KeptFact.objects.filter(rows).delete())


def forget_all(kinds=None):
    """Drop every fact of ``kinds`` (every kind when None): a change whose days are not known."""
    forget({kind: Reach(EVERYTHING) for kind in (kinds or KINDS.values())})


def written(model, how, records=(), fields=None):
    """A write of ``model``'s records: drop the facts of every kind that watches it and that the
    write reaches. Called by the signals, and by querysets for writes that send none."""
    records = list(records)
    reaches = {}
    for kind, reach in _WATCHED.get(model, ()):
        reaches[kind] = reach(how, records, None if fields is None else frozenset(fields))
    forget(reaches)


def _saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if not raw:
        written(sender, "made" if created else "changed", [instance], update_fields)


def _deleted(sender, instance, **kwargs):
    written(sender, "deleted", [instance])
