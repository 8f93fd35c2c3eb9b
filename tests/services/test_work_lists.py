"""Referral and paperwork lists show all the work, open first, late marked, filtered."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.models import PaperworkCase, Referral, Visit
from services.paperwork import advance, open_case
from tests.factories import DropInCentreFactory, MemberFactory


def _refer(member, days_ago, centre=None, by=None, service="Tes HIV", outcome="pending"):
    today = member.branch.today()
    visit = None
    if centre:
        visit = Visit.objects.create(
            drop_in_centre=centre, member=member, uic=member.uic, visited_on=today - datetime.timedelta(days=days_ago)
        )
    return Referral.objects.create(
        branch=member.branch,
        member=member,
        uic=member.uic,
        visit=visit,
        made_by=by,
        service=service,
        made_on=today - datetime.timedelta(days=days_ago),
        facility_kind="puskesmas",
        outcome=outcome,
        outcome_on=today if outcome != "pending" else None,
    )


def _page(client, name, query=""):
    return client.get(reverse(name) + query).content.decode()


def test_a_referral_made_today_is_listed_not_only_the_late_ones(client_of, ayu, mawar):
    _refer(mawar, 0, service="Baru hari ini")
    assert "Baru hari ini" in _page(client_of(ayu), "referral_follow_up")


def test_open_referrals_come_first_the_oldest_first_and_late_ones_are_marked(client_of, ayu, mawar):
    _refer(mawar, 40, service="Sudah ada hasil", outcome="reached")
    _refer(mawar, 2, service="Baru")
    _refer(mawar, 20, service="Lama")
    content = _page(client_of(ayu), "referral_follow_up")
    assert content.index("Lama") < content.index("Baru") < content.index("Sudah ada hasil")
    late = content.split("Lama")[0].rsplit("<li", 1)[1]
    assert "terlambat" in late
    assert "terlambat" not in content.split("Baru")[0].rsplit("<li", 1)[1]


def test_the_old_overdue_list_is_one_filter_away(client_of, ayu, mawar):
    _refer(mawar, 2, service="Baru")
    _refer(mawar, 20, service="Lama")
    content = _page(client_of(ayu), "referral_follow_up", "?state=overdue")
    assert "Lama" in content and "Baru" not in content


def test_referrals_filter_by_centre_and_by_worker(client_of, ayu, putri, mawar, jakarta_dic):
    other = DropInCentreFactory(branch=jakarta_dic.branch, name="DIC Timur")
    _refer(mawar, 3, centre=jakarta_dic, by=ayu, service="Dari utara")
    _refer(mawar, 3, centre=other, by=putri, service="Dari timur")
    client = client_of(ayu)
    by_centre = _page(client, "referral_follow_up", f"?centre={other.pk}")
    assert "Dari timur" in by_centre and "Dari utara" not in by_centre
    by_worker = _page(client, "referral_follow_up", f"?worker={ayu.pk}")
    assert "Dari utara" in by_worker and "Dari timur" not in by_worker


def test_a_centre_of_another_branch_as_filter_shows_nothing_of_it(client_of, ayu, mawar, bali_dic):
    bali_member = MemberFactory(branch=bali_dic.branch, alias="Kamboja")
    _refer(bali_member, 30, centre=bali_dic, service="BALIMARKER")
    content = _page(client_of(ayu), "referral_follow_up", f"?centre={bali_dic.pk}")
    assert "BALIMARKER" not in content and "Denpasar" not in content


def test_every_open_case_is_listed_stuck_ones_marked_and_filtered(client_of, ayu, putri, mawar):
    today = mawar.branch.today()
    fresh = open_case(mawar, "ktp", today, putri)
    stuck = open_case(mawar, "bpjs", today - datetime.timedelta(days=45), ayu)
    done = open_case(mawar, "kk", today - datetime.timedelta(days=60), ayu)
    advance(done, "issued", today - datetime.timedelta(days=50), ayu)
    client = client_of(ayu)
    content = _page(client, "stuck_cases")
    links = [reverse("case_detail", args=[c.pk]) for c in (stuck, fresh, done)]
    assert content.index(links[0]) < content.index(links[1]) < content.index(links[2])
    assert "macet" in content.split(links[0])[1].split("</li>")[0]
    assert "macet" not in content.split(links[1])[1].split("</li>")[0]
    only_stuck = _page(client, "stuck_cases", "?state=stuck")
    assert links[0] in only_stuck and links[1] not in only_stuck
    by_putri = _page(client, "stuck_cases", f"?worker={putri.pk}")
    assert links[1] in by_putri and links[0] not in by_putri


@pytest.mark.parametrize("name", ["referral_follow_up", "stuck_cases"])
def test_lists_cost_the_same_queries_for_few_and_many_rows(
    client_of, ayu, mawar, jakarta_dic, name, django_assert_max_num_queries
):
    client = client_of(ayu)
    _refer(mawar, 20, centre=jakarta_dic, by=ayu)
    open_case(mawar, "ktp", mawar.branch.today(), ayu)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    for n in range(30):
        member = MemberFactory(branch=mawar.branch)
        _refer(member, n, centre=jakarta_dic, by=ayu)
        open_case(member, "ktp", mawar.branch.today() - datetime.timedelta(days=n), ayu)
    with django_assert_max_num_queries(len(few)):
        content = client.get(reverse(name)).content.decode()
    assert "?state=&amp;page=2" in content or "page=2" in content
    assert PaperworkCase.objects.count() == 31
