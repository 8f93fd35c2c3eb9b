import logging
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import InternalError, OperationalError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.models import Member
from opsi.audit import log_access
from opsi.csrf import keeps_form_across_login, refills_after_csrf_failure
from opsi.scoping import get_visible_or_404, get_with_access_or_404, get_writable_or_404, role_required
from opsi.tenant import DropInCentre

from . import paperwork, referrals, stock
from .forms import (
    ArtForm,
    CareFields,
    CaseForm,
    OutcomeForm,
    ReceiveStockForm,
    ReferralForm,
    StepForm,
    VisitFilterForm,
    VisitForm,
)
from . import care
from .care import Care
from .models import HealthCare, HivResult, HivResultKind, PaperworkCase, Referral, StockMovement, Visit, VisitService
from .visits import log_visit
from .worklists import CaseFilter, ReferralFilter

PAGE_SIZE = 25
logger = logging.getLogger(__name__)


def _care_not_kept_across_login(view):
    """A visit sent after the login ended is kept in the browser's anonymous session until the
    next login (``keeps_form_across_login``), which may be another worker's: the HIV and STI care
    is left out of what is kept, so nobody but the branch's coordinators reads a result. The form
    comes back without it, saying so."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            dropped = [name for name in CareFields.CARE_FIELDS if request.POST.get(name)]
            if dropped:
                request.POST = request.POST.copy()
                for name in dropped:
                    del request.POST[name]
                request.POST["care_dropped"] = "1"
        return view(request, *args, **kwargs)

    return wrapper


@refills_after_csrf_failure  # sent without its CSRF cookie: back filled, nothing saved (opsi/csrf.py)
@transaction.non_atomic_requests  # the most opened page: no BEGIN and COMMIT to show the form
@_care_not_kept_across_login
@keeps_form_across_login  # sent after the login ended: back filled after the login, nothing saved
@login_required
@role_required("records_work")
@require_http_methods(["GET", "POST"])
def visit_new(request):
    """Find the person, tick the services, save: made for a phone at the centre."""
    if request.method == "POST":
        try:
            with transaction.atomic():  # what ATOMIC_REQUESTS gives every other view
                return _visit_new(request)
        except (InternalError, OperationalError) as error:
            # The database refuses writes (read-only, disk full, a deadlock) and rolled the visit
            # back: the form comes back filled with a message. Were it unreadable too, the "try
            # again" page (opsi/unavailable.py) keeps the entries instead. The status says "not
            # saved, try later", so the phone's offline queue keeps the entry to send again
            # rather than showing it as refused.
            logger.warning("visit not saved, the database refused the write: %s", error)
            request.session.modified = False  # a session write would fail the same way
            response = _visit_new(request, writes_refused=True)
            response.status_code = 503
            response["Retry-After"] = "5"
            return response
    return _visit_new(request)


def _visit_new(request, writes_refused=False):
    member = None
    member_id = request.GET.get("member") or request.POST.get("member")
    if member_id:
        if not member_id.isascii() or not member_id.isdigit() or len(member_id) > 18:
            raise Http404  # not a record number ("abc", "3\x00", beyond the column's range)
        member = get_writable_or_404(  # what the form and the visit need of the member, no more
            Member.objects.only("alias", "uic", "branch_id", "joined_on"),
            request.user,
            pk=int(member_id),
        )
    # A NUL byte cannot be compared with a text column on PostgreSQL: it is no part of a name.
    query = request.GET.get("q", "").replace("\x00", "").strip()
    found = []
    if query and member is None:
        found = list(
            Member.objects.writable_by(request.user)
            .active()
            .search(query)
            .select_related("branch")
            .order_by("alias")[:10]
        )
    if request.GET.get("partial"):
        return render(request, "services/_member_results.html", {"found": found, "query": query})
    walk_in = request.GET.get("walk_in") or request.POST.get("walk_in")
    form = None
    if member is not None or walk_in:
        form = VisitForm(request.POST or None, user=request.user, member=member)
        if getattr(request, "csrf_failed", False):
            # Checked as always, never saved: the person presses Save again, with a fresh token.
            form.is_valid()
            if request.POST.get("care_dropped"):
                form.add_error(None, _("The HIV test, STI treatment and PrEP were not kept: give them again."))
            form.add_error(
                None,
                _(
                    "Nothing was saved: the page was open for a long time, or the browser was closed "
                    "and opened again. What you entered is below; check it and press Save again."
                ),
            )
        elif writes_refused and form.is_valid():
            form.add_error(
                None,
                _(
                    "Nothing was saved: the database is not accepting changes right now. What you entered "
                    "is below; press Save again in a moment."
                ),
            )
        elif request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                visit, created = log_visit(
                    centre=data["drop_in_centre"],
                    member=member,
                    uic=data.get("walk_in_uic", ""),
                    on=data["visited_on"],
                    services=data["chosen"],
                    by=request.user,
                    submission_key=data["submission_key"],
                    care=data["care"],
                )
            except stock.NotInStock as error:
                form.refuse_stock(error)
            else:
                if created:
                    messages.success(request, _("Visit saved."))
                else:
                    messages.info(request, _("This visit was already saved."))
                return redirect("visit_detail", pk=visit.pk)
    return render(
        request,
        "services/visit_new.html",
        {"member": member, "query": query, "found": found, "form": form, "walk_in": walk_in},
    )


def _visits(user):
    return (
        Visit.objects.visible_to(user)
        .select_related("drop_in_centre__branch", "member")
        .prefetch_related(Prefetch("service_lines", queryset=VisitService.objects.select_related("service_type")))
    )


@login_required
def visit_detail(request, pk):
    visit, can_write = get_with_access_or_404(_visits(request.user), request.user, pk=pk)
    given = HealthCare.objects.visible_to(request.user).filter(visit=visit).first()
    result = _hiv_result(request, given)
    return render(
        request,
        "services/visit_detail.html",
        {
            "visit": visit,
            "referrals": visit.referrals.select_related("health"),
            "can_write": can_write,
            "care": given,
            "result": result,
            "art_form": ArtForm(branch=visit.drop_in_centre.branch) if _art_to_record(result) else None,
        },
    )


def _art_to_record(result):
    return result is not None and result.result == HivResultKind.REACTIVE and result.art_started_on is None


@login_required
@require_http_methods(["GET", "POST"])
def visit_art(request, pk):
    """Treatment (ART) started after the reactive result of a visit's test, learnt later: the
    branch's coordinators only (they alone read the result). A GET (a login that ended and came
    back here) leads to the visit."""
    result = get_writable_or_404(HivResult.objects.select_related("care__branch"), request.user, care__visit__pk=pk)
    if request.method == "GET":
        return redirect("visit_detail", pk=pk)
    form = ArtForm(request.POST, branch=result.care.branch)
    if _art_to_record(result) and form.is_valid():
        try:
            care.record_art_start(result, form.cleaned_data["art_started_on"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Start of treatment saved."))
    elif not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("visit_detail", pk=pk)


def _hiv_result(request, care):
    """The HIV result of ``care`` when the user may read it (``reads_hiv_results``), the read
    written to the audit trail; else None."""
    if care is None or not care.hiv_tested:
        return None
    result = HivResult.objects.visible_to(request.user).filter(care=care).first()
    if result is not None:
        log_access(result, request, "hiv_result")
    return result


@login_required
def centre_visits(request, pk):
    centre = get_visible_or_404(DropInCentre.objects.select_related("branch"), request.user, pk=pk)
    form = VisitFilterForm(request.GET or None)
    visits = _visits(request.user).filter(drop_in_centre=centre)
    if form.is_bound:
        visits = form.filter(visits).distinct()
    page = Paginator(visits.order_by("-visited_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/centre_visits.html",
        {"centre": centre, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request, pk):
    visit = get_writable_or_404(Visit.objects.select_related("drop_in_centre__branch", "member"), request.user, pk=pk)
    branch = visit.drop_in_centre.branch
    form = ReferralForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        referrals.refer(
            branch=branch,
            member=visit.member,
            uic=visit.uic,
            by=request.user,
            visit=visit,
            on=form.cleaned_data["made_on"],
            facility_kind=form.cleaned_data["facility_kind"],
            facility_name=form.cleaned_data["facility_name"],
            service=form.cleaned_data["service"],
        )
        messages.success(request, _("Referral saved."))
        return redirect("visit_detail", pk=visit.pk)
    return render(
        request,
        "services/simple_form.html",
        {"form": form, "title": _("Refer to a health facility"), "back": visit, "referred": visit},
    )


@login_required
def referral_follow_up(request):
    """Every referral the user sees, open ones first and late ones marked (``worklists``)."""
    today = timezone.localdate()
    form = ReferralFilter(request.GET or None, user=request.user)
    rows = form.rows(
        Referral.objects.visible_to(request.user).select_related("branch", "member", "visit__drop_in_centre"), today
    )
    return _work_list(request, "services/referral_follow_up.html", form, rows, today)


def _work_list(request, template, form, rows, today, related=None):
    """A page of ``rows``. With ``related`` (the relations its cards show), the page is picked by
    key first, from an index where one covers the order, and only its rows are read with those
    relations: the database then sorts keys, not whole rows joined to others."""
    if related is None:
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = Paginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(rows.filter(pk__in=list(page.object_list)).select_related(*related))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"page": page, "today": today, "form": form, "query": query.urlencode()})


@login_required
@require_http_methods(["GET", "POST"])
def referral_outcome(request, pk):
    referral = get_writable_or_404(Referral.objects.select_related("branch", "member"), request.user, pk=pk)
    form = OutcomeForm(request.POST or None, initial={"on": referral.branch.today()})
    if request.method == "POST" and form.is_valid():
        try:
            referrals.record_outcome(
                referral,
                form.cleaned_data["outcome"],
                form.cleaned_data["on"],
                care=form.cleaned_data.get("care", Care()),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Outcome saved."))
            return redirect("referral_follow_up")
    return render(request, "services/referral_outcome.html", {"form": form, "referral": referral})


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request, pk):
    member = get_writable_or_404(Member.objects.select_related("branch"), request.user, pk=pk)
    form = CaseForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            case = paperwork.open_case(
                member,
                form.cleaned_data["document"],
                form.cleaned_data["opened_on"],
                request.user,
                barrier=form.cleaned_data["barrier"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Case opened."))
            return redirect("case_detail", pk=case.pk)
    return render(
        request, "services/simple_form.html", {"form": form, "title": _("New paperwork case"), "member": member}
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk):
    case, can_write = get_with_access_or_404(
        PaperworkCase.objects.select_related("member__branch"), request.user, pk=pk
    )
    form = StepForm(request.POST or None, case=case, initial={"on": case.member.branch.today()})
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                paperwork.advance(
                    case,
                    form.cleaned_data["step"],
                    form.cleaned_data["on"],
                    request.user,
                    barrier=form.cleaned_data["barrier"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Step saved."))
                return redirect("case_detail", pk=case.pk)
    held = paperwork.documents_held(case.member)
    return render(
        request,
        "services/case_detail.html",
        {
            "case": case,
            "steps": case.steps.select_related("helped_by"),
            "form": form,
            "can_write": can_write,
            "missing": paperwork.missing_for(case.document, held),
        },
    )


@login_required
def stuck_cases(request):
    """Every paperwork case the user sees, open ones first and stuck ones marked (``worklists``)."""
    today = timezone.localdate()
    form = CaseFilter(request.GET or None, user=request.user)
    rows = form.rows(PaperworkCase.objects.visible_to(request.user), today)
    return _work_list(request, "services/stuck_cases.html", form, rows, today, related=("member", "branch"))


@login_required
@require_http_methods(["GET", "POST"])
def centre_stock(request, pk):
    centre, can_write = get_with_access_or_404(DropInCentre.objects.select_related("branch"), request.user, pk=pk)
    form = ReceiveStockForm(request.POST or None, centre=centre)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            stock.receive(
                centre,
                form.cleaned_data["commodity"],
                form.cleaned_data["quantity"],
                form.cleaned_data["on"],
                request.user,
                source=form.cleaned_data["source"],
                submission_key=form.cleaned_data["submission_key"],
            )
            messages.success(request, _("Stock received."))
            return redirect("centre_stock", pk=pk)
    rows = stock.levels(StockMovement.objects.visible_to(request.user), [centre])[centre.pk]
    return render(
        request, "services/centre_stock.html", {"centre": centre, "rows": rows, "form": form, "can_write": can_write}
    )
