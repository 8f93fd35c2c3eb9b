"""Pages of members' requests, consent, breaches and the processing register.

Requests: the coordinators of the branch record and handle them; the data protection officer
sees and handles every branch's, without the member's alias nor her records (the code, the
branch, the kind, the dates). The copy of her records is produced by a coordinator of her
branch, for her, to hand over in person. Breaches and the register: the officer's (and
administrators')."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.consent import consents_of, give_consent, withdraw_consent
from members.models import Member
from opsi.audit import log_access
from opsi.scoping import get_visible_or_404, get_writable_or_404

from . import access_copy, breaches, register
from .forms import BreachForm, CloseRequestForm, ConsentForm, CopyForm, NotifiedForm, RequestForm
from .models import Breach, MemberRequest, RequestKind, RequestStatus
from .requests import close_request, note_copy_made, record_request

LISTED = 200


def _allowed(test):
    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator


def _handles_requests(user):
    return user.protects_data or user.is_admin or user.role == user.Role.COORDINATOR


def _records_requests(user):
    """At a centre, in person: the branch's coordinators."""
    return user.role == user.Role.COORDINATOR


def _keeps_register(user):
    return user.protects_data or user.is_admin


@login_required
@_allowed(_handles_requests)
def request_list(request):
    state = request.GET.get("state", "open")
    rows = MemberRequest.objects.visible_to(request.user).select_related("branch", "member")
    if state == "open":
        rows = rows.open()
    elif state == "late":
        rows = rows.late()
    return render(
        request,
        "privacy/request_list.html",
        {"rows": list(rows.order_by("status", "due_at", "pk")[:LISTED]), "state": state, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
@_allowed(_records_requests)
def request_create(request):
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = record_request(form.save(commit=False), request.user, form.cleaned_data["submission_key"])
        messages.success(request, _("Request recorded. It is due by %(due)s.") % {"due": _when(saved.due_at)})
        return redirect("request_detail", pk=saved.pk)
    return render(request, "privacy/request_form.html", {"form": form})


def _when(moment):
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, pk):
    member_request = get_visible_or_404(
        MemberRequest.objects.select_related("branch", "drop_in_centre", "member", "handled_by", "recorded_by"),
        request.user,
        pk=pk,
    )
    form = CloseRequestForm(request.POST or None)
    if request.method == "POST":
        if member_request.status != RequestStatus.OPEN:
            messages.info(request, _("This request was already closed."))
            return redirect("request_detail", pk=pk)
        if form.is_valid():
            close_request(member_request, form.cleaned_data["status"], form.cleaned_data["outcome"], request.user)
            messages.success(request, _("Request closed."))
            return redirect("request_detail", pk=pk)
    log_access(member_request, request, "request")
    return render(
        request,
        "privacy/request_detail.html",
        {
            "r": member_request,
            "form": form,
            "copy_form": CopyForm(),
            "may_make_copy": _may_make_copy(request.user, member_request),
            "shows_member": not request.user.protects_data,
            "now": timezone.now(),
        },
    )


def _may_make_copy(user, member_request):
    """The copy is made where it is handed over: by a coordinator of her branch, for an access request."""
    return (
        member_request.kind == RequestKind.ACCESS
        and _records_requests(user)
        and Member.objects.writable_by(user).filter(pk=member_request.member_id).exists()
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_copy_view(request, pk, file_format="html"):
    member_request = get_visible_or_404(
        MemberRequest.objects.select_related("member", "member__branch"), request.user, pk=pk
    )
    if not _may_make_copy(request.user, member_request):
        raise PermissionDenied
    form = CopyForm(request.POST or request.GET or None)
    with_incidents = form.is_valid() and form.cleaned_data["with_incidents"]
    copy = access_copy.build(member_request.member, request.user, with_incidents=with_incidents)
    language = "en" if member_request.language == "en" else "id"
    context = {"copy": copy, "member_request": member_request, "made_at": timezone.now()}
    with translation.override(language):
        if file_format == "pdf":
            from weasyprint import HTML

            html = render_to_string("privacy/access_copy_print.html", context)
            pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
            note_copy_made(member_request, request, "pdf")
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="copy-{member_request.pk}.pdf"'
            response["Cache-Control"] = "no-store"
            return response
        response = render(request, "privacy/access_copy.html", {**context, "with_incidents": with_incidents})
    note_copy_made(member_request, request, "page")
    response["Cache-Control"] = "no-store"
    return response


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"the copy fetches nothing: {url}")


@login_required
@require_http_methods(["GET", "POST"])
def member_consent(request, pk):
    """Her consents by purpose; a coordinator of her branch records a change, in person."""
    member = get_writable_or_404(Member.objects.select_related("branch"), request.user, pk=pk)
    if not _records_requests(request.user) and not request.user.is_admin:
        raise PermissionDenied
    form = ConsentForm(request.POST or None, initial={"on": member.branch.today()}, branch=member.branch)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = give_consent if data["action"] == "give" else withdraw_consent
        change(member, data["purpose"], data["on"], request.user, partner=data["partner"])
        messages.success(request, _("Consent recorded."))
        return redirect("member_consent", pk=member.pk)
    return render(
        request, "privacy/member_consent.html", {"member": member, "consents": consents_of(member), "form": form}
    )


@login_required
@_allowed(_keeps_register)
def breach_list(request):
    rows = list(Breach.objects.visible_to(request.user).prefetch_related("branches")[:LISTED])
    return render(request, "privacy/breach_list.html", {"rows": rows, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
@_allowed(_keeps_register)
def breach_create(request):
    form = BreachForm(request.POST or None, initial={"found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        breach = breaches.open_breach(
            form.save(commit=False),
            form.cleaned_data["branches"],
            form.cleaned_data["member_codes"],
            request.user,
            form.cleaned_data["submission_key"],
        )
        messages.success(request, _("Breach opened. The notices are due within 3 x 24 hours."))
        return redirect("breach_detail", pk=breach.pk)
    return render(request, "privacy/breach_form.html", {"form": form})


def _breach(request, pk):
    try:
        return Breach.objects.visible_to(request.user).get(pk=pk)
    except Breach.DoesNotExist:
        raise Http404 from None


@login_required
def breach_detail(request, pk):
    breach = _breach(request, pk)
    left = breach.time_left()
    seconds = int(left.total_seconds())
    return render(
        request,
        "privacy/breach_detail.html",
        {
            "breach": breach,
            "branches": list(breach.branches.order_by("name")),
            "people": breach.members.count(),
            "notices": breaches.notices(breach),
            "late": seconds < 0,
            "hours_left": abs(seconds) // 3600,
            "minutes_left": abs(seconds) % 3600 // 60,
        },
    )


@login_required
@require_POST
def breach_notified(request, pk):
    breach = _breach(request, pk)
    form = NotifiedForm(request.POST)
    if form.is_valid():
        breaches.note_notified(breach, form.cleaned_data["whom"])
        messages.success(request, _("Noted as sent."))
    return redirect("breach_detail", pk=breach.pk)


@login_required
def breach_trail(request, pk):
    breach = _breach(request, pk)
    log_access(breach, request, "breach trail")
    return render(request, "privacy/breach_trail.html", {"breach": breach, "reads": breaches.reads_of_records(breach)})


@login_required
@_allowed(_keeps_register)
def processing_register(request):
    return render(request, "privacy/register.html", {"entries": register.entries()})
