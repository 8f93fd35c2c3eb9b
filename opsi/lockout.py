"""Login throttling that stops guessing without letting anyone lock a colleague out.

Every failure, a wrong password (at login, or again on the two-step set-up page) or a wrong
two-step code, is one row of django-axes' failure log, with the client's address and the
username typed. Three counters read those rows:

- the address: ``AXES_FAILURE_LIMIT`` (5) failures from one address, on any usernames;
- the username from one address: 5 failures on one username from one address;
- the username from browsers it never logged in from: ``AXES_USERNAME_FAILURE_LIMIT`` (20)
  failures on one username from any addresses within ``AXES_USERNAME_WINDOW`` (24 hours). A browser where the user completed a login
  (the password, and the code when she has two-step login) carries a ``known`` cookie for her,
  and this counter does not apply to it: guesses spread over many addresses slow down every
  new browser, never the owner's own phone.

A counter at its limit refuses that address (or username and address, or username on new
browsers) for ``AXES_COOLOFF_FIRST`` (30 minutes), twice as long at each new lockout while
the previous one is less than ``AXES_COOLOFF_MAX`` (24 hours) old, at most that long. Tries
while refused are not counted: they neither renew nor lengthen the lockout. A login completed
forgets that username's failures from that address (the owner's own typos); nobody else's.
"""

import datetime
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Count, Max, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

USERNAME_LENGTH = 150  # the longest username a user can have (User.username)
KNOWN_COOKIE = "known"
KNOWN_SALT = "opsi.lockout.known"
KNOWN_KEPT = 3  # users who completed a login in one browser (a shared phone)
KNOWN_DAYS = 180
FAILURE_LOG_DAYS = 30


def username(request, credentials=None):
    """The username axes counts and stores: what was typed, with no NUL or lone surrogate and
    cut to the longest a user can have, so a failure with any username is counted, on any
    database (a username of 256 characters no longer stops the count with a server error)."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        return None
    value = "".join(c for c in str(value) if c != "\x00" and not "\ud800" <= c <= "\udfff")
    return value[:USERNAME_LENGTH]


def _tag(name):
    return salted_hmac(KNOWN_SALT, name, algorithm="sha256").hexdigest()[:32]


def _known_tags(request):
    return [tag for tag in request.COOKIES.get(KNOWN_COOKIE, "").split(".") if tag][:KNOWN_KEPT]


def known_browser(request, name):
    """Whether this browser completed a login as ``name`` before (its ``known`` cookie).

    The cookie holds keyed digests of the usernames only: nothing on the phone says who."""
    if not name:
        return False
    tag = _tag(name)
    return any(constant_time_compare(tag, kept) for kept in _known_tags(request))


def remember_browser(request, response, user):
    tag = _tag(username(None, {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}))
    tags = [tag] + [kept for kept in _known_tags(request) if kept != tag]
    response.set_cookie(
        KNOWN_COOKIE,
        ".".join(tags[:KNOWN_KEPT]),
        max_age=KNOWN_DAYS * 24 * 3600,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def cooloff(lockouts):
    """How long the ``lockouts``-th lockout in a row lasts."""
    first, longest = settings.AXES_COOLOFF_FIRST, settings.AXES_COOLOFF_MAX
    return min(first * 2 ** min(lockouts - 1, 30), longest)


def completed_login(request, response, user):
    """The login is complete (the password, and the code when needed): forget her failures
    from this address, and know this browser for her."""
    name = username(None, {settings.AXES_USERNAME_FORM_FIELD: user.get_username()})
    address = getattr(request, "axes_ip_address", None)
    if address is not None:
        AccessFailureLog.objects.filter(username=name, ip_address=address, locked_out=False).delete()
    remember_browser(request, response, user)


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler, counting as the module's docstring says."""

    def locked_until(self, request, credentials=None):
        """When this request's lockout ends, or None. While a failure is being recorded
        (``opsi_failing``) it counts too: it may be the one that locks."""
        now = timezone.now()
        name = get_client_username(request, credentials)
        address = request.axes_ip_address
        failing = 1 if getattr(request, "opsi_failing", False) else 0
        recent = AccessFailureLog.objects.filter(
            Q(ip_address=address) | Q(username=name),
            attempt_time__gte=now - max(settings.AXES_COOLOFF_MAX, settings.AXES_USERNAME_WINDOW),
        )
        # The address, and the username from this address: a lockout at the limit, longer each time.
        counters = [Q(ip_address=address), Q(ip_address=address, username=name)]
        locks = recent.aggregate(
            **{f"n{i}": Count("pk", filter=q & Q(locked_out=True)) for i, q in enumerate(counters)},
            **{f"t{i}": Max("attempt_time", filter=q & Q(locked_out=True)) for i, q in enumerate(counters)},
        )
        window = now - settings.AXES_COOLOFF_FIRST
        ends = []
        for i in range(len(counters)):
            lockouts, last = locks[f"n{i}"], locks[f"t{i}"]
            if lockouts and now < last + cooloff(lockouts):
                ends.append(last + cooloff(lockouts))
        if ends:
            return max(ends)
        user_window = now - settings.AXES_USERNAME_WINDOW
        counts = recent.aggregate(
            **{
                f"f{i}": Count(
                    "pk", filter=q & Q(locked_out=False, attempt_time__gt=max(locks[f"t{i}"] or window, window))
                )
                for i, q in enumerate(counters)
            },
            user=Count("pk", filter=Q(username=name, attempt_time__gt=user_window)),
        )
        for i in range(len(counters)):
            if counts[f"f{i}"] + failing >= settings.AXES_FAILURE_LIMIT:
                return now + cooloff(locks[f"n{i}"] + 1)
        # The username from browsers it never logged in from: at most so many failures in any
        # AXES_USERNAME_WINDOW, from all addresses together.
        limit = settings.AXES_USERNAME_FAILURE_LIMIT
        if name and counts["user"] + failing >= limit and not known_browser(request, name):
            times = recent.filter(username=name, attempt_time__gt=user_window).order_by("attempt_time")
            oldest = times.values_list("attempt_time", flat=True)[max(counts["user"] + failing - limit, 0)]
            return oldest + settings.AXES_USERNAME_WINDOW
        return None

    def get_failures(self, request, credentials=None) -> int:
        # axes compares this with AXES_FAILURE_LIMIT: at the limit while refused, else below it.
        until = self.locked_until(request, credentials)
        request.opsi_locked_until = until
        return settings.AXES_FAILURE_LIMIT if until is not None else 0

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None:
            request.opsi_failing = True
        try:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            if request is not None:
                request.opsi_failing = False

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        now = timezone.now()
        AccessFailureLog.objects.filter(attempt_time__lt=now - datetime.timedelta(days=FAILURE_LOG_DAYS)).delete()
        count, _ = AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_MAX).delete()
        return count

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        """``manage.py axes_reset``, ``axes_reset_ip``, ``axes_reset_username``: the failures the
        counters read go too, so the lockout is lifted at once."""
        logs = AccessFailureLog.objects.all()
        if ip_or_username:
            logs = logs.filter(Q(ip_address=ip_address) | Q(username=username))
        else:
            if ip_address:
                logs = logs.filter(ip_address=ip_address)
            if username:
                logs = logs.filter(username=username)
        logs.delete()
        return super().reset_attempts(ip_address=ip_address, username=username, ip_or_username=ip_or_username)

    def remove_out_of_limit_failure_logs(self, *, username, limit=None) -> int:
        return 0  # the log is kept FAILURE_LOG_DAYS; axes' own cut would drop the newest rows


def wait_left(request=None):
    """AXES_COOLOFF_TIME: the time left of this request's lockout (or the first lockout's length)."""
    until = getattr(request, "opsi_locked_until", None)
    if until is None:
        return settings.AXES_COOLOFF_FIRST
    return max(until - timezone.now(), datetime.timedelta(0))


def lockout_page(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page saying, in the user's language, how long to wait; the
    same whether the username exists or not."""
    minutes = max(1, math.ceil(wait_left(request).total_seconds() / 60))
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"minutes": minutes, "hours": math.ceil(minutes / 60) if minutes > 120 else None},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
