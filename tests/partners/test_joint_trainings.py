"""Joint trainings: partner organisations as trainers or participants, counted per partner and
never by name; modules reused across trainings with their pre/post scores."""

import datetime
import re

import pytest
from django.urls import reverse

from outreach.models import Training, TrainingModule, TrainingPartner, TrainingScore
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope

D = datetime.date


@pytest.fixture
def meth_module(karisma):
    return TrainingModule.objects.create(title="Meth in a sexual context", topic="harm_reduction", owner=karisma)


def _training(branch, module=None, on=D(2025, 3, 10), title="Harm reduction"):
    return Training.objects.create(
        title=title, topic="harm_reduction", audience="members", branch=branch, starts_on=on, ends_on=on, module=module
    )


def test_a_coordinator_records_a_partner_as_trainer_and_another_as_participant(
    client_of, ayu, jakarta, karisma, national_partner
):
    training = _training(jakarta)
    client = client_of(ayu)
    url = reverse("training_detail", args=[training.pk])
    client.post(
        url, {"action": "partner", "partner-partner": karisma.pk, "partner-role": "trainer", "partner-people": 2}
    )
    client.post(
        url,
        {
            "action": "partner",
            "partner-partner": national_partner.pk,
            "partner-role": "participant",
            "partner-people": 6,
        },
    )
    rows = set(TrainingPartner.objects.values_list("partner__name", "role", "people"))
    assert rows == {("Karisma", "trainer", 2), ("PKNI", "participant", 6)}
    page = client.get(url).content.decode()
    assert "Karisma" in page and "PKNI" in page


def test_the_same_partner_in_the_same_role_twice_is_refused(client_of, ayu, jakarta, karisma):
    training = _training(jakarta)
    url = reverse("training_detail", args=[training.pk])
    data = {"action": "partner", "partner-partner": karisma.pk, "partner-role": "trainer", "partner-people": 1}
    client_of(ayu).post(url, data)
    response = client_of(ayu).post(url, data)
    assert response.status_code == 200 and TrainingPartner.objects.count() == 1


def test_another_branch_s_coordinator_cannot_add_a_partner(client_of, bunga, jakarta, karisma):
    training = _training(jakarta)
    response = client_of(bunga).post(
        reverse("training_detail", args=[training.pk]),
        {"action": "partner", "partner-partner": karisma.pk, "partner-role": "trainer", "partner-people": 1},
    )
    assert response.status_code == 404 and not TrainingPartner.objects.exists()


def test_a_module_s_scores_are_read_across_its_trainings(client_of, ayu, bunga, sari, jakarta, bali, meth_module):
    for branch, pre, post in ((jakarta, 40, 80), (bali, 50, 70)):
        TrainingScore.objects.create(training=_training(branch, meth_module), pre=pre, post=post)
    assert _scores(client_of(sari)) == ["pre 45,0, post 75,0"]
    # A coordinator reads her branch's trainings only: the module's scores are Jakarta's.
    assert _scores(client_of(ayu)) == ["pre 40,0, post 80,0"]


def _scores(client):
    page = client.get(reverse("training_modules")).content.decode()
    return re.findall(r"pre [\d,.]+, post \d+,\d", page)


def test_a_module_is_added_and_chosen_for_a_training(client_of, ayu, jakarta, karisma):
    client = client_of(ayu)
    client.post(reverse("training_module_new"), {"title": "SRHR basics", "topic": "srhr", "owner": ""})
    module = TrainingModule.objects.get()
    assert module.owner is None
    response = client.post(
        reverse("training_new"),
        {
            "title": "SRHR for Karisma's outreach workers",
            "topic": "srhr",
            "audience": "partners",
            "branch": jakarta.pk,
            "starts_on": "2025-04-01",
            "ends_on": "2025-04-01",
            "module": module.pk,
        },
    )
    assert response.status_code == 302 and Training.objects.get().module == module


@pytest.mark.parametrize("who,expected", [("ayu", 200), ("putri", 200), ("sari", 200), ("dewi", 200), ("bunga", 200)])
def test_who_adds_a_module(client_of, people, who, expected):
    assert client_of(people[who]).get(reverse("training_module_new")).status_code == expected


def test_the_report_counts_joint_trainings_per_partner(sari, jakarta, bali, karisma, national_partner):
    first, second = _training(jakarta), _training(bali, title="SRHR")
    TrainingPartner.objects.create(training=first, partner=karisma, role="trainer", people=2)
    TrainingPartner.objects.create(training=first, partner=national_partner, role="participant", people=6)
    TrainingPartner.objects.create(training=second, partner=national_partner, role="participant", people=4)
    _training(jakarta, on=D(2026, 1, 5))  # another year
    table = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari).table(
        "joint_trainings_by_partner"
    )
    assert table.rows == [["Karisma", 1, 0, 0], ["PKNI", 0, 2, 10]]
    jakarta_only = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("branch", jakarta.pk), sari).table(
        "joint_trainings_by_partner"
    )
    assert jakarta_only.rows == [["Karisma", 1, 0, 0], ["PKNI", 0, 1, 6]]
