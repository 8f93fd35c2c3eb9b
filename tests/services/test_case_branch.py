"""A paperwork case belongs to its member's branch, now and after she moves: the branch's
list reads its cases by the case's own branch, so that copy must follow her everywhere."""

import datetime

from django.urls import reverse

from members.moving import move_member
from services.models import PaperworkCase
from services.paperwork import open_case
from tests.factories import MemberFactory


def _listed(client, case, query=""):
    return reverse("case_detail", args=[case.pk]) in client.get(reverse("stuck_cases") + query).content.decode()


def test_a_moved_members_cases_leave_the_old_branch_and_reach_the_new_one(client_of, ayu, bunga, mawar, bali):
    case = open_case(mawar, "ktp", mawar.branch.today() - datetime.timedelta(days=10), ayu)
    assert _listed(client_of(ayu), case) and not _listed(client_of(bunga), case)

    move_member(mawar, bali, mawar.branch.today(), ayu)

    jakarta_coordinator = client_of(ayu)
    assert not _listed(jakarta_coordinator, case)
    assert jakarta_coordinator.get(reverse("case_detail", args=[case.pk])).status_code == 404
    assert jakarta_coordinator.get(reverse("home")).context["case_counts"]["open"] == 0
    bali_coordinator = client_of(bunga)
    assert _listed(bali_coordinator, case)
    assert bali_coordinator.get(reverse("case_detail", args=[case.pk])).status_code == 200
    assert bali_coordinator.get(reverse("home")).context["case_counts"]["open"] == 1


def test_a_member_saved_with_another_branch_takes_her_cases_along(ayu, mawar, bali):
    """The member form and the admin save the member whole, not through move_member."""
    cases = [open_case(mawar, document, mawar.branch.today(), ayu) for document in ("ktp", "bpjs")]
    mawar.branch = bali
    mawar.save()
    assert set(PaperworkCase.objects.filter(pk__in=[c.pk for c in cases]).values_list("branch", flat=True)) == {bali.pk}


def test_a_case_opened_with_a_member_read_before_her_move_goes_to_her_new_branch(ayu, mawar, bali):
    stale = type(mawar).objects.get(pk=mawar.pk)
    move_member(mawar, bali, mawar.branch.today(), ayu)
    case = open_case(stale, "kk", stale.branch.today(), ayu)
    assert case.branch_id == bali.pk


def test_cases_made_in_bulk_take_their_members_branch(mawar, bali):
    kamboja = MemberFactory(branch=bali, alias="Kamboja")
    today = mawar.branch.today()
    PaperworkCase.objects.bulk_create(
        PaperworkCase(member_id=member.pk, document="ktp", opened_on=today, step_on=today)
        for member in (mawar, kamboja)
    )
    assert dict(PaperworkCase.objects.values_list("member", "branch")) == {
        mawar.pk: mawar.branch_id,
        kamboja.pk: bali.pk,
    }


def test_the_secretariat_filters_cases_by_branch(client_of, ayu, sari, mawar, bali):
    kamboja = MemberFactory(branch=bali, alias="Kamboja")
    in_jakarta = open_case(mawar, "ktp", mawar.branch.today(), ayu)
    in_bali = open_case(kamboja, "ktp", kamboja.branch.today(), None)
    client = client_of(sari)
    assert _listed(client, in_jakarta) and _listed(client, in_bali)
    assert _listed(client, in_bali, f"?branch={bali.pk}") and not _listed(client, in_jakarta, f"?branch={bali.pk}")
