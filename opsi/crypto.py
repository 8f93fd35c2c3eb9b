"""Encryption at rest for the identity vault (legal name, NIK, phone).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``)
under ``FIELD_ENCRYPTION_KEYS``; the first key encrypts, all keys decrypt, so a
key can be rotated (``manage.py reseal_identities`` re-encrypts under the first).
Lookups (a duplicate NIK) use a keyed hash, never the plain value: HMAC-SHA256
under a key derived from ``FIELD_HASH_KEY``, which stays the same when the
encryption keys rotate, so duplicates are still found after a rotation.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import cached_property


class _Keys:
    @cached_property
    def fernet(self):
        return MultiFernet([Fernet(k) for k in settings.FIELD_ENCRYPTION_KEYS])

    @cached_property
    def hash_key(self):
        # The derivation that hashes made with the first encryption key used, so an
        # installation keeps its hashes by setting FIELD_HASH_KEY to that key.
        raw = base64.urlsafe_b64decode(settings.FIELD_HASH_KEY)
        return hashlib.sha256(b"opsi-lookup-hash:" + raw).digest()


_keys = _Keys()


@receiver(setting_changed)
def _read_keys_again(setting, **kwargs):
    if setting in ("FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"):
        _keys.__dict__.clear()


def encrypt(value):
    return _keys.fernet.encrypt(value.encode()).decode()


def decrypt(token):
    try:
        return _keys.fernet.decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("cannot decrypt: wrong FIELD_ENCRYPTION_KEYS") from None


def encrypt_bytes(data):
    """For identities kept a short while outside the vault (an import waiting for its confirmation)."""
    return _keys.fernet.encrypt(data).decode()


def decrypt_bytes(token, max_age):
    """The plain bytes, or None when the token is older than ``max_age`` seconds or not ours."""
    try:
        return _keys.fernet.decrypt(token.encode(), ttl=max_age)
    except InvalidToken:
        return None


class Sealed(str):
    """A vault value this copy of the database cannot decrypt (restored without its keys).

    It reads as a message that says so, and it is never written back over the ciphertext,
    so the value comes back once the keys do.
    """


def sealed():
    from django.utils.translation import gettext

    return Sealed(gettext("Cannot be shown: this copy of the database does not have the encryption keys."))


def lookup_hash(value):
    return hmac.new(_keys.hash_key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column holding ciphertext; Python sees the plain value."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        try:
            return decrypt(value)
        except ValueError:  # every other page still works; the vault says its keys are missing
            return sealed()

    def get_prep_value(self, value):
        if isinstance(value, Sealed):
            raise ValueError("This identity cannot be saved: the encryption keys of its values are missing.")
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)
