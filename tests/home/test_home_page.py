"""Home is today's work, per role, and costs the same number of queries whatever the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from opsi.models import User
from services.models import Referral, StockMovement, Visit
from services.paperwork import open_case
from services.stock import receive
from tests.factories import DropInCentreFactory, MemberFactory, UserFactory


def _records(branch, centre, catalogue, scale):
    """``scale`` members, each with visits this month and last, a referral and a case."""
    today = branch.today()
    for n in range(scale):
        member = MemberFactory(branch=branch, alias=f"Anggota {branch.pk}-{n}", joined_on=today)
        for days in (0, 3, 35):
            Visit.objects.create(
                drop_in_centre=centre, member=member, uic=member.uic, visited_on=today - datetime.timedelta(days=days)
            )
        Referral.objects.create(
            branch=branch,
            member=member,
            uic=member.uic,
            made_on=today - datetime.timedelta(days=20 * (n % 3)),
            facility_kind="puskesmas",
            service=f"Tes HIV {n}",
        )
        open_case(member, "ktp", today - datetime.timedelta(days=40 * (n % 2)), None)
    receive(centre, catalogue["condom_item"], 20 * scale, today, None)


@pytest.fixture
def small(ayu, jakarta_dic, bali_dic, catalogue):
    _records(jakarta_dic.branch, jakarta_dic, catalogue, 1)


def _home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["ayu", "putri", "sari", "dewi"])
def test_home_costs_the_same_queries_on_small_and_larger_data(
    client_of, people, who, catalogue, jakarta_dic, bali_dic, bunga, django_assert_max_num_queries
):
    from django.core.cache import cache

    client = client_of(people[who])
    _records(jakarta_dic.branch, jakarta_dic, catalogue, 1)
    client.get(reverse("home"))  # the session's first touches are not the page's cost
    cache.clear()
    small = _home_queries(client)
    for branch, centre in ((jakarta_dic.branch, jakarta_dic), (bali_dic.branch, bali_dic)):
        _records(branch, centre, catalogue, 10)
        _records(branch, DropInCentreFactory(branch=branch), catalogue, 3)
    for n in range(5):
        UserFactory(username=f"staf{n}", role=User.Role.OUTREACH_WORKER, branches=[jakarta_dic.branch])
    # Records dated on days whose figures were kept (the secretariat's table) drop them: the next
    # page counts them again, and the one after reads them back like the first.
    cache.clear()
    with django_assert_max_num_queries(small + 10):
        client.get(reverse("home"))
    cache.clear()
    with django_assert_max_num_queries(small):
        client.get(reverse("home"))
    assert small <= 16


def test_coordinator_home_counts_what_waits_and_links_each_count_to_its_list(client_of, ayu, small, jakarta_dic):
    content = client_of(ayu).get(reverse("home")).content.decode()
    assert 'href="/visits/new/"' in content and "Catat kunjungan" in content
    assert f'href="{reverse("referral_follow_up")}?state=open"><b>1</b>' in content
    assert f'href="{reverse("stuck_cases")}?state=stuck"><b>0</b>' in content
    assert f'href="{reverse("centre_stock", args=[jakarta_dic.pk])}"><b>1</b>' in content  # 20 condoms, low
    today = jakarta_dic.branch.today().isoformat()
    visits_today = f'{reverse("centre_visits", args=[jakarta_dic.pk])}?start={today}&amp;end={today}"><b>1</b>'
    assert visits_today in content and "<b>1</b> kunjungan dicatat hari ini" in content
    assert '<svg class="mini-chart" role="img"' in content
    assert "Kunjungan: 2 bulan ini, 1 bulan lalu." in content or "Kunjungan: 1 bulan ini" in content


def _home_with_referrals(client_of, ayu, branch, made_days_ago):
    """Ayu's home page with a referral of Kenanga's made ``days`` ago for each ``service: days``."""
    today = branch.today()
    member = MemberFactory(branch=branch, alias="Kenanga")
    for service, days in made_days_ago.items():
        Referral.objects.create(
            branch=branch,
            member=member,
            uic=member.uic,
            made_on=today - datetime.timedelta(days=days),
            facility_kind="puskesmas",
            service=service,
        )
    return client_of(ayu).get(reverse("home")).content.decode()


def test_overdue_referrals_come_first_and_are_marked(client_of, ayu, jakarta_dic, catalogue):
    content = _home_with_referrals(client_of, ayu, jakarta_dic.branch, {"Baru": 0, "Lama": 30})
    assert content.index("Lama") < content.index("Baru")
    assert "1 terlambat" in content


def test_coordinator_home_shows_nothing_of_another_branch(client_of, bunga, small, jakarta):
    content = client_of(bunga).get(reverse("home")).content.decode()
    assert "Jakarta" not in content and "Tes HIV" not in content and f"Anggota {jakarta.pk}-" not in content
    assert f'href="{reverse("referral_follow_up")}?state=open"><b>0</b>' in content


def test_secretariat_sees_a_silent_branch_first(client_of, sari, small, jakarta_dic, bali_dic):
    content = client_of(sari).get(reverse("home")).content.decode()
    assert content.index(">Bali<") < content.index(">Jakarta<")
    assert 'class="silent"' in content and "senyap" in content


def test_administrator_sees_branches_without_coordinator_and_users_without_two_step(
    client_of, dewi, ayu, jakarta, bali, putri
):
    TOTPDevice.objects.create(user=ayu, name="app", confirmed=True)
    content = client_of(dewi).get(reverse("home")).content.decode()
    branches = content.split("Wilayah tanpa koordinator</h2>")[1].split("</ul>")[0]
    assert "Bali" in branches and "Jakarta" not in branches
    users = content.split("Pengguna tanpa login dua langkah</h2>")[1].split("</ul>")[0]
    assert "putri" in users and "ayu" not in users
    assert "Catatan audit terbaru" in content


def test_stock_movements_out_of_stock_are_said_so(client_of, ayu, jakarta_dic, catalogue):
    receive(jakarta_dic, catalogue["lube_item"], 5, jakarta_dic.branch.today(), None)
    StockMovement.objects.create(
        drop_in_centre=jakarta_dic,
        commodity=catalogue["lube_item"],
        on=jakarta_dic.branch.today(),
        quantity=-5,
        kind="handed_out",
    )
    content = client_of(ayu).get(reverse("home")).content.decode()
    assert "Pelicin: habis" in content


def test_a_referral_made_today_reads_today_not_zero_days_ago(client_of, ayu, jakarta_dic, catalogue):
    content = _home_with_referrals(client_of, ayu, jakarta_dic.branch, {"Baru": 0, "Kemarin": 1})
    assert "0 hari" not in content
    assert "hari ini</span>" in content and "1 hari yang lalu" in content
