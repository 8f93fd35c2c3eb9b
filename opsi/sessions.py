"""Ending a user's sessions: logged out on every device at once."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


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
