"""The secretariat's branch table: last quarter, once closed, is counted once and kept; this
quarter is counted live. A change dated inside the open quarter shows at the next count, and one
dated inside the closed quarter drops its kept figures in the same transaction."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from opsi.tenant import DropInCentre
from services import closed_quarters
from services.models import KeptQuarter, Visit
from services.today import quarter_start
from tests.factories import MemberFactory


@pytest.fixture
def today(db):
    return closed_quarters.today()


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
    assert KeptQuarter.objects.filter(starts_on=last_quarter).exists()
    return client


def test_a_visit_in_the_open_quarter_is_counted_at_once_and_keeps_the_closed_one(counted, jakarta_dic, today):
    _visit(jakarta_dic, MemberFactory(branch=jakarta_dic.branch, alias="Melati"), today)
    row = _row(counted, jakarta_dic.branch)
    assert (row["visits"], row["people"], row["visits_before"], row["people_before"]) == (2, 2, 1, 1)
    assert KeptQuarter.objects.exists()


def test_a_visit_dated_in_the_closed_quarter_drops_its_kept_figures_and_is_counted(counted, jakarta_dic, last_quarter):
    visit = _visit(jakarta_dic, MemberFactory(branch=jakarta_dic.branch, alias="Melati"), last_quarter)
    assert not KeptQuarter.objects.exists()
    row = _row(counted, jakarta_dic.branch)
    assert (row["visits_before"], row["people_before"]) == (2, 2)

    visit.delete()
    assert not KeptQuarter.objects.exists()
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
    assert KeptQuarter.objects.exists()
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
    assert not KeptQuarter.objects.exists()
    assert _row(counted, jakarta_dic.branch)["people_before"] == 1


def test_kept_figures_are_read_back_without_counting_again(last_quarter):
    closed_quarters.kept_or_counted(last_quarter, lambda: {7: {"visits": 3, "people": 2}})

    def must_not_count():
        raise AssertionError("counted again")

    assert closed_quarters.kept_or_counted(last_quarter, must_not_count) == {7: {"visits": 3, "people": 2}}


def test_figures_counted_while_a_change_into_the_quarter_is_saved_are_shown_not_kept(last_quarter):
    def count_while_a_late_visit_is_saved():
        closed_quarters.forget(last_quarter + datetime.timedelta(days=3))
        return {7: {"visits": 3, "people": 2}}

    shown = closed_quarters.kept_or_counted(last_quarter, count_while_a_late_visit_is_saved)
    assert shown == {7: {"visits": 3, "people": 2}}
    assert not KeptQuarter.objects.exists()


def test_the_open_quarter_is_never_kept(today):
    closed_quarters.kept_or_counted(quarter_start(today), lambda: {7: {"visits": 3, "people": 2}})
    assert not KeptQuarter.objects.exists()


def test_the_page_says_when_its_figures_were_counted(counted):
    assert "Dihitung pukul" in counted.get(reverse("home")).content.decode()
