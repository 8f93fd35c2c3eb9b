"""The app on a phone without signal: the installable manifest, the service worker, the capture
page that fills visits and outreach sessions into the queue on the phone, and the door the queue
is sent through.

The capture page the phone keeps names nobody: no user, no centre, no branch. What a worker's
forms need (her centres and branches) comes from ``worker`` while she is online and is kept on
the phone encrypted under her PIN. Each entry is sealed on the phone to the server's public key
(``fieldwork/sealing.py``); ``send`` opens it and hands it to the ordinary visit and outreach
forms (``visit_new``, ``session_new``), which check it as any form post of the logged-in user.
"""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from members.models import Member
from members.uic import is_valid_uic, normalise_uic
from outreach.forms import SessionForm
from outreach.views import session_new
from opsi.scoping import role_required
from services.forms import VisitForm
from services.partner_views import referral_new
from services.referral_forms import PartnerReferralForm
from services.views import visit_new

from . import sealing

# The fields of the capture page that are the worker's own, filled on the phone from her kept
# settings once her PIN opens them: (form prefix, field name).
WORKER_FIELDS = [
    ("visit", "drop_in_centre"),
    ("session", "branch"),
    ("session", "stock_centre"),
    ("referral", "branch"),
]


DAY_FIELD = {"visit": "visited_on", "session": "held_on", "referral": "made_on"}


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


def _forms(user):
    return (
        VisitForm(user=user, auto_id="visit_%s"),
        SessionForm(user=user, auto_id="session_%s"),
        PartnerReferralForm(user=user, auto_id="referral_%s"),
    )


@login_required
@role_required("writes_in_branches")  # the same gate as the visit and session forms it sends to
@require_GET
def capture(request):
    """The visit (walk-in by code) and outreach forms, filled on the phone and queued there.

    The page holds the catalogue and the topics, the same for every worker, and nothing of the
    worker: her centres and branches are left empty here (``worker`` gives them), people are
    given by code, and the outreach form's list of peer educators is left out.
    """
    visit_form, session_form, referral_form = _forms(request.user)
    worker_fields = ((visit_form, "drop_in_centre"), (session_form, "branch"), (session_form, "stock_centre"))
    for form, name in (*worker_fields, (referral_form, "branch")):
        field = form.fields[name]
        field.widget = forms.Select()
        field.choices = []
        form.initial.pop(name, None)
    # Members too are recorded by code here: the server ties the visit to her when it is sent.
    code = visit_form.fields["walk_in_uic"]
    code.label = _("Code of the person (a member or not)")
    code.help_text = _(
        "A member is recorded by her code too: when the visit is sent, it goes on her record if she is "
        "a member of this centre's branch."
    )
    return render(
        request,
        "fieldwork/capture.html",
        {
            "visit_form": visit_form,
            "session_form": session_form,
            "referral_form": referral_form,
            "seal_key": sealing.public_key(),
        },
    )


@never_cache
@login_required
@role_required("writes_in_branches")
@require_GET
def worker(request):
    """What the capture page needs of the logged-in worker, fetched fresh while online: who she
    is (entries are sealed with her number and sent only under her login), a form token, and her
    centres and branches, which the phone keeps encrypted under her PIN."""
    visit_form = VisitForm(user=request.user, auto_id="visit_%s")
    session_form = SessionForm(user=request.user, auto_id="session_%s")
    # A referral's branches are the session's (the branches she records work in), read once.
    forms_by_prefix = {"visit": visit_form, "session": session_form, "referral": session_form}
    choices = {}
    for prefix, name in WORKER_FIELDS:
        form = forms_by_prefix[prefix]
        bound = form[name]
        options = [[str(value), str(label)] for value, label in form.fields[name].choices]
        value = bound.value()
        choices[f"{prefix}_{name}"] = {"options": options, "value": "" if value is None else str(value)}
    return JsonResponse({"user": request.user.pk, "csrf": get_token(request), "choices": choices})


def _answer(state, status=200, **extra):
    return JsonResponse({"state": state, **extra}, status=status)


def _fields(entry):
    fields = entry.get("fields")
    if not isinstance(fields, list) or len(fields) > 500:
        raise sealing.Unreadable("no fields")
    if not all(isinstance(f, list) and len(f) == 2 and all(isinstance(x, str) for x in f) for f in fields):
        raise sealing.Unreadable("no fields")
    return fields


def _as_members_visit(user, fields):
    """A visit kept offline by a code is the visit of the member holding that code in the
    centre's branch, if the worker may record her visits (the one access rule): the fields of
    the member's own visit form instead of the walk-in's. Returns (fields, linked to a member,
    kept as a walk-in whose code matched no member).

    The phone cannot know the members; only the server, at sending, can tell a member's code
    from a non-member's. Two members with one code, or none, leave the visit a walk-in's."""
    given = dict(fields)
    code = normalise_uic(given.get("walk_in_uic", ""))
    centre = given.get("drop_in_centre", "")
    if not given.get("walk_in") or not is_valid_uic(code) or not (centre.isascii() and centre.isdigit()):
        return fields, False, False
    members = list(
        Member.objects.writable_by(user)
        .active()
        .filter(uic=code, branch__drop_in_centres__pk=int(centre))
        .values_list("pk", flat=True)[:2]
    )
    if len(members) != 1:
        return fields, False, True
    kept = [(name, value) for name, value in fields if name not in ("walk_in", "walk_in_uic")]
    return kept + [("member", str(members[0]))], True, False


@transaction.non_atomic_requests  # the visit form keeps its own transaction; the session's is below
@require_POST
def send(request):
    """One sealed entry from a phone: opened, then checked and saved by the visit or outreach
    form as a post of the logged-in worker, if she is the one who kept it.

    Answers (JSON ``state``): ``saved``; ``refused`` with the entry's fields and the form page
    saying why, so the owner can fix it on the phone (it stays sealed there meanwhile);
    ``other`` (kept by another worker: it waits for her); ``login``; ``forbidden``;
    ``not_found``; ``unreadable`` (not sealed to this server's key); ``later`` (try again).
    """
    if not request.user.is_authenticated:
        return _answer("login", 401)
    try:
        body = json.loads(request.body)
        entry = sealing.open_entry(body.get("sealed") if isinstance(body, dict) else None)
        kind = entry.get("kind")
        fields = _fields(entry)
    except (ValueError, sealing.Unreadable):
        return _answer("unreadable", 400)
    if entry.get("worker") != request.user.pk:
        return _answer("other", 409)
    if kind not in ("visit", "session", "referral"):
        return _answer("unreadable", 400)
    # What the phone shows of the answer (in memory only): the kind and day; and, unless saved,
    # the fields, for the owner to fix the entry.
    about = {"kind": kind, "day": dict(fields).get(DAY_FIELD[kind], "")}
    sent = fields  # what the phone kept, given back as it was if refused
    linked = walk_in = False
    if kind == "visit":
        fields, linked, walk_in = _as_members_visit(request.user, fields)
    post = QueryDict(mutable=True)
    for name, value in fields:
        post.appendlist(name, value)
    post._mutable = False
    request.POST = post
    try:
        if kind == "visit":
            response = visit_new(request)
        elif kind == "referral":
            with transaction.atomic():
                response = referral_new(request)
        else:
            with transaction.atomic():  # what ATOMIC_REQUESTS gives the form's own address
                response = session_new(request)
    except PermissionDenied:
        return _answer("forbidden", 403, fields=fields, **about)
    except Http404:
        return _answer("not_found", 404, fields=fields, **about)
    if response.status_code in (301, 302):
        if response["Location"].startswith(reverse("login")):
            return _answer("login", 401)
        list(messages.get_messages(request))  # "saved" is said on the phone, not on her next page
        return _answer("saved", member=linked, walk_in=walk_in, **about)
    if response.status_code == 200:
        return _answer("refused", fields=sent, page=response.content.decode(), **about)
    if response.status_code == 503:
        return _answer("later", 503)
    if response.status_code == 403:
        return _answer("forbidden", 403, fields=fields, **about)
    return _answer("not_found", 404, fields=fields, **about)
