"""Every kind of figure kept as a fact (``opsi.kept``), tested once: an edit inside an open period
is seen at once, one after a closed period changes nothing of it, a late one inside it is seen at
once, and a figure counted while a late change is saved is shown but not kept. A new kind is added
to ``KINDS`` here with the figure it shows."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from opsi import kept
from opsi.dates import quarter_start
from opsi.models import ChangeNote, KeptFact
from reports import kept as reports_kept
from reports import periods
from reports.building import Context, build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from reports.tables import KeyFigure
from services import closed_quarters
from services.visits import log_visit


class Report:
    """The national donor report's visits: a closed year, and this quarter."""

    kind = reports_kept.REPORT

    def __init__(self, people):
        self.people = people
        self.closed = periods.year(kept.today().year - 1)
        today = kept.today()
        self.open = periods.quarter(today.year, (today.month - 1) // 3 + 1)

    def shown(self, period):
        return build_report(BRIDGING_THE_GAPS, period, Scope("national"), self.people["sari"]).figure("visits").value

    def count_while(self, change):
        """The closed year's visits counted while ``change`` is saved: 7, as the count says."""
        ctx = Context(period=self.closed, branches=[self.people["jakarta"]], branch_ids=None, includes_national=True)

        def compute():
            change()
            return [KeyFigure("visits", "Visits", 7, None)], []

        figures, _sections = reports_kept.kept_or_computed(BRIDGING_THE_GAPS, self.closed, ctx, compute)
        return figures[0].value


class VisitsOfClosedDays:
    """The secretariat's home: a branch's visits of last quarter (closed) and of this quarter."""

    kind = closed_quarters.VISITS

    def __init__(self, people):
        self.people = people
        start = quarter_start(kept.today(), 1)
        self.closed = periods.Period(start, closed_quarters.quarter_end(start))
        self.open = periods.Period(quarter_start(kept.today()), kept.today())

    def shown(self, period):
        cache.clear()  # the table is cached for five minutes: a page after they have passed
        rows = self.people["client"].get(reverse("home")).context["branch_rows"]
        row = next(row for row in rows if row["pk"] == self.people["jakarta"].pk)
        return row["visits" if period == self.open else "visits_before"]

    def count_while(self, change):
        def count(branches):
            change()
            return {self.people["jakarta"].pk: {"visits": 7, "people": 1}}

        shown = closed_quarters.kept_or_counted(self.closed.start, count, [self.people["jakarta"].pk])
        return shown[self.people["jakarta"].pk]["visits"]


KINDS = {kind.kind.name: kind for kind in (Report, VisitsOfClosedDays)}


@pytest.fixture(params=sorted(KINDS))
def figure(request, client_of, sari, ayu, mawar, jakarta_dic, catalogue):
    people = {"sari": sari, "jakarta": jakarta_dic.branch, "client": client_of(sari)}
    figure = KINDS[request.param](people)
    figure.visit = lambda on: log_visit(
        centre=jakarta_dic, member=mawar, uic="", on=on, services={catalogue["counselling"]: 1}, by=ayu
    )
    return figure


def facts(figure):
    return KeptFact.objects.filter(kind=figure.kind.name)


def test_every_kind_of_kept_figure_is_tested_here():
    assert set(KINDS) == set(kept.KINDS)


def test_an_edit_inside_an_open_period_is_seen_at_once(figure):
    before = figure.shown(figure.open)
    figure.visit(kept.today())
    assert figure.shown(figure.open) == before + 1
    assert not facts(figure).filter(ends_on__gte=kept.today()).exists()  # a day not ended is never kept


def test_an_edit_after_a_closed_period_changes_nothing_of_it(figure):
    figure.visit(figure.closed.start)
    shown = figure.shown(figure.closed)
    kept_rows = set(facts(figure).filter(ends_on=figure.closed.end).values_list("pk", flat=True))
    assert shown == 1 and kept_rows
    figure.visit(kept.today())
    assert set(facts(figure).filter(ends_on=figure.closed.end).values_list("pk", flat=True)) == kept_rows
    assert figure.shown(figure.closed) == shown


def test_a_late_edit_inside_a_closed_period_is_seen_at_once(figure):
    figure.visit(figure.closed.start)
    assert figure.shown(figure.closed) == 1 and facts(figure).exists()
    figure.visit(figure.closed.start + datetime.timedelta(days=3))  # a paper form typed in late
    assert not facts(figure).filter(ends_on=figure.closed.end).exists()
    assert figure.shown(figure.closed) == 2


def test_a_figure_counted_during_a_late_change_is_shown_but_not_kept(figure):
    late = figure.closed.start + datetime.timedelta(days=3)
    assert figure.count_while(lambda: figure.visit(late)) == 7
    assert not facts(figure).exists()
    assert figure.count_while(lambda: figure.visit(kept.today())) == 7  # today's: nothing closed reached
    assert facts(figure).filter(ends_on=figure.closed.end).exists()


def test_a_late_visit_is_noted_once_and_drops_every_kind_it_reaches(
    client_of, sari, ayu, mawar, jakarta_dic, catalogue
):
    people = {"sari": sari, "jakarta": jakarta_dic.branch, "client": client_of(sari)}
    last_quarter = VisitsOfClosedDays(people).closed

    def visit():
        log_visit(
            centre=jakarta_dic,
            member=mawar,
            uic="",
            on=last_quarter.start,
            services={catalogue["counselling"]: 1},
            by=ayu,
        )

    visit()
    assert [kind(people).shown(last_quarter) for kind in KINDS.values()] == [1] * len(KINDS)
    assert {fact.kind for fact in KeptFact.objects.filter(ends_on=last_quarter.end)} == set(KINDS)
    notes = ChangeNote.objects.count()
    visit()
    assert ChangeNote.objects.count() == notes + 1
    assert not KeptFact.objects.filter(ends_on=last_quarter.end).exists()
    assert [kind(people).shown(last_quarter) for kind in KINDS.values()] == [2] * len(KINDS)
