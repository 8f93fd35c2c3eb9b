"""Figures of closed periods, kept as facts.

A period is closed once its last day has passed everywhere in Indonesia (in WIB, the last
of the three time zones to reach a new day). The rule that fixes past reports (every
indicator reads the dated histories as they were on the period's last day: kind, branch,
peer-educator status, a referral's outcome known by then) means that a change dated after
that day cannot alter the period's figures. So the figures of a closed period are computed
once and kept, and the next report of the same period is read back instead of recounted.

Where they live: a table (``KeptReport``), not the cache. A cache of each process's own
(Django's default) cannot be emptied in the other gunicorn workers when a late change
comes in, and a row deleted in the same transaction as the change that makes it wrong is
never seen stale by anyone. The rows hold what the report shows before rounding:
labels and counts, never a member's record, code or name; rounding (``reports.protection``)
is applied on every read, as for a fresh report.

Kept per definition, period, branches in scope, whether national activities count, whether
incidents are counted to the cutoff of readers who may not read them, the language of the labels, and the code version (a hash of the report code), so a new
release never reads figures made by the old one.

When kept figures are dropped: any save or deletion of a record the indicators read drops
the figures of every closed period that ends on or after the record's date (a visit's day,
a session's day, a training's first day, an attendance day, an incident's day, a case's
opening, a referral, HIV and STI care, a member's joining, the day of a kind, branch or peer-educator
change). A visit logged today drops nothing (no closed period holds today). An update whose
old date is unknown (a record saved whole, a date field among those saved), and any change
to branches, centres, services, commodities or population size estimates, drops every kept
report. Attendances
recorded in bulk send no signal: a kept report notes the highest attendance id it saw and
is recomputed when a newer attendance falls inside its period. Each such change is also
noted (``LateChange``): a report being counted while it is saved is shown but not kept.
Whatever the path, a kept report is never older than ``MAX_AGE``.
"""

import datetime
import hashlib
import json
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from opsi.dates import as_date, ended_everywhere_before

from .tables import KeyFigure, Section, Share, Table

MAX_AGE = datetime.timedelta(days=1)
EVERYTHING = datetime.date.min


# The code that decides a report's figures: the reports themselves, and the models and
# querysets the indicators count through (the dated histories, the visits' and cases'
# querysets, the branch filter). A release that changes any of it counts closed periods again.
_COUNTING_CODE = [
    "reports/*.py",
    "reports/indicators/*.py",
    "members/models/*.py",
    "services/models/*.py",
    "outreach/models/*.py",
    "incidents/models.py",
    "opsi/scoping.py",
    "opsi/db.py",
    "opsi/tenant.py",
]


def _code_version():
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(found for pattern in _COUNTING_CODE for found in root.glob(pattern)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def today():
    """The date in WIB: the last time zone of the country to reach a new day."""
    return ended_everywhere_before()


def is_closed(period):
    return period.end < today()


def kept_or_computed(definition, period, ctx, compute):
    """(key figures, sections) of the report, read back when the period is closed and its
    figures are kept, computed (and kept, if closed) otherwise."""
    if not is_closed(period):
        return compute()
    key = _key(definition, period, ctx)
    found = _read([key], period)
    if found is not None:
        return _load(found)
    seen = marks()
    figures, sections = compute()
    _keep(key, period, _dump(figures, sections), seen)
    return figures, sections


# The key figures of a closed period, kept on their own: a report shows each key figure beside
# the period before, and that period has ended (last year beside this year). Its values are read
# back from its own kept report, or from the key figures another report counted for it, so a
# report of the open year or a recount after a late change counts its own period only.


def kept_key_figures(definition, period, ctx):
    """{figure key: value} of ``period`` when it is closed and its key figures are kept, else None."""
    if not is_closed(period):
        return None
    found = _read([_key(definition, period, ctx), _key(definition, period, ctx, part="key figures")], period)
    if found is None:
        return None
    return {key: _unvalue(value) for key, _label, value, _previous, _sensitive in found["figures"]}


def keep_key_figures(definition, period, ctx, values, seen):
    """Keep ``values`` ({figure key: value}) of the closed ``period``, counted after ``seen``
    (``marks()``), unless a change into the period came in meanwhile."""
    if not is_closed(period):
        return
    figures = [[key, "", _value(value), None, False] for key, value in values.items()]
    _keep(_key(definition, period, ctx, part="key figures"), period, {"figures": figures, "sections": []}, seen)


def _read(keys, period):
    """The kept figures under the first of ``keys`` that is kept and still right, else None."""
    from outreach.models import TrainingAttendance

    from .models import KeptReport

    found = {kept.key: kept for kept in KeptReport.objects.filter(key__in=keys, made_at__gte=timezone.now() - MAX_AGE)}
    for key in keys:
        kept = found.get(key)
        if kept and not TrainingAttendance.objects.filter(pk__gt=kept.attendance_mark, day__lte=period.end).exists():
            return kept.figures
    return None


def marks():
    """What a count about to begin has seen: (the highest attendance id, the highest late-change
    id). Attendances come in bulk without a signal; a late change noted after it means the count
    may hold half of that change."""
    from outreach.models import TrainingAttendance

    from .models import LateChange

    return (
        TrainingAttendance.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        LateChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )


def _keep(key, period, data, seen):
    """Keep ``data`` under ``key`` for ``period``; whether it was kept."""
    from .models import KeptReport, LateChange

    mark, late = seen
    try:
        with transaction.atomic():
            # A change into this period saved while it was being counted: the counts may
            # hold half of it, so they are shown once and not kept.
            if LateChange.objects.filter(pk__gt=late, on__lte=period.end).exists():
                return False
            # What no report will read again: notes and kept figures past their age (other
            # code versions' figures among them).
            LateChange.objects.filter(at__lt=timezone.now() - MAX_AGE).delete()
            KeptReport.objects.filter(Q(key=key) | Q(made_at__lt=timezone.now() - MAX_AGE)).delete()
            KeptReport.objects.create(key=key, period_end=period.end, figures=data, attendance_mark=mark)
    except IntegrityError:
        return False  # the same figures kept by another request at the same moment
    return True


def _key(definition, period, ctx, part="report"):
    branches = (
        "all" if ctx.branch_ids is None else ",".join(str(b.pk) for b in sorted(ctx.branches, key=lambda b: b.pk))
    )
    text = "|".join(
        [
            definition.key,
            part,
            period.start.isoformat(),
            period.end.isoformat(),
            branches,
            str(ctx.includes_national),
            str(ctx.incidents_to_cutoff),
            translation.get_language() or "",
            CODE_VERSION,
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


# Kept figures as JSON: a percentage keeps its two counts (rounding needs them).


def _value(value):
    if isinstance(value, Share):
        return {"share": [value.numerator, value.denominator]}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)  # labels (translated text)


def _unvalue(value):
    if isinstance(value, dict):
        return Share(*value["share"])
    return value


def _dump(figures, sections):
    return {
        "figures": [[f.key, str(f.label), _value(f.value), _value(f.previous), f.sensitive] for f in figures],
        "sections": [
            {"key": s.key, "title": str(s.title), "tables": [_dump_table(t) for t in s.tables]} for s in sections
        ],
    }


def _dump_table(table):
    return {
        "key": table.key,
        "title": str(table.title),
        "columns": [str(c) for c in table.columns],
        "rows": [[_value(v) for v in row] for row in table.rows],
        "total_column": table.total_column,
        "total_row": table.total_row,
        "chart": table.chart,
        "note": str(table.note),
        "sensitive": table.sensitive,
        "summed_columns": None if table.summed_columns is None else list(table.summed_columns),
        "shares": [[column, list(pair)] for column, pair in table.shares.items()],
        "total_row_adds": table.total_row_adds,
        "links": [[list(name) if isinstance(name, tuple) else name, list(cell)] for name, cell in table.links.items()],
        "row_keys": table.row_keys,
        "medians": [[column, counted] for column, counted in table.medians.items()],
        "branch_rows": table.branch_rows,
        "column_names": table.column_names,
        "on_last_day": table.on_last_day,
        "rows_add_up": table.rows_add_up,
        "on_last_day_rows": table.on_last_day_rows,
    }


def _load(data):
    figures = [
        KeyFigure(key, label, _unvalue(value), _unvalue(previous), sensitive=sensitive)
        for key, label, value, previous, sensitive in data["figures"]
    ]
    sections = [Section(s["key"], s["title"], [_load_table(t) for t in s["tables"]]) for s in data["sections"]]
    return figures, sections


def _load_table(data):
    data = dict(data)
    data["rows"] = [[_unvalue(v) for v in row] for row in data["rows"]]
    data["summed_columns"] = None if data["summed_columns"] is None else tuple(data["summed_columns"])
    data["shares"] = {column: tuple(pair) for column, pair in data["shares"]}
    data["links"] = {tuple(name) if isinstance(name, list) else name: tuple(cell) for name, cell in data["links"]}
    data["medians"] = dict(data["medians"])
    return Table(**data)


def as_json(figures, sections):
    """The kept form of a report's figures, as text (for tests and inspection)."""
    return json.dumps(_dump(figures, sections), sort_keys=True)


# Dropping kept figures when a change reaches into a closed period.


def forget_from(date):
    """Drop the kept figures of every period that ends on or after ``date``."""
    from .models import KeptReport, LateChange

    if date is None:
        return
    date = as_date(date, EVERYTHING)
    if date >= today():
        return
    LateChange.objects.create(on=date)
    KeptReport.objects.filter(period_end__gte=date).delete()
    # A report being computed beside this change may keep figures read before it: once the
    # change is committed, drop them again.
    transaction.on_commit(lambda: KeptReport.objects.filter(period_end__gte=date).delete())


def _via(attribute, field):
    """The date of the record this one belongs to, when it is at hand; otherwise every
    period (no query for each line of a session or a training deleted with it)."""

    def date_of(instance):
        related = instance._state.fields_cache.get(attribute)
        return getattr(related, field, None) or EVERYTHING if related is not None else EVERYTHING

    return date_of


def _own(field):
    return lambda instance: getattr(instance, field)


def _watched():
    """{model: (its date, the field that holds it or None)}: the records the indicators read."""
    from incidents.models import Incident, Response, Violation
    from members.models import Member, MemberKindPeriod, MemberMove, PeerEducatorChange
    from outreach.models import (
        OutreachCommodity,
        OutreachContact,
        OutreachSession,
        OutsideParticipants,
        SessionTopic,
        Training,
        TrainingAttendance,
    )
    from services.models import CaseStep, HealthCare, HivResult, PaperworkCase, Referral, Visit, VisitService

    return {
        Visit: (_own("visited_on"), "visited_on"),
        VisitService: (_own("visited_on"), "visited_on"),
        OutreachSession: (_own("held_on"), "held_on"),
        OutreachContact: (_via("session", "held_on"), "session"),
        SessionTopic: (_via("session", "held_on"), "session"),
        OutreachCommodity: (_via("session", "held_on"), "session"),
        Training: (_own("starts_on"), "starts_on"),
        TrainingAttendance: (_own("day"), "day"),
        OutsideParticipants: (_via("training", "starts_on"), "training"),
        Incident: (_own("occurred_on"), "occurred_on"),
        Violation: (_via("incident", "occurred_on"), "incident"),
        Response: (_via("incident", "occurred_on"), "incident"),
        PaperworkCase: (_own("opened_on"), "opened_on"),
        CaseStep: (_via("case", "opened_on"), "case"),
        Referral: (_own("made_on"), "made_on"),
        HealthCare: (_own("given_on"), "given_on"),
        HivResult: (_via("care", "given_on"), "care"),
        Member: (_own("joined_on"), "joined_on"),
        MemberKindPeriod: (_own("started_on"), "started_on"),
        MemberMove: (_own("moved_on"), "moved_on"),
        PeerEducatorChange: (_own("changed_on"), "changed_on"),
    }


# A member's branch, peer-educator status and kind are read from their dated histories,
# whose rows carry the change's date; saving them on the member itself changes no report.
_MEMBER_FIELDS_DATED_ELSEWHERE = {"branch", "peer_educator", "kind", "work_setting", "updated_at"}
_MEMBER_FIELDS_NOT_REPORTED = {"alias", "notes", "linked_member", "consent_on", "registered_by"}


def fact_date(model, instance, created, update_fields, deleted=False):
    """The earliest day whose periods a save or deletion of ``instance`` can change."""
    watched = _watched()
    if model not in watched:
        return EVERYTHING  # branches, centres, services, commodities: names and groupings
    date_of, field = watched[model]
    if created or deleted:
        return date_of(instance) or EVERYTHING
    if update_fields is None or field in update_fields:
        return EVERYTHING  # the date itself may have moved: its old value is not known here
    touched = set(update_fields)
    if model.__name__ == "Member" and touched <= _MEMBER_FIELDS_DATED_ELSEWHERE | _MEMBER_FIELDS_NOT_REPORTED:
        if "kind" in touched and not _kind_dated_from_joining(instance):
            return instance.joined_on  # grouped among new members by her present kind
        return None
    if model.__name__ == "MemberKindPeriod" and touched == {"ended_on"} and instance.ended_on:
        return instance.ended_on  # the kind changes from that day on
    return date_of(instance) or EVERYTHING


def _kind_dated_from_joining(member):
    """Whether the member's kind history reaches back to her joining day. Without it, the new
    members table groups her by her present kind, so a change of kind reaches back to joining."""
    return member.kind_periods.filter(started_on__lte=member.joined_on).exists()


def _saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    forget_from(fact_date(sender, instance, created, update_fields))


def _deleted(sender, instance, **kwargs):
    forget_from(fact_date(sender, instance, False, None, deleted=True))


def _member_forgotten(member, old_code, code):
    """Erasure rewrites a member's codes with ``update()`` (no signal): people counted under two
    codes may now be one, in any period."""
    forget_from(EVERYTHING)


def connect():
    from members import contributions as members
    from opsi.tenant import Branch, DropInCentre
    from services.models import Commodity, ServiceType

    from .models import PopulationSizeEstimate

    members.erasure.add(_member_forgotten)
    for model in [*_watched(), Branch, DropInCentre, ServiceType, Commodity, PopulationSizeEstimate]:
        post_save.connect(_saved, sender=model, dispatch_uid=f"kept-reports-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"kept-reports-delete-{model.__name__}")
