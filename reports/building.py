"""Build a report: run a definition's indicators for a period and a scope.

A closed period's figures are facts: computed once, kept in a table (``opsi.kept``, not
the cache: a row dropped in the same transaction as a late change is stale nowhere, in
every process) and read back; an open period is always counted live. ``reports.kept``
says when kept figures are dropped."""

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import breakdowns, kept, protection
from .tables import KeyFigure, Report, Section


def _one_snapshot_more_memory(own_transaction):
    """On PostgreSQL: every query of the count reads one snapshot of the data (REPEATABLE READ,
    read only), so a record saved during the second of counting is in every table of the report
    or in none, and sorts and hashes stay in memory, until the transaction ends. The isolation
    can only be set by the statement that opens the transaction (``own_transaction``); inside a
    caller's transaction the count reads as that transaction does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if own_transaction:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.REPORT_WORK_MEM])


@dataclass
class Context:
    period: object
    branches: list  # Branch objects in scope, for row labels
    branch_ids: object  # a queryset of their ids, used as a subquery; None: every branch
    includes_national: bool = False  # national activities (trainings) count in this scope
    previous_needed: bool = True  # the period before is counted too (its key figures are not kept)
    # Incidents counted from those recorded by the end of the month after each period
    # (``reports.protection``: readers who may not read incidents).
    incidents_to_cutoff: bool = False
    # Figures shared with this partner (by name) under an agreement leave out the people who
    # withdrew their consent to sharing with it or with every partner (``reports.consent``).
    partner: str = ""
    memo: dict = field(default_factory=dict)  # results shared by several indicators


def build_report(definition, period, scope, user, external=False, partner=""):
    """The report of ``definition`` over ``period`` and ``scope`` as ``user`` may see it; every
    figure rounded when ``external`` (for use outside OPSI: ``reports.protection``); for
    ``partner`` (by name), without the people who withdrew their consent to sharing with it."""
    incidents = protection.incident_access(user, scope, period, external)
    branch_qs = scope.branches(user)
    branches = list(branch_qs.order_by("name"))
    every_branch = scope.kind == "national" and user.sees_all_branches
    # With every branch in scope, leaving the filter out spares the joins on large tables.
    ctx = Context(
        period=period,
        branches=branches,
        branch_ids=None if every_branch else branch_qs.values("pk"),
        includes_national=scope.kind == "national",
        incidents_to_cutoff=incidents.to_cutoff,
        partner=partner,
    )
    previous = period.previous()

    def compute():
        own_transaction = not connection.in_atomic_block
        with transaction.atomic():
            _one_snapshot_more_memory(own_transaction)
            figures, sections, counted_before = _compute()
        # Kept after the count's transaction has ended: the check for changes saved meanwhile
        # must see them, which the count's snapshot does not.
        if counted_before is not None:
            kept.keep_key_figures(definition, previous, ctx, *counted_before)
        return figures, sections

    def _compute():
        # The period before is usually closed: its key figures are read back when kept, and
        # kept when counted here, so the next report counts only its own period.
        previous_values = kept.kept_key_figures(definition, previous, ctx)
        ctx.previous_needed = previous_values is None
        seen = kept.marks() if previous_values is None and kept.is_closed(previous) else None
        values = [f.compute(ctx, period) for f in definition.key_figures]
        counted_before = None
        if previous_values is None:
            previous_values = {f.key: f.compute(ctx, previous) for f in definition.key_figures}
            counted_before = (previous_values, seen)
        figures = [
            KeyFigure(f.key, str(f.label), value, previous_values[f.key], sensitive=f.sensitive)
            for f, value in zip(definition.key_figures, values)
        ]
        sections = [Section(s.key, str(s.title), [compute(ctx) for compute in s.tables]) for s in definition.sections]
        if definition.breakdowns:
            sections.append(breakdowns.section(definition.breakdowns, ctx))
        return figures, sections, counted_before

    # A closed period's figures are read back when kept (reports.kept).
    figures, sections = kept.kept_or_computed(definition, period, ctx, compute)
    notices = []
    data_to = None if kept.is_closed(period) else kept.today()
    if data_to is not None:
        # Never kept (an open period is counted live): its labels say on which day it counts.
        figures, sections = _on_the_day(figures, sections, data_to)
    if not incidents.shown:
        figures, sections = protection.withhold_incidents(figures, sections, incidents)
        notices.append(incidents.why_not)
    elif incidents.to_cutoff:
        sections = protection.without_branch_rows(sections)
    report = Report(
        definition=definition,
        period=period,
        previous_period=previous,
        scope_label=scope.label(user),
        generated_at=timezone.now(),
        key_figures=figures,
        sections=sections,
        notices=notices,
        data_to=data_to,
    )
    # Counts about people harmed are rounded in every report, whoever reads it.
    report = protection.protect(report, scope, branches, external)
    if incidents.shown and incidents.to_cutoff:
        report.method_notes.append(protection.cutoff_note(period))
    return report


def _on_the_day(figures, sections, day):
    """The figures counted on a period's last day say which day for a period not yet over:
    "Members on 7 December 2026", not "at the end of the period" (``reports.indicators``
    count them on the report's day, ``last_day``)."""
    on = {"date": date_format(day, "j F Y")}
    labels = {
        "members": _("Members on %(date)s (the period before: on its last day)") % on,
        "ktp_and_bpjs": _("Members holding both KTP and BPJS on %(date)s (the period before: on its last day)") % on,
    }
    figures = [replace(f, label=labels.get(f.key, f.label)) for f in figures]
    titles = {
        "members_by_kind_gender": _("Members by kind and gender on %(date)s") % on,
        "members_by_branch_kind": _("Members by branch and kind on %(date)s") % on,
    }
    sections = [replace(s, tables=[replace(t, title=titles.get(t.key, t.title)) for t in s.tables]) for s in sections]
    return figures, sections
