"""Entries waiting on a phone are sealed to the server: only the server can open them.

The phone holds the server's public key (P-256). For each entry it makes a key pair of its own
for that entry alone, agrees a secret with the server's key (ECDH), draws an AES-GCM key from it
(HKDF-SHA-256, the entry's public key as salt) and encrypts the entry; the entry's private key is
dropped at once. The phone keeps the entry's public key, the nonce and the ciphertext: neither
the phone, its PIN nor a copy of its storage can open it again. The server's private key is drawn
from ``OFFLINE_SEAL_KEY`` (in development from ``SECRET_KEY``), so every process of the app has
the same one without a key file. ``static/js/offline.js`` seals; ``open_entry`` opens.
"""

import base64
import functools
import json

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

VERSION = 1
ENTRY_INFO = b"opsi offline entry v1"  # the phone's HKDF uses the same words
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class Unreadable(ValueError):
    """Not an entry sealed to this server's key (tampered, or sealed under another key)."""


def _secret():
    return (settings.OFFLINE_SEAL_KEY or settings.SECRET_KEY).encode()


@functools.cache
def _private_key(secret):
    seed = HKDF(algorithm=hashes.SHA256(), length=48, salt=b"opsi offline seal", info=b"p-256 key").derive(secret)
    return ec.derive_private_key(int.from_bytes(seed, "big") % (_P256_ORDER - 1) + 1, ec.SECP256R1())


def private_key():
    return _private_key(_secret())


def public_key():
    """The server's public key as the phone imports it: the uncompressed point, base64url."""
    raw = private_key().public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bytes(value):
    if not isinstance(value, str) or len(value) > 200_000:
        raise Unreadable("not base64")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as error:
        raise Unreadable("not base64") from error


def _entry_key(entry_public, shared):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=entry_public, info=ENTRY_INFO).derive(shared)


def open_entry(sealed):
    """The entry a phone sealed (a dict), or ``Unreadable``."""
    if not isinstance(sealed, dict) or sealed.get("v") != VERSION:
        raise Unreadable("unknown seal")
    entry_public, nonce, data = _bytes(sealed.get("key")), _bytes(sealed.get("iv")), _bytes(sealed.get("data"))
    try:
        point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), entry_public)
        shared = private_key().exchange(ec.ECDH(), point)
        plain = AESGCM(_entry_key(entry_public, shared)).decrypt(nonce, data, None)
        entry = json.loads(plain)
    except (ValueError, InvalidTag) as error:
        raise Unreadable("does not open") from error
    if not isinstance(entry, dict):
        raise Unreadable("not an entry")
    return entry


def seal_entry(entry):
    """What a phone does (``offline.js``), for the tests and the benchmark."""
    import os

    own = ec.generate_private_key(ec.SECP256R1())
    entry_public = own.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    shared = own.exchange(ec.ECDH(), private_key().public_key())
    nonce = os.urandom(12)
    data = AESGCM(_entry_key(entry_public, shared)).encrypt(nonce, json.dumps(entry).encode(), None)

    def text(raw):
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return {"v": VERSION, "key": text(entry_public), "iv": text(nonce), "data": text(data)}
