"""Build a report: run a definition's indicators for a period and a scope.

A closed period's figures are facts: computed once, kept in a table (``KeptReport``, not
the cache: a row dropped in the same transaction as a late change is stale nowhere, in
every process) and read back; an open period is always counted live. ``reports.kept``
says when kept figures are dropped."""

from dataclasses import dataclass, field

from django.utils import timezone

from . import kept
from .suppression import render_shares, suppress
from .tables import KeyFigure, Report, Section


@dataclass
class Context:
    period: object
    branches: list  # Branch objects in scope, for row labels
    branch_ids: object  # a queryset of their ids, used as a subquery; None: every branch
    includes_national: bool = False  # national activities (trainings) count in this scope
    memo: dict = field(default_factory=dict)  # results shared by several indicators


def build_report(definition, period, scope, user, suppress_small=False):
    branch_qs = scope.branches(user)
    branches = list(branch_qs.order_by("name"))
    every_branch = scope.kind == "national" and user.sees_all_branches
    # With every branch in scope, leaving the filter out spares the joins on large tables.
    ctx = Context(
        period=period,
        branches=branches,
        branch_ids=None if every_branch else branch_qs.values("pk"),
        includes_national=scope.kind == "national",
    )
    previous = period.previous()

    def compute():
        figures = [
            KeyFigure(f.key, str(f.label), f.compute(ctx, period), f.compute(ctx, previous), sensitive=f.sensitive)
            for f in definition.key_figures
        ]
        sections = [Section(s.key, str(s.title), [compute(ctx) for compute in s.tables]) for s in definition.sections]
        return figures, sections

    # A closed period's figures are read back when kept (reports.kept).
    figures, sections = kept.kept_or_computed(definition, period, ctx, compute)
    report = Report(
        definition=definition,
        period=period,
        previous_period=previous,
        scope_label=scope.label(user),
        generated_at=timezone.now(),
        key_figures=figures,
        sections=sections,
    )
    # Counts about people harmed are hidden below 5 in every report, whoever reads it.
    return render_shares(suppress(report, everything=suppress_small))
