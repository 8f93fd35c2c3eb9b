"""The report page costs the same number of queries for 2 branches or 38: indicators group by
branch in the database, never one query per branch."""

import datetime

import pytest
from django.urls import reverse

from opsi import provinces
from opsi.models import KeptFact
from reports import kept
from reports.definitions import BRIDGING_THE_GAPS
from services.visits import log_visit
from tests.factories import BranchFactory, DropInCentreFactory, MemberFactory

D = datetime.date


def branches(n, catalogue, by):
    """``n`` branches, each with a centre, a member joined in 2024 and a visit in 2025 and today."""
    made = []
    for code in [p.code for p in provinces.PROVINCES[:n]]:
        branch = BranchFactory(province=code, name=f"Cabang {code}")
        centre = DropInCentreFactory(branch=branch)
        member = MemberFactory(branch=branch, joined_on=D(2024, 3, 1))
        for on in (D(2025, 5, 5), kept.today()):
            log_visit(centre=centre, member=member, uic="", on=on, services={catalogue["counselling"]: 1}, by=by)
        made.append(branch)
    return made


def report_url(year):
    return reverse("report_page") + f"?definition=btg&period_kind=year&year={year}&scope=national%3A"


def page_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert b"Cabang" in response.content or b"Jakarta" in response.content
    return len(captured.captured_queries)


@pytest.mark.parametrize("year", [2025, "today"], ids=["closed year", "open year"])
def test_the_national_report_page_costs_the_same_queries_for_2_or_38_branches(
    year, sari, ayu, catalogue, client_of, django_assert_max_num_queries
):
    year = kept.today().year if year == "today" else year
    client = client_of(sari)
    branches(2, catalogue, ayu)
    KeptFact.objects.all().delete()
    # A first count: the indicators of the year and of the year before, and keeping both; each
    # breakdown by sex and age one query more (of the year only). HIV testing, results, new and
    # returning people and violence among members: four more; joint trainings by partner: one.
    two = page_queries(client, report_url(year), django_assert_max_num_queries, 77 + len(BRIDGING_THE_GAPS.breakdowns))
    branches(38, catalogue, ayu)
    KeptFact.objects.all().delete()
    many = page_queries(client, report_url(year), django_assert_max_num_queries, two)
    assert many <= two


def test_the_closed_year_read_back_costs_a_few_queries_whatever_the_branches(
    sari, ayu, catalogue, client_of, django_assert_max_num_queries
):
    client = client_of(sari)
    branches(38, catalogue, ayu)
    client.get(report_url(2025))  # computed and kept
    page_queries(client, report_url(2025), django_assert_max_num_queries, 12)
