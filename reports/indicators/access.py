"""Outcome 1, access to health services: visits, services, referrals, documents."""

import datetime

from django.db import connection
from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, Q, Value, When
from django.utils.translation import gettext as _

from services.models import (
    Document,
    PaperworkCase,
    Referral,
    ReferralOutcome,
    ServiceType,
    Step,
    Visit,
    VisitService,
)

from ..tables import Share, Table
from .membership import branch_at, last_day


def _visits(ctx, period=None):
    period = period or ctx.period
    return Visit.objects.in_branches(ctx.branch_ids).in_period(period.start, period.end)


def _visit_totals(ctx, period=None):
    """Visits and unique people of a period in one pass over the visits, shared by two figures."""
    period = period or ctx.period
    key = ("visit_totals", period)
    if key not in ctx.memo:
        ctx.memo[key] = _visits(ctx, period).totals()
    return ctx.memo[key]


def visits_total(ctx, period=None):
    return _visit_totals(ctx, period)["visits"]


def unique_people_total(ctx, period=None):
    return _visit_totals(ctx, period)["people"]


def _cases_of_members_in_scope(ctx, cases, date):
    """``cases`` of members who belonged to a branch in scope on ``date`` (a date or F() of
    the case's date column): a document counts where the member was when she got it."""
    if ctx.branch_ids is None:
        return cases
    return cases.annotate(member_branch=branch_at(ctx, date)).filter(member_branch__in=ctx.branch_ids)


def _issued(ctx, document, period=None):
    period = period or ctx.period
    cases = PaperworkCase.objects.filter(
        document=document,
        step=Step.ISSUED,
        issued_on__range=(period.start, period.end),
    )
    return _cases_of_members_in_scope(ctx, cases, F("issued_on")).count()


def ktp_issued_total(ctx, period=None):
    return _issued(ctx, Document.KTP, period)


def bpjs_issued_total(ctx, period=None):
    return _issued(ctx, Document.BPJS, period)


def holding_ktp_and_bpjs_total(ctx, period=None):
    """Members on the period's last day holding both a KTP and a BPJS card issued through a
    case by then; a member who left before that day is no longer counted."""
    period = period or ctx.period
    day = last_day(period)
    cases = PaperworkCase.objects.filter(
        step=Step.ISSUED,
        issued_on__lte=day,
        document__in=[Document.KTP, Document.BPJS],
        member__joined_on__lte=day,
    ).filter(Q(member__left_on__isnull=True) | Q(member__left_on__gt=day))
    return (
        _cases_of_members_in_scope(ctx, cases, day)
        .values("member")
        .annotate(kinds=Count("document", distinct=True))
        .filter(kinds=2)
        .count()
    )


def services_by_type(ctx):
    lines = VisitService.objects.in_period(ctx.period.start, ctx.period.end).in_branches(ctx.branch_ids)
    rows = {r["service_type"]: r for r in lines.by_type()}
    table_rows, keys = [], []
    for service in ServiceType.objects.order_by("order", "name"):
        row = rows.get(service.pk, {})
        quantity = row.get("quantity") or 0 if service.commodity_id else "–"
        table_rows.append([str(service), row.get("visits", 0), quantity])
        keys.append(service.pk)
    return Table(
        "services_by_type",
        _("Services received at drop-in centres"),
        [_("Service"), _("Visits"), _("Items handed out")],
        table_rows,
        chart=False,
        row_keys=keys,
    )


def referrals_by_outcome(ctx):
    # The outcome as it was known on the period's last day: news that came later belongs
    # to a later report, so a closed period's report does not change.
    known = Case(
        When(Q(outcome_on__isnull=True) | Q(outcome_on__lte=ctx.period.end), then=F("outcome")),
        default=Value(ReferralOutcome.PENDING),
    )
    rows = (
        Referral.objects.in_branches(ctx.branch_ids)
        .filter(made_on__range=(ctx.period.start, ctx.period.end))
        .annotate(known=known)
        .values("facility_kind", "known")
        .annotate(n=Count("pk"))
    )
    counts = {(r["facility_kind"], r["known"]): r["n"] for r in rows}
    from services.models import FacilityKind

    columns = [_("Facility")] + [label for _c, label in ReferralOutcome.choices] + [_("Total")]
    table_rows = []
    for code, label in FacilityKind.choices:
        values = [counts.get((code, outcome), 0) for outcome, _l in ReferralOutcome.choices]
        table_rows.append([label] + values + [sum(values)])
    table_rows.append([_("Total")] + [sum(r[i] for r in table_rows) for i in range(1, len(columns))])
    return Table(
        "referrals_by_outcome",
        _("Referrals by facility and outcome"),
        columns,
        table_rows,
        total_column=True,
        total_row=True,
        chart=True,
        row_keys=[*FacilityKind.values, "total"],
    )


def documents_issued(ctx):
    """Documents issued in the period, with the median days from the case opened to issue."""
    issued = _cases_of_members_in_scope(
        ctx,
        PaperworkCase.objects.filter(
            step=Step.ISSUED,
            issued_on__range=(ctx.period.start, ctx.period.end),
        ),
        F("issued_on"),
    )
    counts = {r["document"]: r["n"] for r in issued.values("document").annotate(n=Count("pk"))}
    duration = ExpressionWrapper(F("issued_on") - F("opened_on"), output_field=DurationField())
    rows = []
    for code, label in Document.choices:
        n = counts.get(code, 0)
        median = "–"
        if n:
            # The middle value, or the mean of the two middle values, read by the database
            # (a sorted slice of one or two rows); halves are rounded up.
            middle = [
                days.days if isinstance(days, datetime.timedelta) else int(days)
                for days in issued.filter(document=code)
                .annotate(days=duration)
                .order_by("days")
                .values_list("days", flat=True)[(n - 1) // 2 : n // 2 + 1]
            ]
            median = (sum(middle) * 2 // len(middle) + 1) // 2
        rows.append([label, n, median])
    return Table(
        "documents_issued",
        _("Documents issued"),
        [_("Document"), _("Issued"), _("Median days to issue")],
        rows,
        chart=False,
        row_keys=list(Document.values),
        # The same counts as the key figures "KTP issued" and "BPJS cards issued".
        links={f"{code}_issued": (i, 1) for i, code in enumerate(Document.values) if code in ("ktp", "bpjs")},
        medians={2: 1},
    )


def coverage_window(period):
    """GAM's "last three months": the last three calendar months of the period (the month of
    its last day and the two before), from the period's first day at the earliest."""
    end = period.end
    index = end.year * 12 + end.month - 1 - 2
    return max(period.start, datetime.date(index // 12, index % 12 + 1, 1)), end


def prevention_coverage_by_branch(ctx):
    """UNAIDS GAM: people reached with at least two prevention services in the last three months.

    A branch row counts what that branch gave; the total row counts each person once
    nationally, with the services they received in every branch put together.
    """
    start, end = coverage_window(ctx.period)
    lines = (
        VisitService.objects.in_period(start, end)
        .in_branches(ctx.branch_ids)
        .filter(service_type__counts_for_prevention=True)
    )
    inner = (
        lines.values("visit__drop_in_centre__branch", "visit__person_key")
        .annotate(kinds=Count("service_type", distinct=True))
        .filter(kinds__gte=2)
    )
    covered = _count_per_group(inner, "visit__drop_in_centre__branch")
    visits = Visit.objects.in_branches(ctx.branch_ids).in_period(start, end)
    reached_rows = visits.values("drop_in_centre__branch").annotate(n=Count("person_key", distinct=True))
    reached = {r["drop_in_centre__branch"]: r["n"] for r in reached_rows}
    total_reached = visits.aggregate(n=Count("person_key", distinct=True))["n"]
    total_covered = (
        lines.values("visit__person_key")
        .annotate(kinds=Count("service_type", distinct=True))
        .filter(kinds__gte=2)
        .count()
    )
    rows = []
    for branch in ctx.branches:
        c, r = covered.get(branch.pk, 0), reached.get(branch.pk, 0)
        rows.append([branch.name, r, c, Share(c, r)])
    row_keys = [branch.pk for branch in ctx.branches] + ["total"]
    rows.append([_("Total (each person once)"), total_reached, total_covered, Share(total_covered, total_reached)])
    return Table(
        "prevention_coverage",
        _("Coverage of HIV prevention programmes among sex workers"),
        [_("Branch"), _("People reached"), _("With at least two prevention services"), _("Coverage")],
        rows,
        total_row=True,
        total_row_adds=False,
        shares={3: (2, 1)},
        row_keys=row_keys,
        # A branch's row and a one-branch report's total count the same people.
        branch_rows=True,
        column_names=[None, "coverage_reached", "coverage_covered", None],
        links={"coverage_reached": (len(rows) - 1, 1), "coverage_covered": (len(rows) - 1, 2)},
        note=_("Last three months of the period: %(start)s to %(end)s.") % {"start": start, "end": end},
    )


def _count_per_group(grouped, column):
    """COUNT(*) of the rows of an already grouped queryset per ``column``, in one query."""
    sql, params = grouped.query.sql_with_params()
    name = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        # Safe: ``sql`` is the ORM's own compiled query with its values left as
        # parameters, and ``name`` a fixed column name quoted by the backend.
        cursor.execute(f"SELECT {name}, COUNT(*) FROM ({sql}) grouped GROUP BY {name}", params)  # nosec B608
        return dict(cursor.fetchall())
