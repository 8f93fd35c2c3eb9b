"""A login lives only beside a key the page can delete (the quick exit on a phone).

The session cookie is HttpOnly: no script can delete it, so a quick exit pressed with no
signal left a live login behind, and a copy of the phone's cookies opened member pages.
Each login therefore gets a second cookie, readable and deletable by the page, holding a
random key; the session keeps only the key's hash. A request whose session holds a hash
but whose cookie does not match ends that session on the server (``AuthenticationMiddleware``
in ``opsi/middleware.py``). The quick exit deletes the key first, synchronously, before
anything else: whatever happens next, the session left on the phone is dead.

A session with no hash (made before this check existed, or by a test's ``force_login``,
which no request carries) is bound at its next answer.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import SESSION_KEY

COOKIE = "pagekey"  # neutral: the cookie list of a seized phone names no organisation
HASH = "_page_key_hash"


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def bind(session):
    """Give ``session`` a new key; returns the key for the cookie (the session keeps its hash)."""
    key = secrets.token_urlsafe(32)
    session[HASH] = _hash(key)
    return key


def holds(request):
    """False when the request's session is bound to a key its cookie does not match."""
    expected = request.session.get(HASH)
    if expected is None:
        return True
    given = request.COOKIES.get(COOKIE, "")
    return hmac.compare_digest(expected, _hash(given))


def logged_in(session):
    return SESSION_KEY in session


def set_cookie(response, key):
    # Lax like the session cookie: a link opened from a chat must not end the login (Strict
    # would leave the key out of such a request, and the session would be ended).
    response.set_cookie(COOKIE, key, path="/", samesite="Lax", secure=settings.SESSION_COOKIE_SECURE, httponly=False)
