"""Figures of closed periods, kept as facts.

A period is closed once its last day has passed everywhere in Indonesia (in WIB, the last
of the three time zones to reach a new day). The rule that fixes past reports (every
indicator reads the dated histories as they were on the period's last day: kind, branch,
peer-educator status, a referral's outcome known by then) means that a change dated after
that day cannot alter the period's figures. So the figures of a closed period are computed
once and kept, and the next report of the same period is read back instead of recounted.

Where they live: ``opsi.kept`` keeps them (kind ``REPORT``), as every figure kept as a fact;
the rows hold what the report shows before rounding: labels and counts, never a member's
record, code or name; rounding (``reports.protection``) is applied on every read, as for a
fresh report.

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
report. Attendances and visits recorded in bulk send no signal: their querysets tell
``opsi.kept`` themselves. Each such change is also noted (``opsi.kept``): a report being
counted while it is saved is shown but not kept. Whatever the path, a kept report is never
older than ``opsi.kept.MAX_AGE``.
"""

import functools
import json

from django.utils import translation

from opsi import kept as facts
from opsi.dates import as_date
from opsi.kept import EVERYTHING, Reach

from .tables import KeyFigure, Section, Share, Table

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

# A report reads members' histories as of its period's last day: a change dated on any day
# before it may change its figures.
REPORT = facts.Kind("report", code=_COUNTING_CODE, cumulative=True)


def today():
    """The date in WIB: the last time zone of the country to reach a new day."""
    return facts.today()


def is_closed(period):
    return facts.is_closed(period.end)


def marks():
    """What a count about to begin has seen (``opsi.kept.mark``)."""
    return facts.mark()


def kept_or_computed(definition, period, ctx, compute):
    """(key figures, sections) of the report, read back when the period is closed and its
    figures are kept, computed (and kept, if closed) otherwise."""
    # Figures for a partner depend on consents withdrawn up to the day of release: never kept.
    if not is_closed(period) or ctx.partner:
        return compute()
    key = _key(definition, period, ctx)
    found = REPORT.read([key]).get(key)
    if found is not None:
        return _load(found)
    seen = marks()
    figures, sections = compute()
    REPORT.keep([(key, None, period.end, None, _dump(figures, sections))], seen)
    return figures, sections


# The key figures of a closed period, kept on their own: a report shows each key figure beside
# the period before, and that period has ended (last year beside this year). Its values are read
# back from its own kept report, or from the key figures another report counted for it, so a
# report of the open year or a recount after a late change counts its own period only.


def kept_key_figures(definition, period, ctx):
    """{figure key: value} of ``period`` when it is closed and its key figures are kept, else None."""
    if not is_closed(period) or ctx.partner:
        return None
    keys = [_key(definition, period, ctx), _key(definition, period, ctx, part="key figures")]
    found = REPORT.read(keys)
    kept = next((found[key] for key in keys if key in found), None)
    if kept is None:
        return None
    return {key: _unvalue(value) for key, _label, value, _previous, _sensitive in kept["figures"]}


def keep_key_figures(definition, period, ctx, values, seen):
    """Keep ``values`` ({figure key: value}) of the closed ``period``, counted after ``seen``
    (``marks()``), unless a change into the period came in meanwhile."""
    if not is_closed(period) or ctx.partner:
        return
    figures = [[key, "", _value(value), None, False] for key, value in values.items()]
    key = _key(definition, period, ctx, part="key figures")
    REPORT.keep([(key, None, period.end, None, {"figures": figures, "sections": []})], seen)


def _key(definition, period, ctx, part="report"):
    branches = (
        "all" if ctx.branch_ids is None else ",".join(str(b.pk) for b in sorted(ctx.branches, key=lambda b: b.pk))
    )
    return REPORT.key(
        definition.key,
        part,
        period.start.isoformat(),
        period.end.isoformat(),
        branches,
        ctx.includes_national,
        ctx.incidents_to_cutoff,
        translation.get_language() or "",
    )


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


def _via(attribute, field):
    """The date of the record this one belongs to, when it is at hand; otherwise every
    period (no query for each line of a session or a training deleted with it)."""

    def date_of(instance):
        related = instance._state.fields_cache.get(attribute)
        return getattr(related, field, None) or EVERYTHING if related is not None else EVERYTHING

    return date_of


def _own(field):
    return lambda instance: getattr(instance, field)


@functools.cache  # read for each record of a bulk write
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


def _reach(model):
    """What a write of ``model``'s records reaches (``opsi.kept.Kind.watch``)."""

    def reach(how, records, fields):
        if not records:
            return Reach(EVERYTHING)  # rewritten in bulk: the old dates are not known here
        days = [fact_date(model, record, how == "made", fields, deleted=how == "deleted") for record in records]
        days = [as_date(day, EVERYTHING) for day in days if day is not None]
        return Reach(min(days)) if days else None

    return reach


def _member_forgotten(member, old_code, code):
    """Erasure rewrites a member's codes with ``update()`` (no signal): people counted under two
    codes may now be one, in any period."""
    facts.forget_all([REPORT])


def connect():
    from members import contributions as members
    from opsi.tenant import Branch, DropInCentre
    from services.models import Commodity, ServiceType

    from .models import PopulationSizeEstimate

    members.erasure.add(_member_forgotten)
    for model in [*_watched(), Branch, DropInCentre, ServiceType, Commodity, PopulationSizeEstimate]:
        REPORT.watch(model, _reach(model))
