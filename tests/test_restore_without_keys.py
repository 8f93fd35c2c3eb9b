"""A copy restored without FIELD_ENCRYPTION_KEYS (kept apart from the backups) serves every page;
only the identity vault stays shut, with a message that says why."""

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings
from django.urls import reverse

from opsi import crypto
from members.identity import save_identity
from tests.factories import MemberFactory


@pytest.fixture
def keys_forgotten():
    crypto._keys.__dict__.clear()  # the cached keys are read again from the settings
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        yield
    crypto._keys.__dict__.clear()


@pytest.fixture
def anggrek(jakarta):
    member = MemberFactory(branch=jakarta, alias="Anggrek")
    save_identity(member, None, legal_name="Siti Aminah", nik="3171014101900004", phone="081234567890")
    return member


def test_copy_without_the_keys_serves_the_member_pages(client_of, ayu, anggrek, keys_forgotten):
    client = client_of(ayu)
    assert client.get(reverse("member_list")).status_code == 200
    page = client.get(reverse("member_detail", args=[anggrek.pk]))
    assert page.status_code == 200 and "Anggrek" in page.content.decode()
    assert "3171014101900004" not in page.content.decode()


def test_reveal_without_the_keys_says_the_keys_are_missing(client_of, ayu, anggrek, keys_forgotten):
    response = client_of(ayu).post(reverse("member_reveal", args=[anggrek.pk]), {"field": "nik", "reason": "KTP"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "tidak memiliki kunci enkripsi" in page and "3171014101900004" not in page


def test_a_sealed_value_is_never_written_back_over_its_ciphertext(anggrek, keys_forgotten):
    identity = type(anggrek).identity.related.related_model.objects.get(member=anggrek)
    with pytest.raises(ValueError, match="encryption keys"):
        identity.save()
