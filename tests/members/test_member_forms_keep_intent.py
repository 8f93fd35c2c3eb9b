"""Member forms save what the user meant: a field left empty on the identity form keeps
what is stored, and a change of kind is never a step back by default."""

import re

from django.urls import reverse

from members.identity import save_identity
from members.models import Member
from tests.factories import MemberFactory

NIK = "3171014502900004"


def test_adding_a_phone_keeps_the_stored_nik_and_legal_name(client_of, ayu, jakarta):
    mawar = MemberFactory(branch=jakarta)
    save_identity(mawar, None, legal_name="Siti Aminah", nik=NIK)
    client = client_of(ayu)
    html = client.get(reverse("member_identity", args=[mawar.pk])).content.decode()
    assert NIK not in html and "Siti" not in html  # the form never shows what is stored
    client.post(reverse("member_identity", args=[mawar.pk]), {"legal_name": "", "nik": "", "phone": "081234567890"})
    mawar.identity.refresh_from_db()
    assert (mawar.identity.legal_name, mawar.identity.nik, mawar.identity.phone) == ("Siti Aminah", NIK, "081234567890")


def test_a_stored_field_is_removed_only_when_asked(client_of, ayu, jakarta):
    mawar = MemberFactory(branch=jakarta)
    save_identity(mawar, None, legal_name="Siti Aminah", nik=NIK)
    client_of(ayu).post(
        reverse("member_identity", args=[mawar.pk]), {"legal_name": "", "nik": "", "phone": "", "remove": ["nik"]}
    )
    mawar.identity.refresh_from_db()
    assert (mawar.identity.legal_name, mawar.identity.nik) == ("Siti Aminah", "")


def offered_kind(html):
    select = re.search(r'<select name="kind"[^>]*>(.*?)</select>', html, re.S).group(1)
    chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', select)
    return chosen[0] if chosen else re.findall(r'<option value="([^"]*)"', select)[0]


def test_change_of_kind_offers_the_next_kind_and_never_a_step_back(client_of, ayu, jakarta):
    regular = MemberFactory(branch=jakarta, kind="regular")
    former = MemberFactory(branch=jakarta, kind="former")
    client = client_of(ayu)
    assert offered_kind(client.get(reverse("member_change_kind", args=[regular.pk])).content.decode()) == "former"
    html = client.get(reverse("member_change_kind", args=[former.pk])).content.decode()
    assert offered_kind(html) == ""  # nothing chosen: a change back to regular is picked on purpose
    assert 'value="former"' not in re.search(r'<select name="kind"[^>]*>(.*?)</select>', html, re.S).group(1)
    response = client.post(reverse("member_change_kind", args=[former.pk]), {"kind": "", "on": "2025-06-01"})
    assert response.status_code == 200 and Member.objects.get(pk=former.pk).kind == "former"
