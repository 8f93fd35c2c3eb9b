"""Peer outreach per branch: the topics discussed and the items handed out (harm-reduction kits
among them), each branch's row counted as its own report counts it."""

from types import SimpleNamespace

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from outreach.models import OutreachCommodity, SessionTopic, Topic
from services.models.visits import localised_name

from ..tables import Table
from .outreach import _sessions


def _by_branch(ctx, title, key, columns, counts, column_names):
    rows, keys = [], []
    for branch in ctx.branches:
        rows.append([branch.name, *[counts.get((branch.pk, code), 0) for code, _label in columns]])
        keys.append(branch.pk)
    rows.append([_("Total"), *[sum(row[i] for row in rows) for i in range(1, len(columns) + 1)]])
    table = Table(key, title, [_("Branch"), *[label for _code, label in columns]], rows, total_row=True)
    table.row_keys = [*keys, "total"]
    table.branch_rows = True
    table.column_names = [None, *column_names]
    return table


def topics_by_branch(ctx):
    """Outreach sessions of the period that discussed each topic, per branch."""
    counts = {
        (r["session__branch"], r["topic"]): r["n"]
        for r in SessionTopic.objects.filter(session__in=_sessions(ctx))
        .values("session__branch", "topic")
        .annotate(n=Count("session", distinct=True))
    }
    return _by_branch(
        ctx,
        _("Outreach sessions by topic discussed, per branch"),
        "outreach_topics_by_branch",
        Topic.choices,
        counts,
        [("outreach_sessions_on_topic", code) for code in Topic.values],
    )


def items_by_branch(ctx):
    """Items handed out at outreach sessions of the period, per branch and item: a column for
    each item handed out somewhere in scope (named by the item, so that a branch's cell is drawn
    as in its own report whatever the columns beside it), in one query."""
    rows = list(
        OutreachCommodity.objects.filter(session__in=_sessions(ctx))
        .values("session__branch", "commodity", "commodity__name", "commodity__name_en")
        .annotate(quantity=Sum("quantity"))
    )
    counts = {(r["session__branch"], r["commodity"]): r["quantity"] for r in rows}
    names = {
        r["commodity"]: localised_name(SimpleNamespace(name=r["commodity__name"], name_en=r["commodity__name_en"]))
        for r in rows
    }
    items = sorted(names.items(), key=lambda item: (item[1], item[0]))
    return _by_branch(
        ctx,
        _("Items handed out at outreach, per branch"),
        "outreach_items_by_branch",
        items,
        counts,
        [("outreach_items", pk) for pk, _name in items],
    )
