import datetime

import pytest
from django.urls import reverse

from outreach.models import Training, TrainingAttendance
from tests.factories import MemberFactory

D = datetime.date


@pytest.fixture
def training(jakarta):
    return Training.objects.create(
        title="Paralegal",
        topic="human_rights",
        audience="members",
        branch=jakarta,
        starts_on=D(2025, 5, 1),
        ends_on=D(2025, 5, 2),
    )


def test_coordinator_records_a_training(client_of, ayu, jakarta):
    response = client_of(ayu).post(
        reverse("training_new"),
        {
            "title": "Kesehatan seksual",
            "topic": "srhr",
            "audience": "members",
            "branch": jakarta.pk,
            "starts_on": "2025-05-01",
            "ends_on": "2025-05-03",
        },
    )
    training = Training.objects.get()
    assert response.url == reverse("training_detail", args=[training.pk])
    assert training.days == [D(2025, 5, 1), D(2025, 5, 2), D(2025, 5, 3)]


def test_last_day_before_first_is_refused(client_of, ayu, jakarta):
    response = client_of(ayu).post(
        reverse("training_new"),
        {
            "title": "x",
            "topic": "srhr",
            "audience": "members",
            "branch": jakarta.pk,
            "starts_on": "2025-05-03",
            "ends_on": "2025-05-01",
        },
    )
    assert response.status_code == 200 and Training.objects.count() == 0


def test_attendance_per_day_is_ticked_from_the_branch_members(client_of, ayu, training, jakarta):
    mawar = MemberFactory(branch=jakarta, alias="Mawar")
    melati = MemberFactory(branch=jakarta, alias="Melati")
    client = client_of(ayu)
    grid = client.get(reverse("training_detail", args=[training.pk])).context["grid"]
    assert {m.alias for m, _days in grid} == {"Mawar", "Melati"}
    client.post(
        reverse("training_detail", args=[training.pk]),
        {
            "action": "attendance",
            "present": [f"{mawar.pk}|2025-05-01", f"{mawar.pk}|2025-05-02", f"{melati.pk}|2025-05-02"],
        },
    )
    assert sorted(TrainingAttendance.objects.values_list("member__alias", "day")) == [
        ("Mawar", D(2025, 5, 1)),
        ("Mawar", D(2025, 5, 2)),
        ("Melati", D(2025, 5, 2)),
    ]


def test_attendance_cannot_list_a_member_of_another_branch(client_of, ayu, training, bali):
    kamboja = MemberFactory(branch=bali, alias="Kamboja")
    client_of(ayu).post(
        reverse("training_detail", args=[training.pk]),
        {"action": "attendance", "present": [f"{kamboja.pk}|2025-05-01"]},
    )
    assert TrainingAttendance.objects.count() == 0


def test_national_training_is_recorded_by_the_secretariat_and_seen_by_all(client_of, sari, ayu, bunga, jakarta, bali):
    client = client_of(sari)
    client.post(
        reverse("training_new"),
        {
            "title": "Nasional",
            "topic": "organising",
            "audience": "members",
            "starts_on": "2025-06-01",
            "ends_on": "2025-06-01",
        },
    )
    training = Training.objects.get()
    assert training.branch is None
    MemberFactory(branch=jakarta, uic="MAWA2010190")
    MemberFactory(branch=bali, uic="KAMB2010190")
    client.post(
        reverse("training_detail", args=[training.pk]),
        {"action": "codes", "codes-day": "2025-06-01", "codes-people": "MAWA2010190, KAMB2010190"},
    )
    assert TrainingAttendance.objects.count() == 2
    assert client_of(bunga).get(reverse("training_detail", args=[training.pk])).status_code == 200
    assert (
        client_of(ayu).post(reverse("training_detail", args=[training.pk]), {"action": "attendance"}).status_code == 403
    )


def test_outside_participants_by_count_and_average_gain(client_of, ayu, jakarta):
    training = Training.objects.create(
        title="Polisi",
        topic="human_rights",
        audience="police",
        branch=jakarta,
        starts_on=D(2025, 5, 1),
        ends_on=D(2025, 5, 1),
    )
    client = client_of(ayu)
    url = reverse("training_detail", args=[training.pk])
    client.post(url, {"action": "outsiders", "out-gender": "man", "out-count": "12", "out-organisation": "Polres"})
    client.post(url, {"action": "score", "score-pre": "40", "score-post": "70"})
    client.post(url, {"action": "score", "score-pre": "50", "score-post": "60"})
    response = client.get(url)
    assert response.context["scores"]["gain"] == 20
    assert training.outside_participants.get().count == 12
    assert client.post(url, {"action": "score", "score-pre": "40", "score-post": "170"}).status_code == 200
    assert training.scores.count() == 2


def test_secretariat_cannot_change_a_branch_training(client_of, sari, training):
    assert (
        client_of(sari).post(reverse("training_detail", args=[training.pk]), {"action": "attendance"}).status_code
        == 403
    )


def test_training_list_counts_members_and_others_once(client_of, ayu, training, jakarta):
    from outreach.models import OutsideParticipants

    for alias in ("Mawar", "Melati"):
        member = MemberFactory(branch=jakarta, alias=alias)
        for day in training.days:
            TrainingAttendance.objects.create(training=training, member=member, day=day)
    OutsideParticipants.objects.create(training=training, gender="man", count=5)
    OutsideParticipants.objects.create(training=training, gender="woman", count=2)
    listed = client_of(ayu).get(reverse("training_list")).context["page"][0]
    assert (listed.members, listed.outsiders) == (2, 7)
