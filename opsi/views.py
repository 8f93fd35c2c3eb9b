from django.conf import settings
from django.db import transaction
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .home import todays_work

QUICK_EXIT_URL = "https://www.google.com/search?q=cuaca+hari+ini"


@login_required
def home(request):
    """Today's work for the user's role (``opsi.home``), with the warnings for their branches
    (added by ``incidents``)."""
    return render(request, "home.html", todays_work(request.user))


@transaction.non_atomic_requests  # alive even when the database is not: no BEGIN, no connection
def healthz(request):
    """For load balancers and the throughput baseline: no session, no database."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


@require_POST
def set_language(request):
    """Switch the interface language: saved on the user, or in a cookie before login."""
    language = request.POST.get("language")
    next_url = request.POST.get("next", "/")
    # A page of this site only: a path from its root. Anything else (a view's name, a word)
    # would be read by redirect() as a view to look up, and fail.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


@never_cache
def quick_exit(request):
    """Leave at once for a neutral site and end the session (a shared or seized phone)."""
    logout(request)
    response = redirect(QUICK_EXIT_URL)
    # Cookies too: the language choice and the CSRF token also tell that the site was used.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
