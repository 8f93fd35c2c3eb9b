from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date

from . import login_cache, session_binding
from .audit import client_address

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def _user(request):
    """Django's own reading of the request's user (the session's check included), given the
    user's row kept for this session when the session's read found a usable one."""
    if not hasattr(request, "_cached_user"):
        request.session.get(auth.SESSION_KEY)  # the session is read, and with it the kept row
        if not session_binding.holds(request):
            request.session.flush()  # its page key is gone: this login is over, here and anywhere
        marker = login_cache.current.set(getattr(request.session, "kept_login", None))
        try:
            request._cached_user = auth.get_user(request)
        finally:
            login_cache.current.reset(marker)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, reading the user with the row kept for the session (``opsi/login_cache.py``).

    A login lives only beside its page key (``opsi/session_binding.py``): when the user is read,
    a session whose key cookie is missing or wrong (deleted by the quick exit, or the session
    cookie copied out alone) is ended on the server, and the request goes on as anonymous (a
    page that needs a login sends to the login page). A login made in the request, or a session
    not bound yet, gets its key in the answer.
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return response  # nothing read, nothing changed (static files, health checks)
        if response.status_code >= 500:
            return response  # no session write where the database may be refusing it (opsi/unavailable.py)
        if session_binding.logged_in(session):
            if session_binding.HASH not in session:
                session_binding.set_cookie(response, session_binding.bind(session))
        elif session_binding.COOKIE in request.COOKIES:
            response.delete_cookie(session_binding.COOKIE, path="/", samesite="Lax")
        return response


class UserLanguageMiddleware:
    """Activate the language the user chose, else Bahasa Indonesia.

    The browser's Accept-Language is ignored on purpose: many phones in
    Indonesia are set to English while their owners read Indonesian, and the
    organisation's working language is Indonesian.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        codes = dict(settings.LANGUAGES)
        if user is not None and user.is_authenticated:
            language = user.language
        else:
            language = request.COOKIES.get(LANGUAGE_COOKIE)
        if language not in codes:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        user = getattr(request, "user", None)  # read again: the view may have logged the user out
        if (
            user is not None
            and user.is_authenticated
            and request.COOKIES.get(LANGUAGE_COOKIE) != language
            and LANGUAGE_COOKIE not in response.cookies
        ):  # the language switch sets its own
            # Kept in the cookie too, so that the "try again" page made while the database is
            # down (opsi/unavailable.py) speaks the user's language.
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=request.is_secure(),
                httponly=True,
            )
        return response


class BranchTimeZoneMiddleware:
    """Show times in the user's branch's zone when the user has a single branch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = None
        if user is not None and user.is_authenticated and not user.sees_all_branches:
            branches = user.branch_list
            if len({b.province_info.time_zone for b in branches}) == 1:
                zone = branches[0].time_zone
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class SessionLimitsMiddleware:
    """Idle timeout (30 minutes) and an absolute limit on a login (8 hours).

    Also marks every page seen by a logged-in user ``Cache-Control: no-store``,
    so a seized or shared phone keeps nothing of member data in its cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            started = request.session.setdefault("login_started_at", now)
            last_seen = request.session.get("last_seen", now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS or now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= 60 or "last_seen" not in request.session:
                request.session["last_seen"] = now  # saved at most once a minute
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            # What add_never_cache_headers() ends with, written at once (it parses and rebuilds the
            # header twice, a tenth of a plain page's time).
            if not response.has_header("Expires"):
                response.headers["Expires"] = http_date()
            response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class PermissionsPolicyMiddleware:
    """The browser features this site never uses are switched off."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class AuditTrailMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware with the client address the lockout uses.

    Its own reading trusts the first X-Forwarded-For entry, which any client can write.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return None  # the port a client claims in X-Forwarded-Port tells nothing
