"""The page of a form sent without its CSRF cookie (CSRF_FAILURE_VIEW).

It happens to a worker whose browser was restarted, or whose page stayed open past the
cookie: Django's own page speaks of hijacked browsers. This one says, in the user's
language, that nothing was saved, why, and what to do, with a way back to the page the form
came from (only a page of this site). A view marked ``refills_after_csrf_failure`` gets its
form back filled instead: it is called with ``request.csrf_failed`` set, through its own
decorators (login, role, access rule), checks what was sent as it always does, and saves
nothing; the page it renders carries a fresh token. Never for an anonymous user, nor for a
form the browser says came from another site (nor one that says nothing of where it came from).
"""

import time
from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def refills_after_csrf_failure(view):
    view.refills_after_csrf_failure = True
    return view


UNSENT = "_unsent_form"
UNSENT_KEPT_SECONDS = 3600


def keeps_form_across_login(view):
    """A form sent after the login ended comes back filled once she has logged in again.

    Put outside ``login_required``: a POST from someone no longer logged in is kept in her
    (new, anonymous) session with the page it was sent to, and she is sent to the login page,
    told that nothing was saved; the first opening of that page after the login, within the hour,
    gives the form back filled and checked as ``refills_after_csrf_failure`` does (through the
    view's own decorators and access rule), never saved: she presses Save again. The kept copy is
    taken out of the session as it is used."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            sent = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
            request.session[UNSENT] = {"path": request.get_full_path(), "data": sent, "at": time.time()}
            messages.warning(
                request,
                _(
                    "Your login had ended, so nothing was saved. Log in again: the form comes back with what "
                    "you entered, to check and save."
                ),
            )
            return redirect_to_login(request.get_full_path())
        unsent = request.session.get(UNSENT) if request.user.is_authenticated else None
        if request.method == "GET" and unsent and unsent.get("path") == request.get_full_path():
            del request.session[UNSENT]
            if time.time() - unsent.get("at", 0) < UNSENT_KEPT_SECONDS:
                refill = QueryDict(mutable=True)
                for key, values in unsent.get("data", {}).items():
                    refill.setlist(key, values)
                request.method, request.POST, request.csrf_failed = "POST", refill, True
                try:
                    response = view(request, *args, **kwargs)
                except (Http404, PermissionDenied):
                    response = None  # not hers to see (another worker logged in): her own empty form
                if response is not None and response.status_code == 200:
                    return response
                request.method, request.POST, request.csrf_failed = "GET", QueryDict(), False
        return view(request, *args, **kwargs)

    return wrapper


def _from_this_site(request):
    """The browser says the form was on a page of this site (Origin, else Referer)."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == f"{request.scheme}://{request.get_host()}"
    return _back(request)[1]


def _refilled(request, reason):
    # Only a form of this site whose cookie was lost (or renewed since the page was opened),
    # never one sent from another site: that one gets the plain page.
    lost = reason == REASON_NO_CSRF_COOKIE or reason.endswith("incorrect.")
    if request.method != "POST" or not request.user.is_authenticated or not lost or not _from_this_site(request):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if not getattr(match.func, "refills_after_csrf_failure", False):
        return None
    request.csrf_failed = True
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except (Http404, PermissionDenied):
        return None
    if response.status_code != 200:
        return None
    response.status_code = 403  # not saved: the phone's queue and any client keep what was sent
    return response


def _back(request):
    """The page the form was on, when the browser says and it is a page of this site; else home."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        if parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else ""), True
    return reverse("home"), False


def csrf_failure(request, reason=""):
    refilled = _refilled(request, reason)
    if refilled is not None:
        return refilled
    back, known = _back(request)
    return render(
        request,
        "403_csrf.html",
        {"back": back, "back_label": _("Back to the page") if known else _("Go to the home page")},
        status=403,
    )
