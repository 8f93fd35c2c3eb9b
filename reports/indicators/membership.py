"""Outcome 3, a strong sex-worker movement: members by kind, branch and gender."""

import functools
import operator
from collections import Counter

from django.db import connection
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from members.models import Gender, Member, MemberKind, MemberKindPeriod, MemberMove, PeerEducatorChange
from members.models.history import branch_on, peer_educator_on
from members.models.members import kind_period_open_on

from .. import kept
from ..breakdowns import count_by_sex_and_age, person_rows
from ..tables import Table


def last_day(period):
    """The day a period's members are counted on: its last day, or today (WIB) while the period
    is not over (the report says "members on" that day and "provisional")."""
    return min(period.end, kept.today())


def _history(ctx):
    """Whether any member ever moved branch or changed peer-educator status: without such
    changes, today's columns are the past too and the reports skip the look-ups."""
    if "history" not in ctx.memo:
        ctx.memo["history"] = (MemberMove.objects.exists(), PeerEducatorChange.objects.exists())
    return ctx.memo["history"]


def branch_at(ctx, date, member="member"):
    """The member's branch on ``date`` as an expression (see ``members.models.history``)."""
    if not _history(ctx)[0]:
        return F(f"{member}__branch" if member else "branch")
    return branch_on(date, member)


def peer_educator_at(ctx, date, member="member"):
    if not _history(ctx)[1]:
        return F(f"{member}__peer_educator" if member else "peer_educator")
    return peer_educator_on(date, member)


def _members_on(ctx, date):
    """Counter {(branch, kind, gender, peer educator): members} on ``date``, from the histories.

    The last days of the period and of the previous one (unless its figures are kept:
    ``Context.previous_needed``) are counted in one pass over
    the kind history, each with a filtered count, with the branch and the peer-educator
    status each member had on that day; the tables and the key figures then add up
    what they need. No DISTINCT: a member has one kind period open on a date.
    """
    key = ("members_on", date)
    if key not in ctx.memo:
        dates = sorted({date, last_day(ctx.period), *([ctx.period.previous().end] if ctx.previous_needed else [])})
        conditions = [kind_period_open_on(d) for d in dates]
        at = {}
        for i, d in enumerate(dates):
            at[f"branch_{i}"] = branch_at(ctx, d)
            at[f"peer_educator_{i}"] = peer_educator_at(ctx, d)
        rows = MemberKindPeriod.objects.filter(functools.reduce(operator.or_, conditions)).annotate(**at)
        in_scope = None
        if ctx.branch_ids is not None:
            in_scope = {b.pk for b in ctx.branches}
            rows = rows.filter(
                functools.reduce(operator.or_, [Q(**{f"branch_{i}__in": ctx.branch_ids}) for i in range(len(dates))])
            )
        rows = rows.values("kind", "member__gender", *at).annotate(
            **{f"on_{i}": Count("pk", filter=c) for i, c in enumerate(conditions)}
        )
        counts = {d: Counter() for d in dates}
        for row in rows:
            for i, d in enumerate(dates):
                branch = row[f"branch_{i}"]
                if row[f"on_{i}"] and (in_scope is None or branch in in_scope):
                    group = (branch, row["kind"], row["member__gender"], bool(row[f"peer_educator_{i}"]))
                    counts[d][group] += row[f"on_{i}"]
        ctx.memo.update({("members_on", d): c for d, c in counts.items()})
    return ctx.memo[key]


def _sum_by(counts, *positions):
    """Add up a Counter keyed by (branch, kind, gender, peer educator) by the given positions."""
    summed = Counter()
    for group, n in counts.items():
        summed[tuple(group[p] for p in positions)] += n
    return summed


BRANCH, KIND, GENDER, PEER_EDUCATOR = range(4)


def _new_members(ctx, period):
    """Counter {(kind, gender): members who joined in ``period``}, by the kind they joined as
    and the branch they joined, so that a later change leaves a closed period's report as it
    was; the report's period and the previous one are counted in the same query."""
    key = ("new_members", period)
    if key not in ctx.memo:
        periods = list(dict.fromkeys([period, ctx.period, *([ctx.period.previous()] if ctx.previous_needed else [])]))
        conditions = [Q(joined_on__range=(p.start, p.end)) for p in periods]
        joined = Member.objects.filter(functools.reduce(operator.or_, conditions))
        if ctx.branch_ids is not None:
            joined = joined.annotate(joined_branch=branch_at(ctx, F("joined_on"), member=None)).filter(
                joined_branch__in=ctx.branch_ids
            )
        rows = _kind_on_joining(joined, periods)
        for i, p in enumerate(periods):
            ctx.memo[("new_members", p)] = Counter({(kind, gender): row[i] for kind, gender, *row in rows})
    return ctx.memo[key]


def _kind_on_joining(joined, periods):
    """[(kind joined as, gender, members joined in each of ``periods``...)] of the members
    ``joined``. The kind joined as is that of the member's latest kind period begun by the day
    she joined (the latest id first on the same day), else the member's kind. Counted in one
    pass: each member joined meets her kind periods begun by then in one join, and DISTINCT ON
    keeps the latest, where a subquery for each member took 110 ms for 17,000 members (a probe
    and a sort each), and a window over a shared CTE (or a second pass over the members, which
    parallel workers each repeated) took twice as long: 200 against 410 ms for two years of
    national data."""
    members_sql, members_params = joined.order_by().values("pk", "gender", "kind", "joined_on").query.sql_with_params()
    kinds = MemberKindPeriod._meta.db_table
    adapt = connection.ops.adapt_datefield_value
    counts = ", ".join("SUM(CASE WHEN j.joined_on BETWEEN %s AND %s THEN 1 ELSE 0 END)" for _p in periods)
    # Safe: ``members_sql`` is the ORM's own compiled query with its values left as parameters;
    # the table name is the model's and the period conditions are fixed text with parameters.
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT COALESCE(j.kind_joined, j.kind), j.gender, {counts} "  # nosec B608
            f"FROM (SELECT DISTINCT ON (m.id) m.id, m.gender, m.kind, m.joined_on, kp.kind AS kind_joined "
            f"FROM ({members_sql}) m (id, gender, kind, joined_on) "
            f"LEFT JOIN {kinds} kp ON kp.member_id = m.id AND kp.started_on <= m.joined_on "
            f"ORDER BY m.id, kp.started_on DESC NULLS LAST, kp.id DESC NULLS LAST) j "
            f"GROUP BY COALESCE(j.kind_joined, j.kind), j.gender"
        )
        params = [*(adapt(d) for p in periods for d in (p.start, p.end)), *members_params]
    else:  # SQLite has no DISTINCT ON: the kind periods are numbered per member by a window
        sql = (
            f"WITH j (id, gender, kind, joined_on) AS ({members_sql}), "  # nosec B608
            f"k AS (SELECT kp.member_id, kp.kind, ROW_NUMBER() OVER (PARTITION BY kp.member_id "
            f"ORDER BY kp.started_on DESC, kp.id DESC) AS n FROM {kinds} kp INNER JOIN j ON j.id = kp.member_id "
            f"WHERE kp.started_on <= j.joined_on) "
            f"SELECT COALESCE(k.kind, j.kind), j.gender, {counts} FROM j LEFT JOIN k ON k.member_id = j.id AND k.n = 1 "
            f"GROUP BY COALESCE(k.kind, j.kind), j.gender"
        )
        params = [*members_params, *(adapt(d) for p in periods for d in (p.start, p.end))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(kind, gender, *(int(n or 0) for n in counts)) for kind, gender, *counts in cursor.fetchall()]


def _grid(title, key, row_choices, col_choices, counts, row_label):
    columns = [row_label] + [label for _code, label in col_choices] + [_("Total")]
    rows = []
    for code, label in row_choices:
        values = [counts.get((code, col), 0) for col, _l in col_choices]
        rows.append([label] + values + [sum(values)])
    totals = [sum(r[i] for r in rows) for i in range(1, len(columns))]
    rows.append([_("Total")] + totals)
    table = Table(key, title, columns, rows, total_column=True, total_row=True, chart=True)
    table.row_keys = [code for code, _label in row_choices] + ["total"]
    return table


def _link_kind_totals(table, by_rows):
    """The totals by kind and the grand total, which the two members tables share: a cell
    hidden in one is hidden in the other (``Table.links``)."""
    last_row, last_column = len(table.rows) - 1, len(table.columns) - 1
    for i, (code, _label) in enumerate(MemberKind.choices):
        table.links[("members_of_kind", code)] = (i, last_column) if by_rows else (last_row, i + 1)
    table.links["members"] = (last_row, last_column)  # the key figure of that name
    return table


def members_by_kind_and_gender(ctx):
    counts = _sum_by(_members_on(ctx, last_day(ctx.period)), KIND, GENDER)
    table = _link_kind_totals(
        _grid(
            _("Members by kind and gender at the end of the period"),
            "members_by_kind_gender",
            MemberKind.choices,
            Gender.choices,
            counts,
            _("Kind"),
        ),
        by_rows=True,
    )
    table.on_last_day = True
    return table


def members_by_branch_and_kind(ctx):
    counts = _sum_by(_members_on(ctx, last_day(ctx.period)), BRANCH, KIND)
    table = _link_kind_totals(
        _grid(
            _("Members by branch and kind at the end of the period"),
            "members_by_branch_kind",
            [(b.pk, b.name) for b in ctx.branches],
            MemberKind.choices,
            counts,
            _("Branch"),
        ),
        by_rows=False,
    )
    table.branch_rows = True
    table.on_last_day = True
    table.column_names = [None, *[("members_of_kind", code) for code in MemberKind.values], "members"]
    return table


def new_members_by_kind(ctx):
    table = _grid(
        _("New members in the period"),
        "new_members",
        MemberKind.choices,
        Gender.choices,
        _new_members(ctx, ctx.period),
        _("Kind"),
    )
    table.links["new_members"] = (len(table.rows) - 1, len(table.columns) - 1)  # the key figure
    return table


def members_total(ctx, period=None):
    period = period or ctx.period
    return sum(_members_on(ctx, last_day(period)).values())


def new_members_total(ctx, period=None):
    return sum(_new_members(ctx, period or ctx.period).values())


def peer_educators_total(ctx, period=None):
    period = period or ctx.period
    return sum(n for group, n in _members_on(ctx, last_day(period)).items() if group[PEER_EDUCATOR])


def branches_active_total(ctx, period=None):
    """Branches in scope with at least one member on the last day of the period."""
    period = period or ctx.period
    return len({group[BRANCH] for group, n in _members_on(ctx, last_day(period)).items() if n})


def members_by_sex_and_age(ctx):
    """The members on the period's last day (``members_total``) by sex and age: one kind period
    open on that day each, in a branch in scope that day."""
    day = last_day(ctx.period)
    rows = MemberKindPeriod.objects.filter(kind_period_open_on(day))
    if ctx.branch_ids is not None:
        rows = rows.annotate(branch_then=branch_at(ctx, day)).filter(branch_then__in=ctx.branch_ids)
    return count_by_sex_and_age(person_rows(rows, F("member"), ctx.period, uic=None))


def new_members_by_sex_and_age(ctx):
    """The members who joined in the period (``new_members_total``), in the branch they joined, by sex and age."""
    joined = Member.objects.filter(joined_on__range=(ctx.period.start, ctx.period.end))
    if ctx.branch_ids is not None:
        joined = joined.annotate(joined_branch=branch_at(ctx, F("joined_on"), member=None)).filter(
            joined_branch__in=ctx.branch_ids
        )
    return count_by_sex_and_age(person_rows(joined, F("pk"), ctx.period, member="", uic=None))
