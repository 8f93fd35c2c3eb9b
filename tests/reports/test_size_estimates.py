"""The secretariat enters and dates each branch's population size estimate on its own page;
branch roles may not; each entry names who made it and stays in the audit trail."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from reports.models import PopulationSizeEstimate

D = datetime.date


def entry(branch, **changes):
    data = {
        "branch": branch.pk,
        "year": 2025,
        "sex_workers": 40,
        "source": "Pemetaan 2025",
        "estimated_on": "2025-01-15",
    }
    return {**data, **changes}


@pytest.mark.parametrize("who", ["sari", "dewi"])
def test_the_secretariat_and_administrators_enter_an_estimate(client_of, people, jakarta, who):
    client = client_of(people[who])
    assert client.get(reverse("size_estimates")).status_code == 200
    response = client.post(reverse("size_estimates"), entry(jakarta))
    assert response.status_code == 302
    estimate = PopulationSizeEstimate.objects.get()
    assert (estimate.branch, estimate.year, estimate.sex_workers, estimate.estimated_on) == (
        jakarta,
        2025,
        40,
        D(2025, 1, 15),
    )
    assert estimate.entered_by == people[who]
    assert LogEntry.objects.get_for_object(estimate).exists()
    assert "Pemetaan 2025" in client.get(reverse("size_estimates")).content.decode()


@pytest.mark.parametrize("who", ["ayu", "bunga", "putri"])
def test_branch_roles_may_not_read_or_enter_estimates_of_their_own_branch_or_another(
    client_of, people, jakarta, bali, who
):
    client = client_of(people[who])
    assert client.get(reverse("size_estimates")).status_code == 403
    for branch in (jakarta, bali):
        assert client.post(reverse("size_estimates"), entry(branch)).status_code == 403
    assert not PopulationSizeEstimate.objects.exists()


def test_the_crisis_response_role_may_not_either(client_of, jakarta):
    from opsi.models import User
    from tests.factories import UserFactory

    client = client_of(UserFactory(username="krisis", role=User.Role.CRISIS_RESPONSE))
    assert client.get(reverse("size_estimates")).status_code == 403
    assert client.post(reverse("size_estimates"), entry(jakarta)).status_code == 403
    assert not PopulationSizeEstimate.objects.exists()


def test_nobody_logged_in_is_sent_to_the_login(client, jakarta):
    response = client.post(reverse("size_estimates"), entry(jakarta))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not PopulationSizeEstimate.objects.exists()


def test_an_estimate_for_the_same_branch_and_year_replaces_the_earlier(client_of, sari, jakarta):
    client = client_of(sari)
    client.post(reverse("size_estimates"), entry(jakarta))
    client.post(reverse("size_estimates"), entry(jakarta, sex_workers=55, source="Kemenkes 2025"))
    estimate = PopulationSizeEstimate.objects.get()
    assert (estimate.sex_workers, estimate.source) == (55, "Kemenkes 2025")
    assert LogEntry.objects.get_for_object(estimate).count() == 2  # the earlier figure is in the trail


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"sex_workers": "0"}, "sex_workers", "Pastikan nilai ini lebih besar dari atau sama dengan 1."),
        ({"estimated_on": "2099-01-01"}, "estimated_on", None),
        ({"year": "1990"}, "year", None),
        ({"source": ""}, "source", None),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(client_of, sari, jakarta, changes, field, message):
    sari.language = "id"
    sari.save(update_fields=["language"])
    response = client_of(sari).post(reverse("size_estimates"), entry(jakarta, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in errors[field]
    assert not PopulationSizeEstimate.objects.exists()


def test_the_page_reads_a_fixed_number_of_queries(client_of, sari, jakarta, bali, django_assert_max_num_queries):
    client = client_of(sari)
    client.get(reverse("size_estimates"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("size_estimates"))
    for branch, year in [(jakarta, 2024), (jakarta, 2025), (bali, 2025)]:
        PopulationSizeEstimate.objects.create(
            branch=branch, year=year, sex_workers=10, source="x", estimated_on=D(year, 1, 1), entered_by=sari
        )
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # the rows, read in one query with their users
        client.get(reverse("size_estimates"))
