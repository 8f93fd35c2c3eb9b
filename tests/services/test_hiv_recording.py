"""An HIV test, its result, treatment, STI treatment and PrEP, recorded at a visit or from a
referral's outcome; the result read only by the branch's coordinators, every read audited."""

import datetime
import uuid

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from opsi.audit import HIDDEN
from services.models import HealthCare, HivResult, Referral, Visit
from services.referrals import refer
from services.visits import log_visit
from services.care import Care

D = datetime.date


def visit_data(catalogue, centre, member, **extra):
    data = {
        "submission_key": str(uuid.uuid4()),
        "services": [catalogue["counselling"].pk],
        "drop_in_centre": centre.pk,
        "visited_on": "2025-05-01",
        "member": member.pk,
    }
    data.update(extra)
    return data


@pytest.fixture
def english(ayu, bunga, putri, sari, dewi):
    for user in (ayu, bunga, putri, sari, dewi):
        user.language = "en"
        user.save()


def test_a_visit_with_a_test_keeps_the_test_its_result_and_the_treatments(
    client_of, ayu, mawar, jakarta_dic, catalogue
):
    data = visit_data(catalogue, jakarta_dic, mawar, hiv_test="reactive", art_started_on="2025-05-01", sti_treated="on")
    response = client_of(ayu).post(reverse("visit_new"), data)
    visit = Visit.objects.get()
    assert response.url == reverse("visit_detail", args=[visit.pk])
    care = HealthCare.objects.get()
    assert (care.visit, care.branch, care.given_on, care.hiv_tested, care.sti_treated, care.prep) == (
        visit,
        jakarta_dic.branch,
        D(2025, 5, 1),
        True,
        True,
        "",
    )
    assert (care.hiv_result.result, care.hiv_result.art_started_on) == ("reactive", D(2025, 5, 1))
    assert care.hiv_result.art_recorded_at is not None


def test_the_common_visit_keeps_no_care(client_of, ayu, mawar, jakarta_dic, catalogue):
    client_of(ayu).post(reverse("visit_new"), visit_data(catalogue, jakarta_dic, mawar))
    assert Visit.objects.count() == 1 and not HealthCare.objects.exists()


def test_a_test_alone_is_a_visit_without_another_service(client_of, ayu, mawar, jakarta_dic, catalogue):
    data = visit_data(catalogue, jakarta_dic, mawar, services=[], hiv_test="not_given", prep="started")
    client_of(ayu).post(reverse("visit_new"), data)
    care = HealthCare.objects.get()
    assert care.hiv_tested and care.prep == "started" and care.hiv_result.result == "not_given"


def test_treatment_after_a_result_that_is_not_reactive_is_refused_and_nothing_is_saved(
    client_of, ayu, mawar, jakarta_dic, catalogue
):
    data = visit_data(catalogue, jakarta_dic, mawar, hiv_test="non_reactive", art_started_on="2025-05-02")
    response = client_of(ayu).post(reverse("visit_new"), data)
    assert response.status_code == 200
    assert "art_started_on" in response.context["form"].errors
    assert not Visit.objects.exists() and not HealthCare.objects.exists()
    assert b'<details class="care" open>' in response.content  # the answers shown where they were given


def test_treatment_before_the_test_is_refused(client_of, ayu, mawar, jakarta_dic, catalogue):
    data = visit_data(catalogue, jakarta_dic, mawar, hiv_test="reactive", art_started_on="2025-04-30")
    response = client_of(ayu).post(reverse("visit_new"), data)
    assert "art_started_on" in response.context["form"].errors and not Visit.objects.exists()


def test_a_visit_sent_twice_keeps_its_care_once(client_of, ayu, mawar, jakarta_dic, catalogue):
    client = client_of(ayu)
    data = visit_data(catalogue, jakarta_dic, mawar, hiv_test="non_reactive")
    client.post(reverse("visit_new"), data)
    client.post(reverse("visit_new"), data)
    assert Visit.objects.count() == 1 and HealthCare.objects.count() == 1 and HivResult.objects.count() == 1


@pytest.fixture
def tested_visit(ayu, mawar, jakarta_dic, catalogue):
    visit, _ = log_visit(
        centre=jakarta_dic,
        member=mawar,
        uic="",
        on=D(2025, 5, 1),
        services={catalogue["counselling"]: 1},
        by=ayu,
        care=Care(hiv_test="reactive"),
    )
    return visit


def _result_reads():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="hiv_result")


def test_the_branch_coordinator_reads_the_result_and_the_read_is_in_the_audit_trail(
    client_of, english, ayu, tested_visit
):
    content = client_of(ayu).get(reverse("visit_detail", args=[tested_visit.pk])).content.decode()
    assert "HIV test done: <strong>Reactive</strong>" in content
    assert "Save the start of treatment" in content
    read = _result_reads().get()
    assert read.actor == ayu and read.object_pk == str(tested_visit.health.hiv_result.pk)


# who -> status of the visit page of a Jakarta visit, and whether the result shows
RESULT_READERS = {
    "ayu": (200, True),
    "putri": (200, False),
    "sari": (200, False),
    "dewi": (200, False),
    "bunga": (404, False),
}


@pytest.mark.parametrize("who", RESULT_READERS)
def test_only_the_branch_coordinator_sees_the_result(client_of, english, people, tested_visit, who):
    status, shown = RESULT_READERS[who]
    response = client_of(people[who]).get(reverse("visit_detail", args=[tested_visit.pk]))
    assert response.status_code == status
    content = response.content.decode()
    assert ("Reactive" in content) is shown
    assert ("Save the start of treatment" in content) is shown
    if status == 200:
        assert "HIV test done" in content  # what was done is read like the visit
    assert _result_reads().exists() is shown


# who -> status of recording the start of treatment after a Jakarta visit's reactive result
ART_WRITERS = {"ayu": 302, "putri": 404, "sari": 404, "dewi": 404, "bunga": 404}


@pytest.mark.parametrize("who", ART_WRITERS)
def test_only_the_branch_coordinator_records_the_start_of_treatment(client_of, people, tested_visit, who):
    client = client_of(people[who])
    url = reverse("visit_art", args=[tested_visit.pk])
    assert client.get(url).status_code == ART_WRITERS[who]  # to the visit, or not found
    response = client.post(url, {"art_started_on": "2025-05-20"})
    assert response.status_code == ART_WRITERS[who]
    result = HivResult.objects.get()
    assert result.art_started_on == (D(2025, 5, 20) if who == "ayu" else None)


def test_the_start_of_treatment_is_refused_before_the_test(client_of, ayu, tested_visit):
    client_of(ayu).post(reverse("visit_art", args=[tested_visit.pk]), {"art_started_on": "2025-04-01"})
    assert HivResult.objects.get().art_started_on is None


def test_the_audit_trail_says_a_result_was_recorded_never_what_it_is(tested_visit):
    entry = LogEntry.objects.get_for_object(tested_visit.health.hiv_result).get()
    assert entry.changes_dict["result"][1] == HIDDEN
    assert "reactive" not in str(entry.changes) and "reactive" not in entry.object_repr


def test_the_trail_of_a_result_shows_only_to_those_who_read_it(ayu, putri, bunga, dewi, tested_visit):
    from opsi.audit import trail_visible_to

    entries = LogEntry.objects.get_for_object(tested_visit.health.hiv_result)
    assert trail_visible_to(entries, ayu).count() == 1
    for user in (putri, bunga, dewi):
        assert trail_visible_to(entries, user).count() == 0


@pytest.fixture
def referral(ayu, mawar, jakarta):
    return refer(
        branch=jakarta,
        member=mawar,
        uic="",
        on=D(2025, 3, 1),
        facility_kind="vct_clinic",
        facility_name="",
        service="Tes HIV",
        by=ayu,
    )


def test_a_referral_for_a_test_confirmed_tested_keeps_the_test(client_of, ayu, referral):
    response = client_of(ayu).post(
        reverse("referral_outcome", args=[referral.pk]),
        {"outcome": "reached", "on": "2025-03-10", "hiv_test": "non_reactive"},
    )
    assert response.status_code == 302
    care = HealthCare.objects.get()
    assert (care.referral, care.visit, care.given_on, care.hiv_tested) == (referral, None, D(2025, 3, 10), True)
    assert care.hiv_result.result == "non_reactive"


def test_a_test_where_the_person_did_not_go_is_refused_and_the_outcome_not_saved(client_of, ayu, referral):
    response = client_of(ayu).post(
        reverse("referral_outcome", args=[referral.pk]),
        {"outcome": "not_reached", "on": "2025-03-10", "hiv_test": "reactive"},
    )
    assert response.status_code == 200 and "outcome" in response.context["form"].errors
    assert Referral.objects.get().outcome == "pending" and not HealthCare.objects.exists()


def test_an_outcome_without_care_keeps_none(client_of, ayu, referral):
    client_of(ayu).post(reverse("referral_outcome", args=[referral.pk]), {"outcome": "reached", "on": "2025-03-10"})
    assert Referral.objects.get().outcome == "reached" and not HealthCare.objects.exists()


def test_the_visit_page_costs_the_same_queries_with_a_result(
    client_of, ayu, tested_visit, django_assert_max_num_queries
):
    client = client_of(ayu)
    client.get(reverse("visit_detail", args=[tested_visit.pk]))
    with django_assert_max_num_queries(16):
        client.get(reverse("visit_detail", args=[tested_visit.pk]))


def test_a_result_sent_after_the_login_ended_is_not_kept_in_the_session(ayu, putri, mawar, jakarta_dic, catalogue):
    from django.test import Client

    from tests.conftest import login_with_second_factor

    client = login_with_second_factor(Client(), ayu)
    client.logout()  # the login ended while the visit was typed
    data = visit_data(catalogue, jakarta_dic, mawar, hiv_test="reactive", art_started_on="2025-05-01")
    response = client.post(reverse("visit_new"), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    kept = str(dict(client.session))
    # The visit itself is kept (opsi/csrf.py), only the care is not.
    assert "visited_on" in kept and "reactive" not in kept and "art_started_on" not in kept
    # Another worker of the branch logs in on the same phone: the visit comes back, not the result.
    login_with_second_factor(client, putri)
    content = client.get(reverse("visit_new")).content.decode()
    assert "<strong>Mawar</strong>" in content and 'value="reactive" id="id_hiv_test_2" checked' not in content
    assert "Tes HIV, pengobatan IMS dan PrEP tidak disimpan" in content
    assert not Visit.objects.exists() and not HealthCare.objects.exists()
