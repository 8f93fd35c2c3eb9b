"""The app on a phone without signal: the installable manifest, the service worker and the
capture page that fills visits and outreach sessions into an encrypted queue on the phone.

Nothing here saves a record: the queue is sent later to the ordinary visit and outreach
forms (``visit_new``, ``session_new``), which check every entry as any form post.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from outreach.forms import SessionForm
from opsi.scoping import role_required
from services.forms import VisitForm


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """static/js/sw.js from the site's root, so that it may answer for every page of the app."""
    with open(finders.find("js/sw.js"), encoding="utf-8") as source:
        response = HttpResponse(source.read(), content_type="text/javascript; charset=utf-8")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def web_manifest(request):
    """What the browser needs to install the app: a name, icons and where it opens."""
    return JsonResponse(
        {
            "name": settings.SITE_TITLE,
            "short_name": settings.SITE_TITLE,
            "start_url": "/offline/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#24415e",
            "icons": [
                {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
        },
        content_type="application/manifest+json",
    )


@login_required
@role_required("writes_in_branches")  # the same gate as the visit and session forms it sends to
@require_GET
def capture(request):
    """The visit (walk-in by code) and outreach forms, filled on the phone and queued there.

    The page holds the catalogue, the user's centres, branches and topics, never a member:
    people are given by code, and the outreach form's list of peer educators is left out.
    """
    user = request.user
    visit_form = VisitForm(user=user, auto_id="visit_%s")
    session_form = SessionForm(user=user, auto_id="session_%s")
    return render(request, "fieldwork/capture.html", {"visit_form": visit_form, "session_form": session_form})
