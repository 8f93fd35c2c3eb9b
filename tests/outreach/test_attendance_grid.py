"""Saving a training's attendance grid changes the rows it shows, nothing else."""

import datetime
import re

import pytest
from django.urls import reverse

from members.models import Member
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


def grid_as_sent(html, tick=()):
    """What a browser sends from the grid form: its hidden fields, the boxes already
    ticked, plus the boxes the user ticks now."""
    form = next(f for f in re.findall(r"<form[^>]*>.*?</form>", html, re.S) if 'value="attendance"' in f)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or (('type="checkbox"' in tag) and " checked" not in tag):
            continue
        data.setdefault(name.group(1), []).append(value.group(1) if value else "")
    data.setdefault("present", []).extend(tick)
    return data


def attendance():
    return sorted(TrainingAttendance.objects.values_list("member__alias", "day"))


def test_saving_the_grid_keeps_attendance_of_a_member_who_has_left(client_of, ayu, training, jakarta):
    melati = MemberFactory(branch=jakarta, alias="Melati")
    mawar = MemberFactory(branch=jakarta, alias="Mawar")
    TrainingAttendance.objects.create(training=training, member=melati, day=D(2025, 5, 1))
    TrainingAttendance.objects.create(training=training, member=melati, day=D(2025, 5, 2))
    Member.objects.filter(pk=melati.pk).update(left_on=D(2025, 6, 1))
    client = client_of(ayu)
    html = client.get(reverse("training_detail", args=[training.pk])).content.decode()
    client.post(reverse("training_detail", args=[training.pk]), grid_as_sent(html, tick=[f"{mawar.pk}|2025-05-01"]))
    assert attendance() == [("Mawar", D(2025, 5, 1)), ("Melati", D(2025, 5, 1)), ("Melati", D(2025, 5, 2))]


def test_unticking_a_shown_box_removes_only_that_day(client_of, ayu, training, jakarta):
    mawar = MemberFactory(branch=jakarta, alias="Mawar")
    melati = MemberFactory(branch=jakarta, alias="Melati")
    for member in (mawar, melati):
        for day in training.days:
            TrainingAttendance.objects.create(training=training, member=member, day=day)
    client_of(ayu).post(
        reverse("training_detail", args=[training.pk]),
        {
            "action": "attendance",
            "shown": [str(mawar.pk)],
            "present": [f"{mawar.pk}|2025-05-02"],
            "was": [f"{mawar.pk}|2025-05-01", f"{mawar.pk}|2025-05-02"],
        },
    )
    assert attendance() == [("Mawar", D(2025, 5, 2)), ("Melati", D(2025, 5, 1)), ("Melati", D(2025, 5, 2))]


def test_a_branch_of_more_than_300_members_records_attendance_by_code_and_on_the_grid(
    client_of, ayu, training, jakarta
):
    Member.objects.bulk_create(
        Member(
            branch=jakarta,
            alias=f"Anggota {n:03d}",
            uic=f"ANGG{n:07d}"[:11],
            kind="regular",
            gender="woman",
            birth_year=1990,
            work_setting="street",
            joined_on=D(2024, 1, 1),
            consent_on=D(2024, 1, 1),
        )
        for n in range(301)
    )
    zahra = MemberFactory(branch=jakarta, alias="Zahra", uic="ZAHR2150390")
    early = Member.objects.get(alias="Anggota 000")
    TrainingAttendance.objects.create(training=training, member=early, day=D(2025, 5, 1))
    client = client_of(ayu)
    url = reverse("training_detail", args=[training.pk])
    client.post(url, {"action": "codes", "codes-day": "2025-05-01", "codes-people": "ZAHR2150390"})
    html = client.get(url).content.decode()
    assert "Zahra" in html
    client.post(url, grid_as_sent(html, tick=[f"{zahra.pk}|2025-05-02"]))
    assert attendance() == [("Anggota 000", D(2025, 5, 1)), ("Zahra", D(2025, 5, 1)), ("Zahra", D(2025, 5, 2))]


def test_adding_by_code_keeps_everyone_already_recorded(client_of, ayu, training, jakarta):
    MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
    melati = MemberFactory(branch=jakarta, alias="Melati")
    TrainingAttendance.objects.create(training=training, member=melati, day=D(2025, 5, 1))
    Member.objects.filter(pk=melati.pk).update(left_on=D(2025, 6, 1))
    client_of(ayu).post(
        reverse("training_detail", args=[training.pk]),
        {"action": "codes", "codes-day": "2025-05-02", "codes-people": "Mawar"},
    )
    assert attendance() == [("Mawar", D(2025, 5, 2)), ("Melati", D(2025, 5, 1))]


def test_training_page_costs_the_same_queries_for_few_or_many_attendees(
    client_of, ayu, training, jakarta, django_assert_max_num_queries
):
    client = client_of(ayu)
    url = reverse("training_detail", args=[training.pk])
    for n in range(3):
        TrainingAttendance.objects.create(training=training, member=MemberFactory(branch=jakarta), day=D(2025, 5, 1))
    client.get(url)
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    for n in range(30):
        TrainingAttendance.objects.create(training=training, member=MemberFactory(branch=jakarta), day=D(2025, 5, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_two_coordinators_saving_the_grid_at_once_keep_both_ticks(client_of, ayu, training, jakarta):
    mawar = MemberFactory(branch=jakarta, alias="Mawar")
    melati = MemberFactory(branch=jakarta, alias="Melati")
    client = client_of(ayu)
    url = reverse("training_detail", args=[training.pk])
    first_page = client.get(url).content.decode()
    second_page = client.get(url).content.decode()  # another phone, opened before the first is saved
    client.post(url, grid_as_sent(first_page, tick=[f"{mawar.pk}|2025-05-01"]))
    client.post(url, grid_as_sent(second_page, tick=[f"{melati.pk}|2025-05-02"]))
    assert attendance() == [("Mawar", D(2025, 5, 1)), ("Melati", D(2025, 5, 2))]
