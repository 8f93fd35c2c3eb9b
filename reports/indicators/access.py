"""Outcome 1, access to health services: visits, services, referrals, documents."""

import datetime

from django.db import connection
from django.db.models import BigIntegerField, Case, Count, DurationField, ExpressionWrapper, F, Q, Value, When
from django.utils.translation import gettext as _

from members.models import Member, MemberKind, MemberKindPeriod
from members.models.members import kind_period_open_on
from opsi.db import person_key
from outreach.models import OutreachContact, OutreachSession
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

from ..breakdowns import count_by_sex_and_age, person_rows
from ..consent import countable
from ..models import PopulationSizeEstimate
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
        ctx.memo[key] = _visits(ctx, period).aggregate(
            visits=Count("*"), people=Count("person_key", distinct=True, filter=countable(period, partner=ctx.partner))
        )
    return ctx.memo[key]


def visits_total(ctx, period=None):
    return _visit_totals(ctx, period)["visits"]


def unique_people_total(ctx, period=None):
    return _visit_totals(ctx, period)["people"]


def unique_people_by_sex_and_age(ctx):
    """The people who visited a centre in the period (``unique_people_total``) by sex and age."""
    visits = _visits(ctx).filter(countable(ctx.period, partner=ctx.partner))  # as the figure it breaks down
    return count_by_sex_and_age(person_rows(visits, F("person_key"), ctx.period))


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


def _issued_by_sex_and_age(ctx, document):
    """The documents issued in the period (one a case) by the sex and age of the member who got them."""
    cases = PaperworkCase.objects.filter(
        document=document, step=Step.ISSUED, issued_on__range=(ctx.period.start, ctx.period.end)
    )
    cases = _cases_of_members_in_scope(ctx, cases, F("issued_on"))
    return count_by_sex_and_age(person_rows(cases, F("pk"), ctx.period, uic=None))


def ktp_issued_by_sex_and_age(ctx):
    return _issued_by_sex_and_age(ctx, Document.KTP)


def bpjs_issued_by_sex_and_age(ctx):
    return _issued_by_sex_and_age(ctx, Document.BPJS)


def ktp_issued_total(ctx, period=None):
    return _issued(ctx, Document.KTP, period)


def bpjs_issued_total(ctx, period=None):
    return _issued(ctx, Document.BPJS, period)


def _holding_ktp_and_bpjs(ctx, period):
    """The members (grouped by member) on the period's last day holding both a KTP and a BPJS
    card issued through a case by then; a member who left before that day is not among them."""
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
    )


def holding_ktp_and_bpjs_total(ctx, period=None):
    return _holding_ktp_and_bpjs(ctx, period or ctx.period).count()


def holding_ktp_and_bpjs_by_sex_and_age(ctx):
    holding = Member.objects.filter(pk__in=_holding_ktp_and_bpjs(ctx, ctx.period).values("member"))
    return count_by_sex_and_age(person_rows(holding, F("pk"), ctx.period, member="", uic=None))


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


def current_sex_workers(day, member="member"):
    """The condition on a visit or an outreach contact of a current sex worker: a walk-in (known
    by code only) or a member who was a regular member (an active sex worker) on ``day``; former
    and honorary members are left out of key-population indicators."""
    regular = MemberKindPeriod.objects.filter(kind_period_open_on(day), kind=MemberKind.REGULAR).values("member")
    return Q(**{f"{member}__isnull": True}) | Q(**{f"{member}__in": regular})


# GAM Part I counts prevention interventions, and "condoms and lubricant" is one of them: every
# prevention service that hands out an item (condoms, lubricant) counts as that one intervention.
_INTERVENTION = Case(
    When(service_type__commodity__isnull=False, then=Value(0)),
    default=F("service_type"),
    output_field=BigIntegerField(),
)


def _in_coverage_window(ctx):
    """(prevention services, visits) of current sex workers in the period's last three months."""
    start, end = coverage_window(ctx.period)
    lines = (
        VisitService.objects.in_period(start, end)
        .in_branches(ctx.branch_ids)
        .filter(service_type__counts_for_prevention=True)
        .filter(current_sex_workers(last_day(ctx.period), "visit__member"))
    )
    visits = (
        Visit.objects.in_branches(ctx.branch_ids)
        .in_period(start, end)
        .filter(current_sex_workers(last_day(ctx.period)))
    )
    return lines, visits


def came_to_a_centre_by_sex_and_age(ctx):
    """The sex workers who came to a centre in the last three months (the total row of
    ``prevention_coverage_by_branch``) by sex and age."""
    _lines, visits = _in_coverage_window(ctx)
    return count_by_sex_and_age(person_rows(visits, F("person_key"), ctx.period))


def two_or_more_interventions_by_sex_and_age(ctx):
    """Those of them who received two or more prevention interventions, by sex and age."""
    lines, visits = _in_coverage_window(ctx)
    covered = (
        lines.values("visit__person_key")
        .annotate(kinds=Count(_INTERVENTION, distinct=True))
        .filter(kinds__gte=2)
        .values("visit__person_key")
    )
    return count_by_sex_and_age(person_rows(visits.filter(person_key__in=covered), F("person_key"), ctx.period))


def prevention_coverage_by_branch(ctx):
    """Sex workers who received at least two different prevention interventions in the last three
    months (the rule of UNAIDS GAM Part I, a survey's, applied to programme records), over the
    sex workers who came to a centre then. Not the GAM coverage: that is over the population size
    estimate (``gam_programme_coverage``).

    A branch row counts what that branch gave; the total row counts each person once
    nationally, with the services they received in every branch put together.
    """
    start, end = coverage_window(ctx.period)
    lines, visits = _in_coverage_window(ctx)
    inner = (
        lines.values("visit__drop_in_centre__branch", "visit__person_key")
        .annotate(kinds=Count(_INTERVENTION, distinct=True))
        .filter(kinds__gte=2)
    )
    covered = _count_per_group(inner, "visit__drop_in_centre__branch")
    reached_rows = visits.values("drop_in_centre__branch").annotate(n=Count("person_key", distinct=True))
    reached = {r["drop_in_centre__branch"]: r["n"] for r in reached_rows}
    total_reached = visits.aggregate(n=Count("person_key", distinct=True))["n"]
    total_covered = (
        lines.values("visit__person_key")
        .annotate(kinds=Count(_INTERVENTION, distinct=True))
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
        _("Sex workers at the centres who received two or more prevention interventions in the last three months"),
        [
            _("Branch"),
            _("Sex workers who came to a centre"),
            _("With two or more prevention interventions"),
            _("Share of those who came"),
        ],
        rows,
        total_row=True,
        total_row_adds=False,
        shares={3: (2, 1)},
        row_keys=row_keys,
        # A branch's row and a one-branch report's total count the same people.
        branch_rows=True,
        column_names=[None, "coverage_reached", "coverage_covered", None],
        links={"coverage_reached": (len(rows) - 1, 1), "coverage_covered": (len(rows) - 1, 2)},
        note=_(
            "Last three months of the period: %(start)s to %(end)s. A share of the sex workers who came to a "
            "centre, not of all sex workers: it is not the GAM coverage (the table before)."
        )
        % {"start": start, "end": end},
    )


def _reached(ctx, period):
    """(services at a centre, outreach contacts) that reached sex workers with the defined
    package in ``period``: a prevention service at a centre, or a meeting by code at outreach."""
    current = current_sex_workers(last_day(period), "visit__member")
    at_centres = (
        VisitService.objects.in_period(period.start, period.end)
        .in_branches(ctx.branch_ids)
        .filter(service_type__counts_for_prevention=True)
        .filter(current)
    )
    sessions = OutreachSession.objects.in_branches(ctx.branch_ids).in_period(period.start, period.end)
    met = OutreachContact.objects.filter(session__in=sessions).filter(current_sex_workers(last_day(period)))
    return at_centres, met


def gam_reached_by_sex_and_age(ctx):
    """The sex workers reached with the defined package (``gam_reached_total``) by sex and age,
    each person once, whether met at a centre, at outreach or both."""
    at_centres, met = _reached(ctx, ctx.period)
    return count_by_sex_and_age(
        person_rows(at_centres, F("visit__uic"), ctx.period, member="visit__member", uic="visit__uic"),
        person_rows(met, F("uic"), ctx.period),
    )


def _reached_by_branch(ctx, period):
    """{branch id: person keys} of the sex workers reached with the defined package in ``period``:
    a prevention service at a centre, or met by code at peer outreach. Counted once for the table
    and the key figure."""
    key = ("gam_reached", period)
    if key in ctx.memo:
        return ctx.memo[key]
    at_centres, met = _reached(ctx, period)
    at_centres = at_centres.values_list("visit__drop_in_centre__branch", "visit__person_key").distinct()
    met = met.values_list("session__branch", "uic").distinct()
    people = {}
    for branch, person in at_centres:
        people.setdefault(branch, set()).add(person)
    for branch, uic in met:
        people.setdefault(branch, set()).add(person_key(uic))
    ctx.memo[key] = people
    return people


def _size_estimates(ctx, period):
    """{branch id: estimate}: each branch's latest estimate for the period's year or before."""
    found = {}
    estimates = PopulationSizeEstimate.objects.filter(
        branch__in=[b.pk for b in ctx.branches], year__lte=period.end.year
    ).order_by("branch", "-year")
    for estimate in estimates:
        found.setdefault(estimate.branch_id, estimate)
    return found


def gam_reached_total(ctx, period=None):
    """Sex workers reached with the defined package in the period, each once (GAM Part II's numerator)."""
    period = period or ctx.period
    return len(set().union(*_reached_by_branch(ctx, period).values()))


def gam_programme_coverage(ctx):
    """UNAIDS GAM coverage of HIV prevention programmes among sex workers, Part II (programme
    data): sex workers reached with the defined package in the period over the branch's
    population size estimate; a percentage only where the branch has an estimate."""
    people = _reached_by_branch(ctx, ctx.period)
    estimates = _size_estimates(ctx, ctx.period)
    rows = []
    for branch in ctx.branches:
        reached = len(people.get(branch.pk, ()))
        estimate = estimates.get(branch.pk)
        if estimate is None:
            rows.append([branch.name, reached, "–", "–"])
        else:
            rows.append([branch.name, reached, estimate.sex_workers, Share(reached, estimate.sex_workers)])
    total = len(set().union(*people.values()))
    every = ctx.branches and all(b.pk in estimates for b in ctx.branches)
    size = sum(e.sex_workers for e in estimates.values()) if every else "–"
    rows.append([_("Total (each person once)"), total, size, Share(total, size) if every else "–"])
    used = "; ".join(
        _("%(branch)s %(year)s: %(source)s, %(date)s")
        % {"branch": b.name, "year": e.year, "source": e.source, "date": e.estimated_on.isoformat()}
        for b in ctx.branches
        if (e := estimates.get(b.pk))
    )
    return Table(
        "gam_coverage",
        _("Coverage of HIV prevention programmes among sex workers (UNAIDS GAM, programme data)"),
        [
            _("Branch"),
            _("Sex workers reached with the defined package"),
            _("Population size estimate"),
            _("Coverage"),
        ],
        rows,
        total_row=True,
        total_row_adds=False,
        shares={3: (1, 2)},
        row_keys=[branch.pk for branch in ctx.branches] + ["total"],
        branch_rows=True,
        column_names=[None, "gam_reached", "gam_size_estimate", None],
        links={"gam_reached": (len(rows) - 1, 1), "gam_size_estimate": (len(rows) - 1, 2)},
        note=(_("Size estimates used: %(list)s.") % {"list": used})
        if used
        else _("No branch in this report has a population size estimate: coverage is not shown."),
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
