"""Ending a user's sessions: logged out on every device at once."""

from django.contrib.sessions.models import Session
from django.utils import timezone


def end_sessions_of(users):
    """Delete the live sessions of ``users``; returns how many were ended."""
    ids = {str(pk) for pk in users.values_list("pk", flat=True)}
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") in ids
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)
