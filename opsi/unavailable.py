"""A database that is down or refuses writes gets a clean "try again" page, never a traceback.

``DatabaseUnavailableMiddleware`` turns ``OperationalError``, ``InterfaceError`` and
``InternalError`` raised by a view (the database restarting, unreachable, read-only, or its
disk full) into a 503 page in the user's language. ``server_error`` (the project's
``handler500``) does the same for those raised outside a view (reading the session or the
user). The page is rendered without touching the database: no context processors, no
session, no user lookup. Under ``ATOMIC_REQUESTS`` the view's transaction has been rolled
back, so nothing is half-written.

A form that was being sent comes back in the page as hidden fields with a "Send again"
button (passwords, one-time codes and files excepted), so what the user typed is not lost;
the submission keys of the forms make sending again safe.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.defaults import server_error as default_server_error

UNAVAILABLE = (OperationalError, InterfaceError, InternalError)
RETRY_AFTER_SECONDS = 5
NEVER_ECHOED = ("password", "otp", "token", "code")
KEPT_TOKEN = "csrfmiddlewaretoken"

logger = logging.getLogger("opsi.unavailable")
FALLBACK = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>503</title></head><body>'
    "<h1>Silakan coba lagi sebentar lagi / Please try again in a moment</h1></body></html>"
)


def _kept_fields(request):
    """The sent fields worth sending again: not secrets, not files."""
    if request.method != "POST":
        return []
    try:
        data = request.POST
    except Exception:  # an unreadable body is simply not kept
        return []
    kept = []
    for name, values in data.lists():
        lowered = name.lower()
        if name != KEPT_TOKEN and any(word in lowered for word in NEVER_ECHOED):
            continue
        kept.extend((name, value) for value in values)
    return kept


def _language(request):
    language = getattr(request, "LANGUAGE_CODE", None) or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def unavailable_response(request, error):
    logger.warning(
        "database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )
    language = _language(request)
    with translation.override(language):
        try:
            files_lost = bool(request.method == "POST" and request.FILES)
        except Exception:
            files_lost = False
        try:
            html = render_to_string(
                "503.html",
                {
                    "LANGUAGE_CODE": language,
                    "SITE_TITLE": settings.SITE_TITLE,
                    "fields": _kept_fields(request),
                    "action": request.get_full_path(),
                    "files_lost": files_lost,
                    "retry_after": RETRY_AFTER_SECONDS,
                },
            )
        except Exception:  # this page must not fail in turn (a missing static file, a template error)
            logger.exception("the try-again page could not be rendered")
            html = FALLBACK
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return unavailable_response(request, exception)
        return None


def server_error(request, template_name="500.html"):
    """handler500: the "try again" page when the error came from the database, else the plain 500."""
    import sys

    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        return unavailable_response(request, error)
    try:
        return default_server_error(request, template_name)
    except Exception:  # the error page itself must never fail
        return HttpResponseServerError("<h1>Server Error (500)</h1>", content_type="text/html")
