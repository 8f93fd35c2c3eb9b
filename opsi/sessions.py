"""Ending a user's sessions: logged out on every device at once; the store of sessions kept in a shared cache."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import login_cache


def end_sessions_of(users):
    """Delete the live sessions of ``users``; returns how many were ended.

    Each is deleted through the session store, so a copy kept in the cache (cached_db, with
    a shared cache) goes with the row: deleting the rows alone would leave it usable.
    """
    ids = {str(pk) for pk in users.values_list("pk", flat=True)}
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") in ids
    ]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in doomed:
        store(session_key=key).delete()
    return len(doomed)


class SessionStore(CachedDBStore):
    """Sessions in the shared cache, the database behind (``cached_db``), read in one round trip
    with the user's row kept for the session (``opsi/login_cache.py``)."""

    kept_login = None

    def load(self):
        if not login_cache.enabled():
            return super().load()
        key = self._get_or_create_session_key()
        try:
            values = self._cache.get_many([self.cache_key, login_cache.row_key(key), login_cache.TOKEN])
        except Exception:  # an invalid key (cached_db's own load says so too): read as cached_db does
            return super().load()
        self.kept_login = login_cache.found(key, values)
        data = values.get(self.cache_key)
        return super().load() if data is None else data
