"""Outcome 2, no stigma and discrimination: documented rights violations.

Only incidents whose consent allows anonymous statistics are counted; nothing
but counts leaves the incidents app.
"""

import datetime

from django.db.models import Count, F, Min, Q
from django.utils.translation import gettext as _

from incidents.models import Incident, PerpetratorKind, ViolationKind, Violation

from ..protection import recorded_before
from ..tables import Share, Table


def _incidents(ctx, period=None):
    period = period or ctx.period
    incidents = (
        Incident.objects.countable().in_branches(ctx.branch_ids).filter(occurred_on__range=(period.start, period.end))
    )
    if ctx.incidents_to_cutoff:
        # Entered by the end of the month after the period (``reported_at`` is set when the
        # record is saved, no form changes it): the figure never changes once shown.
        incidents = incidents.filter(reported_at__lt=recorded_before(period))
    return incidents


def _single_column(key, title, label, choices, counts):
    rows = [[text, counts.get(code, 0)] for code, text in choices]
    rows.append([_("Total"), sum(r[1] for r in rows)])
    table = Table(key, title, [label, _("Incidents")], rows, total_row=True, chart=True, sensitive=True)
    table.row_keys = [code for code, _text in choices] + ["total"]
    table.links["incidents"] = (len(rows) - 1, 1)
    return table


def incidents_by_violation(ctx):
    rows = (
        Violation.objects.filter(incident__in=_incidents(ctx))
        .values("kind")
        .annotate(n=Count("incident", distinct=True))
    )
    table = _single_column(
        "incidents_by_violation",
        _("Incidents by kind of violation"),
        _("Kind of violation"),
        ViolationKind.choices,
        {r["kind"]: r["n"] for r in rows},
    )
    table.total_row = False  # one incident may have several kinds: no meaningful total
    table.rows = table.rows[:-1]
    table.row_keys = table.row_keys[:-1]
    table.links = {}
    table.note = _("An incident can involve several kinds of violation.")
    return table


def _incidents_by(ctx, field, key, title, label, choices):
    rows = _incidents(ctx).values(field).annotate(n=Count("pk"))
    return _single_column(key, title, label, choices, {r[field]: r["n"] for r in rows})


def incidents_by_perpetrator(ctx):
    return _incidents_by(
        ctx,
        "perpetrator",
        "incidents_by_perpetrator",
        _("Incidents by perpetrator"),
        _("Perpetrator"),
        PerpetratorKind.choices,
    )


def incidents_by_branch(ctx):
    table = _incidents_by(
        ctx,
        "branch",
        "incidents_by_branch",
        _("Incidents by branch"),
        _("Branch"),
        [(b.pk, b.name) for b in ctx.branches],
    )
    table.branch_rows, table.column_names = True, [None, "incidents"]
    return table


def incidents_total(ctx, period=None):
    return _incidents(ctx, period).count()


def responded_within_72_hours(ctx, period=None):
    """Percentage of the period's counted incidents with help given within 72 hours of the
    report (a share, not a count: the number of incidents is its own figure)."""
    incidents = _incidents(ctx, period)
    quick = Q(first_help__lte=F("reported_at") + datetime.timedelta(hours=72))
    counts = incidents.annotate(first_help=Min("responses__at", filter=Q(responses__given=True))).aggregate(
        total=Count("pk"), quick=Count("pk", filter=quick)
    )
    return Share(counts["quick"], counts["total"])
