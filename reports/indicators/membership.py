"""Outcome 3, a strong sex-worker movement: members by kind, branch and gender."""

import functools
import operator
from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from members.models import Gender, Member, MemberKind, MemberKindPeriod
from members.models.members import kind_period_open_on

from ..tables import Table


def _members_on(ctx, date):
    """Counter {(branch, kind, gender, peer educator): members} on ``date``, from the kind history.

    The last days of the period and of the previous one are counted in one pass over
    the kind history, each with a filtered count; the tables and the key figures then
    add up what they need. No DISTINCT: a member has one kind period open on a date.
    """
    key = ("members_on", date)
    if key not in ctx.memo:
        dates = sorted({date, ctx.period.end, ctx.period.previous().end})
        conditions = [kind_period_open_on(d) for d in dates]
        rows = (
            MemberKindPeriod.objects.filter(**ctx.scope_kwargs("member__branch"))
            .filter(functools.reduce(operator.or_, conditions))
            .values("member__branch", "kind", "member__gender", "member__peer_educator")
            .annotate(**{f"on_{i}": Count("pk", filter=c) for i, c in enumerate(conditions)})
        )
        counts = {d: Counter() for d in dates}
        for row in rows:
            group = (row["member__branch"], row["kind"], row["member__gender"], row["member__peer_educator"])
            for i, d in enumerate(dates):
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
    """Counter {(kind, gender): members who joined in ``period``}; the report's period and the
    previous one are counted in the same query."""
    key = ("new_members", period)
    if key not in ctx.memo:
        periods = list(dict.fromkeys([period, ctx.period, ctx.period.previous()]))
        conditions = [Q(joined_on__range=(p.start, p.end)) for p in periods]
        rows = (
            Member.objects.filter(**ctx.scope_kwargs("branch"))
            .filter(functools.reduce(operator.or_, conditions))
            .values("kind", "gender")
            .annotate(**{f"in_{i}": Count("pk", filter=c) for i, c in enumerate(conditions)})
        )
        for i, p in enumerate(periods):
            ctx.memo[("new_members", p)] = Counter({(r["kind"], r["gender"]): r[f"in_{i}"] for r in rows})
    return ctx.memo[key]


def _grid(title, key, row_choices, col_choices, counts, row_label):
    columns = [row_label] + [label for _code, label in col_choices] + [_("Total")]
    rows = []
    for code, label in row_choices:
        values = [counts.get((code, col), 0) for col, _l in col_choices]
        rows.append([label] + values + [sum(values)])
    totals = [sum(r[i] for r in rows) for i in range(1, len(columns))]
    rows.append([_("Total")] + totals)
    return Table(key, title, columns, rows, total_column=True, total_row=True, chart=True)


def members_by_kind_and_gender(ctx):
    counts = _sum_by(_members_on(ctx, ctx.period.end), KIND, GENDER)
    return _grid(
        _("Members by kind and gender at the end of the period"),
        "members_by_kind_gender",
        MemberKind.choices,
        Gender.choices,
        counts,
        _("Kind"),
    )


def members_by_branch_and_kind(ctx):
    counts = _sum_by(_members_on(ctx, ctx.period.end), BRANCH, KIND)
    return _grid(
        _("Members by branch and kind at the end of the period"),
        "members_by_branch_kind",
        [(b.pk, b.name) for b in ctx.branches],
        MemberKind.choices,
        counts,
        _("Branch"),
    )


def new_members_by_kind(ctx):
    return _grid(
        _("New members in the period"), "new_members", MemberKind.choices, Gender.choices,
        _new_members(ctx, ctx.period), _("Kind"),
    )


def members_total(ctx, period=None):
    period = period or ctx.period
    return sum(_members_on(ctx, period.end).values())


def new_members_total(ctx, period=None):
    return sum(_new_members(ctx, period or ctx.period).values())


def peer_educators_total(ctx, period=None):
    period = period or ctx.period
    return sum(n for group, n in _members_on(ctx, period.end).items() if group[PEER_EDUCATOR])


def branches_active_total(ctx, period=None):
    """Branches in scope with at least one member on the last day of the period."""
    period = period or ctx.period
    return len({group[BRANCH] for group, n in _members_on(ctx, period.end).items() if n})
