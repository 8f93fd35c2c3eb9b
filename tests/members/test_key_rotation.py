"""Rotating FIELD_ENCRYPTION_KEYS keeps the vault readable and a duplicate NIK found: the lookup
hash has a key of its own (FIELD_HASH_KEY) that does not change with the encryption keys."""

from contextlib import contextmanager

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from opsi import crypto
from members.identity import nik_owner, save_identity
from members.models import MemberIdentity
from tests.factories import MemberFactory

NIK = "3171014502900004"
OLD, NEW, HASH_KEY = (Fernet.generate_key().decode() for _ in range(3))


@contextmanager
def keys(encryption, hash_key):
    """The settings a restarted server would read (the keys are cached per process)."""
    with override_settings(FIELD_ENCRYPTION_KEYS=encryption, FIELD_HASH_KEY=hash_key):
        crypto._keys.__dict__.clear()
        yield
    crypto._keys.__dict__.clear()


def _stored_ciphertext(identity):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM members_memberidentity WHERE id = %s", [identity.pk])
        return cursor.fetchone()[0]


def test_duplicate_nik_is_still_found_after_the_encryption_keys_are_rotated(jakarta, bali):
    first = MemberFactory(branch=jakarta)
    with keys([OLD], HASH_KEY):
        save_identity(first, None, nik=NIK)
    with keys([NEW, OLD], HASH_KEY):
        assert nik_owner(NIK, exclude_member=MemberFactory(branch=bali)) == first
        first.identity.refresh_from_db()
        assert first.identity.nik == NIK


def test_resealing_moves_the_vault_to_the_new_key_and_the_old_key_can_go(jakarta, bali):
    first = MemberFactory(branch=jakarta)
    with keys([OLD], HASH_KEY):
        identity = save_identity(first, None, nik=NIK, legal_name="Siti Aminah")
    before = _stored_ciphertext(identity)
    with keys([NEW, OLD], HASH_KEY):
        call_command("reseal_identities", verbosity=0)
    assert _stored_ciphertext(identity) != before
    with keys([NEW], HASH_KEY):
        identity = MemberIdentity.objects.get(pk=identity.pk)
        assert (identity.nik, identity.legal_name) == (NIK, "Siti Aminah")
        assert nik_owner(NIK, exclude_member=MemberFactory(branch=bali)) == first


def test_a_new_hash_key_finds_duplicates_again_once_the_identities_are_resealed(jakarta):
    first = MemberFactory(branch=jakarta)
    with keys([OLD], OLD):
        save_identity(first, None, nik=NIK)
    new_hash_key = Fernet.generate_key().decode()
    with keys([OLD], new_hash_key):
        assert nik_owner(NIK) is None  # the old hashes do not match the new key
        call_command("reseal_identities", verbosity=0)
        assert nik_owner(NIK) == first
