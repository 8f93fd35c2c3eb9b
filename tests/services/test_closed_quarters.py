"""The secretariat's branch table: last quarter, once closed, is counted once and kept; so are this
quarter's days that have ended everywhere, and the days since are counted live. A change dated
today shows at the next count; one dated inside days already kept drops their figures in the same
transaction. Whatever is kept, the table equals a count of every visit."""

import datetime
import random

import pytest
from django.core.cache import cache
from django.urls import reverse

from opsi import kept
from opsi.models import KeptFact
from opsi.tenant import DropInCentre
from services import closed_quarters
from services.models import Visit
from services.today import _open_quarter_figures, _visit_figures, quarter_start
from tests.factories import DropInCentreFactory, MemberFactory


def kept_quarters():
    """The visit figures kept for the secretariat's home, a row per branch and days counted."""
    return KeptFact.objects.filter(kind=closed_quarters.VISITS.name)


@pytest.fixture
def today(db):
    return kept.today()


@pytest.fixture
def last_quarter(today):
    return quarter_start(today, 1)


def _visit(centre, member, on):
    return Visit.objects.create(drop_in_centre=centre, member=member, uic=member.uic, visited_on=on)


def _row(client, branch):
    """The branch's row of the table, counted afresh (as when its five minutes have passed)."""
    cache.clear()
    rows = client.get(reverse("home")).context["branch_rows"]
    return next(row for row in rows if row["pk"] == branch.pk)


@pytest.fixture
def counted(client_of, sari, mawar, jakarta_dic, today, last_quarter):
    """Mawar visited once in each quarter; the table was counted once, so last quarter is kept."""
    _visit(jakarta_dic, mawar, today)
    _visit(jakarta_dic, mawar, last_quarter)
    client = client_of(sari)
    row = _row(client, jakarta_dic.branch)
    assert (row["visits"], row["people"], row["visits_before"], row["people_before"]) == (1, 1, 1, 1)
    assert kept_quarters().filter(starts_on=last_quarter).exists()
    return client


def _closed_kept(last_quarter):
    return kept_quarters().filter(starts_on=last_quarter).exists()


def test_a_visit_in_the_open_quarter_is_counted_at_once_and_keeps_the_closed_one(counted, jakarta_dic, today):
    _visit(jakarta_dic, MemberFactory(branch=jakarta_dic.branch, alias="Melati"), today)
    row = _row(counted, jakarta_dic.branch)
    assert (row["visits"], row["people"], row["visits_before"], row["people_before"]) == (2, 2, 1, 1)
    assert _closed_kept(quarter_start(today, 1))


def test_a_visit_dated_in_the_closed_quarter_drops_its_kept_figures_and_is_counted(counted, jakarta_dic, last_quarter):
    visit = _visit(jakarta_dic, MemberFactory(branch=jakarta_dic.branch, alias="Melati"), last_quarter)
    assert not _closed_kept(last_quarter)
    row = _row(counted, jakarta_dic.branch)
    assert (row["visits_before"], row["people_before"]) == (2, 2)

    visit.delete()
    assert not _closed_kept(last_quarter)
    row = _row(counted, jakarta_dic.branch)
    assert (row["visits_before"], row["people_before"]) == (1, 1)


def test_a_visit_moved_into_the_closed_quarter_is_counted_there(counted, jakarta_dic, mawar, today):
    visit = Visit.objects.get(visited_on=today)
    visit.visited_on = quarter_start(today, 1) + datetime.timedelta(days=5)
    visit.save()
    row = _row(counted, jakarta_dic.branch)
    assert (row["visits"], row["visits_before"], row["people_before"]) == (0, 2, 1)


def test_a_centre_moved_to_another_branch_takes_its_closed_quarter_visits_along(counted, jakarta_dic, bali):
    DropInCentre.objects.filter(pk=jakarta_dic.pk).update()  # nothing changed: nothing dropped
    assert _closed_kept(quarter_start(kept.today(), 1))
    jakarta_dic.branch = bali
    jakarta_dic.save()
    assert (_row(counted, bali)["visits_before"], _row(counted, jakarta_dic.branch)["visits_before"]) == (1, 1)
    assert _row(counted, type(bali).objects.get(name="Jakarta"))["visits_before"] == 0


def test_codes_rewritten_in_bulk_drop_every_kept_quarter(counted, jakarta_dic, mawar, last_quarter):
    melati = MemberFactory(branch=jakarta_dic.branch, alias="Melati")
    Visit.objects.bulk_create(
        [Visit(drop_in_centre=jakarta_dic, member=melati, uic=melati.uic, visited_on=last_quarter)]
    )
    assert _row(counted, jakarta_dic.branch)["people_before"] == 2
    # Erasure puts one code in place of another: two people may become one.
    Visit.objects.filter(member=melati).update(uic=mawar.uic)
    assert not kept_quarters().exists()
    assert _row(counted, jakarta_dic.branch)["people_before"] == 1


def test_kept_figures_are_read_back_without_counting_again(last_quarter, jakarta, bali):
    branches = [jakarta.pk, bali.pk]
    counted = closed_quarters.kept_or_counted(
        last_quarter, lambda some: {jakarta.pk: {"visits": 3, "people": 2}}, branches
    )
    assert counted == {jakarta.pk: {"visits": 3, "people": 2}, bali.pk: {"visits": 0, "people": 0}}

    def must_not_count(some):
        raise AssertionError("counted again")

    assert closed_quarters.kept_or_counted(last_quarter, must_not_count, branches) == counted


def test_the_page_says_when_its_figures_were_counted(counted):
    assert "Dihitung pukul" in counted.get(reverse("home")).content.decode()


# This quarter's kept days and the days since, at a fixed date: the 50th day of a quarter.
TODAY = datetime.date(2025, 5, 20)
START = quarter_start(TODAY)


@pytest.fixture
def on_a_fixed_day(monkeypatch):
    monkeypatch.setattr(kept, "today", lambda: TODAY)


def _everything():
    return _visit_figures(Visit.objects.all(), START, TODAY)


def _open_quarter(user):
    """This quarter's figures as the secretariat's table counts them, branches with no visit left out."""
    branches = set(DropInCentre.objects.values_list("branch", flat=True))
    figures = _open_quarter_figures(user, START, TODAY, branches)
    return {branch: values for branch, values in figures.items() if values["visits"]}


def test_this_quarters_ended_days_are_kept_and_today_is_counted_live(on_a_fixed_day, sari, jakarta_dic, mawar):
    _visit(jakarta_dic, mawar, START)
    assert _open_quarter(sari) == {jakarta_dic.branch_id: {"visits": 1, "people": 1}}
    assert kept_quarters().filter(starts_on=START, ends_on=TODAY - datetime.timedelta(days=1)).exists()

    # Mawar comes again today: one visit more, still one person. Melati comes for the first time.
    _visit(jakarta_dic, mawar, TODAY)
    _visit(jakarta_dic, MemberFactory(branch=jakarta_dic.branch, alias="Melati"), TODAY)
    assert kept_quarters().exists()  # a visit dated today drops nothing
    assert _open_quarter(sari) == {jakarta_dic.branch_id: {"visits": 3, "people": 2}}


def test_someone_who_came_to_another_branch_is_a_new_person_here(on_a_fixed_day, sari, jakarta_dic, bali_dic, mawar):
    _visit(bali_dic, mawar, START + datetime.timedelta(days=3))
    _open_quarter(sari)  # counted and kept
    _visit(jakarta_dic, mawar, TODAY)
    assert _open_quarter(sari) == {
        bali_dic.branch_id: {"visits": 1, "people": 1},
        jakarta_dic.branch_id: {"visits": 1, "people": 1},
    }


def test_a_visit_logged_late_for_a_kept_day_drops_its_branchs_row_and_is_counted(
    on_a_fixed_day, sari, jakarta_dic, bali_dic, mawar
):
    _visit(jakarta_dic, mawar, TODAY)
    _visit(bali_dic, MemberFactory(branch=bali_dic.branch, alias="Melati"), START)
    _open_quarter(sari)
    bali_row = kept_quarters().get(branch=bali_dic.branch)
    # Yesterday's paper form typed in today, for someone who also came today.
    _visit(jakarta_dic, mawar, TODAY - datetime.timedelta(days=1))
    assert not kept_quarters().filter(branch=jakarta_dic.branch).exists()
    assert kept_quarters().filter(pk=bali_row.pk).exists()  # another branch's row stays
    assert _open_quarter(sari) == {
        jakarta_dic.branch_id: {"visits": 2, "people": 1},
        bali_dic.branch_id: {"visits": 1, "people": 1},
    }
    assert kept_quarters().filter(pk=bali_row.pk).exists()  # read back, not counted again
    assert kept_quarters().filter(branch=jakarta_dic.branch, payload__visits=1).exists()  # yesterday's, kept again


def test_on_the_first_day_of_a_quarter_nothing_is_kept(monkeypatch, sari, jakarta_dic, mawar):
    monkeypatch.setattr(kept, "today", lambda: START)
    _visit(jakarta_dic, mawar, START)
    figures = _open_quarter_figures(sari, START, START, {jakarta_dic.branch_id})
    assert figures == {jakarta_dic.branch_id: {"visits": 1, "people": 1}}
    assert not kept_quarters().exists()


def test_a_coordinators_figures_are_never_kept(on_a_fixed_day, ayu, jakarta_dic, mawar):
    _visit(jakarta_dic, mawar, START)
    assert _open_quarter(ayu) == {jakarta_dic.branch_id: {"visits": 1, "people": 1}}
    assert not kept_quarters().exists()


def test_the_table_equals_a_count_of_every_visit_whatever_was_kept(on_a_fixed_day, sari, jakarta, bali):
    """An auditor's recount: random visits over the quarter at five centres of two branches (some
    people at both branches, some at two centres of one), counted and kept, then visits today,
    visits logged late, moved and deleted; after each, the table equals a full count."""
    rng = random.Random(22)
    centres = [DropInCentreFactory(branch=branch) for branch in (jakarta, jakarta, jakarta, bali, bali)]
    people = [MemberFactory(branch=rng.choice([jakarta, bali])) for _ in range(25)]
    days = (TODAY - START).days

    def visits(n, first_day, last_day):
        made = []
        for _ in range(n):
            on = START + datetime.timedelta(days=rng.randint(first_day, last_day))
            made.append(_visit(rng.choice(centres), rng.choice(people), on))
        return made

    def same():
        assert _open_quarter(sari) == _everything()

    visits(120, 0, days - 1)
    same()
    assert kept_quarters().exists()
    visits(30, days, days)  # today
    same()
    same()  # read back
    late = visits(5, days - 3, days - 1)  # typed in late
    same()
    late[0].visited_on = TODAY
    late[0].save()
    same()
    late[1].delete()
    same()
    visits(10, days, days)
    same()
