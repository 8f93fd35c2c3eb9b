import datetime

from django.urls import reverse

from members.models import Member
from tests.factories import MemberFactory

FORM = {
    "alias": "Mawar",
    "kind": "regular",
    "gender": "woman",
    "mother_first_name": "Siti",
    "father_first_name": "Budi",
    "birth_date": "1990-03-15",
    "work_setting": "street",
    "joined_on": "2025-01-10",
    "consent_on": "2025-01-10",
    "consent_version": "2025-1",
}


def test_coordinator_registers_a_member_with_a_code_built_from_the_answers(client_of, ayu, jakarta):
    response = client_of(ayu).post(reverse("member_create"), FORM)
    member = Member.objects.get()
    assert response.status_code == 302 and response.url == reverse("member_detail", args=[member.pk])
    assert member.uic == "SIBU2150390"
    assert member.branch == jakarta
    assert member.birth_year == 1990
    assert list(member.kind_periods.values_list("kind", "started_on")) == [("regular", datetime.date(2025, 1, 10))]


def test_missing_alias_and_future_date_re_render_with_messages(client_of, ayu, jakarta):
    data = {**FORM, "alias": "", "joined_on": "2999-01-01"}
    response = client_of(ayu).post(reverse("member_create"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bidang ini tidak boleh kosong" in content  # Django's own Indonesian message
    assert 'value="Siti"' in content  # nothing typed is lost
    assert Member.objects.count() == 0


def test_same_code_in_another_branch_warns_without_alias_or_branch(client_of, ayu, jakarta, bali):
    other = MemberFactory(branch=bali, uic="SIBU2150390", alias="Kamboja", notes="secret note")
    response = client_of(ayu).post(reverse("member_create"), FORM)
    content = response.content.decode()
    assert response.status_code == 200
    assert "wilayah lain" in content
    assert "Kamboja" not in content and "Bali" not in content
    assert "secret note" not in content
    assert reverse("member_detail", args=[other.pk]) not in content  # no link into another branch
    assert Member.objects.count() == 1


def test_coordinator_links_the_same_person_instead_of_duplicating_silently(client_of, ayu, jakarta, bali):
    other = MemberFactory(branch=bali, uic="SIBU2150390", alias="Kamboja")
    client_of(ayu).post(reverse("member_create"), {**FORM, "same_person": "link"})
    new = Member.objects.get(branch=jakarta)
    assert new.linked_member == other
    assert new.uic == other.uic


def test_a_tampered_branch_field_is_refused(client_of, ayu, jakarta, bali):
    response = client_of(ayu).post(reverse("member_create"), {**FORM, "branch": bali.pk})
    assert response.status_code == 200
    assert not Member.objects.filter(branch=bali).exists()


def test_outreach_worker_may_register_but_secretariat_may_not(client_of, putri, sari, jakarta):
    assert client_of(putri).get(reverse("member_create")).status_code == 200
    assert client_of(sari).get(reverse("member_create")).status_code == 403


def test_honorary_members_are_not_asked_a_work_setting(client_of, ayu, jakarta):
    client_of(ayu).post(reverse("member_create"), {**FORM, "kind": "honorary", "work_setting": "street"})
    assert Member.objects.get().work_setting == ""


def test_member_leaves_and_changes_kind_through_the_pages(client_of, ayu, jakarta):
    member = MemberFactory(branch=jakarta, joined_on=datetime.date(2024, 1, 1))
    client = client_of(ayu)
    client.post(reverse("member_change_kind", args=[member.pk]), {"kind": "former", "on": "2025-02-01"})
    client.post(reverse("member_leave", args=[member.pk]), {"on": "2025-06-01"})
    member.refresh_from_db()
    assert member.kind == "former" and member.left_on == datetime.date(2025, 6, 1)
    response = client.post(reverse("member_change_kind", args=[member.pk]), {"kind": "regular", "on": "2999-01-01"})
    assert response.status_code == 200 and Member.objects.get().kind == "former"
