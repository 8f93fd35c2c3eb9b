import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opsi import jobs
from opsi.audit import log_access
from opsi.scoping import get_visible_or_404, get_with_access_or_404, get_writable_or_404, role_required

from . import identity as vault
from .forms import ChangeKindForm, IdentityForm, LeaveForm, MemberFilterForm, MemberForm, RevealForm
from .exporters import MEMBER_EXPORT_JOB, MemberExport
from .models import Member, MemberIdentity, MemberKindPeriod
from .registration import change_kind, member_leaves, member_returns, register_member
from .contributions import member_page
from .timeline import MOST_SHOWN as TIMELINE_MOST_SHOWN
from .timeline import shown as timeline_shown
from .timeline import timeline

PAGE_SIZE = 25


@transaction.non_atomic_requests  # reads only, the most searched page: no BEGIN and COMMIT around it
@login_required
def member_list(request):
    form = MemberFilterForm(request.GET or None, user=request.user)
    # Never select the identity vault here: lists show alias and code only.
    members = Member.objects.visible_to(request.user).select_related("branch")
    if form.is_bound:
        members = form.filter(members)
    else:
        members = members.filter(left_on__isnull=True)
    page = Paginator(members.order_by("alias", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/member_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_register": request.user.records_work,
            "can_export": _may_export(request.user),
            "job_key": uuid.uuid4(),
        },
    )


@login_required
@role_required("records_work")
@require_http_methods(["GET", "POST"])
def member_create(request):
    form = MemberForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        member = form.save(commit=False)
        member.linked_member = form.linked_member()
        register_member(member, by=request.user)
        messages.success(request, _("Member registered."))
        return redirect("member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": None})


@login_required
def member_detail(request, pk):
    # The kind history is read once, for the page and the timeline alike.
    member, can_write = get_with_access_or_404(
        Member.objects.select_related("branch").prefetch_related(
            Prefetch("kind_periods", queryset=MemberKindPeriod.objects.order_by("started_on", "pk"))
        ),
        request.user,
        pk=pk,
    )
    log_access(member, request, "member page")
    identity = MemberIdentity.objects.visible_to(request.user).filter(member=member).first()
    masked = (
        {field: vault.mask(getattr(identity, field, ""), field) for field in vault.IDENTITY_FIELDS} if identity else {}
    )
    shown = timeline_shown(request.GET.get("entries"))
    entries, older = timeline(member, request.user, shown)
    return render(
        request,
        "members/member_detail.html",
        {
            **{name: value for part in member_page(member, request.user) for name, value in part.items()},
            "member": member,
            "periods": member.kind_periods.all(),
            "timeline": entries,
            # More on request, up to a bound: the newest fourfold, then the most a page shows.
            "older_entries": min(shown * 4, TIMELINE_MOST_SHOWN) if older and shown < TIMELINE_MOST_SHOWN else None,
            "timeline_cut": older and shown >= TIMELINE_MOST_SHOWN,
            "masked": masked,
            "can_write": can_write,
            "can_reveal": vault.may_reveal(request.user, member, may_change=can_write),
            "reveal_form": RevealForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = get_writable_or_404(Member.objects.select_related("branch"), request.user, pk=pk)
    form = MemberForm(request.POST or None, instance=member, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Member saved."))
        return redirect("member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_change_kind(request, pk):
    member = get_writable_or_404(Member.objects.select_related("branch"), request.user, pk=pk)
    return _dated_action(request, member, ChangeKindForm, "change_kind")


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request, pk):
    member = get_writable_or_404(Member.objects.select_related("branch"), request.user, pk=pk)
    if not member.is_active:
        if request.method == "POST":
            member_returns(member)
            messages.success(request, _("The member is active again."))
            return redirect("member_detail", pk=member.pk)
        return render(request, "members/member_action.html", {"form": None, "member": member, "action": "return"})
    return _dated_action(request, member, LeaveForm, "leave")


def _dated_action(request, member, form_class, action):
    form = form_class(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            if action == "change_kind":
                change_kind(member, form.cleaned_data["kind"], form.cleaned_data["on"], request.user)
                messages.success(request, _("Kind of member changed."))
            else:
                member_leaves(member, form.cleaned_data["on"])
                messages.success(request, _("The member is recorded as having left."))
            return redirect("member_detail", pk=member.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "members/member_action.html", {"form": form, "member": member, "action": action})


@login_required
@require_http_methods(["GET", "POST"])
def member_identity(request, pk):
    member = get_writable_or_404(Member.objects.select_related("branch"), request.user, pk=pk)
    if not vault.may_reveal(request.user, member):
        raise PermissionDenied
    form = IdentityForm(request.POST or None, member=member, request=request)
    if request.method == "POST" and form.is_valid():
        vault.save_identity(member, request, **form.changes())
        messages.success(request, _("Identity saved. It is stored encrypted and shown masked."))
        return redirect("member_detail", pk=member.pk)
    return render(request, "members/member_identity.html", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_reveal(request, pk):
    member = get_visible_or_404(Member.objects.select_related("branch"), request.user, pk=pk)
    if not vault.may_reveal(request.user, member):
        raise PermissionDenied
    if request.method == "GET":
        # A login after the session ended returns here with a GET: back to the member
        # page, where the field and the reason are asked again.
        return redirect("member_detail", pk=member.pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you need to see it before revealing a field."))
        return redirect("member_detail", pk=member.pk)
    field = form.cleaned_data["field"]
    value = vault.reveal(member, field, form.cleaned_data["reason"], request)
    return render(
        request,
        "members/member_reveal.html",
        {"member": member, "field_label": IdentityForm.base_fields[field].label, "value": value},
    )


def _may_export(user):
    return MemberExport.allowed(user)


@login_required
@require_http_methods(["GET", "POST"])
def member_export(request, file_format):
    """Ask for an export: the file is made on the queue, the user waits on its progress page."""
    export = MemberExport()
    if file_format not in export.formats:
        raise Http404
    if not export.allowed(request.user):
        raise PermissionDenied
    query = request.GET.copy()
    query.pop("page", None)
    if request.method == "GET":  # the list's buttons send a form: a link or a reload asks for nothing
        return redirect(reverse("member_list") + ("?" + query.urlencode() if query else ""))
    job = jobs.ask(request, MEMBER_EXPORT_JOB.name, {"format": file_format, "query": query.urlencode()})
    return redirect("job_progress", pk=job.pk)
