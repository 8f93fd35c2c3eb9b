"""Outcome 3, a strong sex-worker movement: members by kind, branch and gender."""

from django.db.models import Count
from django.utils.translation import gettext as _

from members.models import Gender, Member, MemberKind, MemberKindPeriod

from ..tables import Table


def _periods_on(ctx, date):
    """Kind periods open on ``date`` of members who belonged then, in scope."""
    return MemberKindPeriod.objects.open_on(date).filter(**ctx.scope_kwargs("member__branch"))


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
    rows = _periods_on(ctx, ctx.period.end).values("kind", "member__gender").annotate(n=Count("member", distinct=True))
    counts = {(r["kind"], r["member__gender"]): r["n"] for r in rows}
    return _grid(
        _("Members by kind and gender at the end of the period"),
        "members_by_kind_gender",
        MemberKind.choices,
        Gender.choices,
        counts,
        _("Kind"),
    )


def members_by_branch_and_kind(ctx):
    rows = _periods_on(ctx, ctx.period.end).values("member__branch", "kind").annotate(n=Count("member", distinct=True))
    counts = {(r["member__branch"], r["kind"]): r["n"] for r in rows}
    return _grid(
        _("Members by branch and kind at the end of the period"),
        "members_by_branch_kind",
        [(b.pk, b.name) for b in ctx.branches],
        MemberKind.choices,
        counts,
        _("Branch"),
    )


def new_members_by_kind(ctx):
    rows = (
        Member.objects.filter(**ctx.scope_kwargs("branch"), joined_on__range=(ctx.period.start, ctx.period.end))
        .values("kind", "gender")
        .annotate(n=Count("pk"))
    )
    counts = {(r["kind"], r["gender"]): r["n"] for r in rows}
    return _grid(
        _("New members in the period"), "new_members", MemberKind.choices, Gender.choices, counts, _("Kind")
    )


def members_total(ctx, period=None):
    period = period or ctx.period
    return _periods_on(ctx, period.end).values("member").distinct().count()


def new_members_total(ctx, period=None):
    period = period or ctx.period
    return Member.objects.filter(
        **ctx.scope_kwargs("branch"), joined_on__range=(period.start, period.end)
    ).count()


def peer_educators_total(ctx, period=None):
    period = period or ctx.period
    return (
        Member.objects.filter(**ctx.scope_kwargs("branch"), peer_educator=True)
        .members_on(period.end)
        .count()
    )


def branches_active_total(ctx, period=None):
    """Branches in scope with at least one member on the last day of the period."""
    period = period or ctx.period
    return (
        Member.objects.filter(**ctx.scope_kwargs("branch"))
        .members_on(period.end)
        .values("branch")
        .distinct()
        .count()
    )
