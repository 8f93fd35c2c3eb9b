from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Min, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opsi.audit import log_access
from opsi.scoping import get_visible_or_404, role_required
from opsi.tenant import Branch

from .forms import AlertForm, IncidentForm, ResponseForm
from .models import Incident, Status, incident_branch_ids
from .recording import close, record_incident, respond, send_alert


def _branches(user):
    """The active branches where the user may record an incident (incident_branch_ids)."""
    return Branch.objects.filter(active=True).in_branches(incident_branch_ids(user))


@login_required
@role_required("handles_incidents")
def incident_list(request):
    incidents = (
        Incident.objects.visible_to(request.user)
        .open()
        .select_related("branch")
        .annotate(
            first_help=Min("responses__at"),
            waiting=Case(When(status=Status.REPORTED, then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
        .order_by("waiting", "reported_at")[:200]
    )
    now = timezone.now()
    rows = [(i, (now - i.reported_at).days) for i in incidents]
    return render(request, "incidents/incident_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
@role_required("handles_incidents")
def incident_create(request):
    branches = _branches(request.user)
    form = IncidentForm(request.POST or None, user=request.user, branches=branches)
    if request.method == "POST" and form.is_valid():
        incident = record_incident(
            form.save(commit=False), form.cleaned_data["kinds"], request.user, form.cleaned_data["submission_key"]
        )
        messages.success(request, _("Incident recorded."))
        return redirect("incident_detail", pk=incident.pk)
    return render(request, "incidents/incident_form.html", {"form": form})


@login_required
@role_required("handles_incidents")
def incident_detail(request, pk):
    incident = get_visible_or_404(Incident.objects.select_related("branch", "member"), request.user, pk=pk)
    log_access(incident, request, "incident")
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "violations": incident.violations.all(),
            "responses": incident.responses.all(),
            "referrals": incident.referrals.all(),
            "response_form": ResponseForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@role_required("handles_incidents")
def incident_respond(request, pk):
    incident = get_visible_or_404(Incident.objects, request.user, pk=pk)
    if request.method == "GET":
        # A login after the session ended returns here with a GET: back to the incident.
        return redirect("incident_detail", pk=pk)
    if "close" in request.POST:
        close(incident, incident.branch.today())
        messages.success(request, _("Incident closed."))
        return redirect("incident_detail", pk=pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        respond(
            incident,
            form.cleaned_data["help_kind"],
            form.cleaned_data["given"],
            form.cleaned_data["note"],
            request.user,
        )
        messages.success(request, _("Response recorded."))
    else:
        messages.error(request, _("Choose the kind of help."))
    return redirect("incident_detail", pk=pk)


@login_required
@role_required("sends_alerts")
@require_http_methods(["GET", "POST"])
def alert_create(request):
    form = AlertForm(request.POST or None, branches=Branch.objects.writable_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            send_alert(form.cleaned_data["branch"], form.cleaned_data["text"], form.cleaned_data["days"], request.user)
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("Warning sent to the branch's users."))
            return redirect("home")
    return render(request, "incidents/alert_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@role_required("handles_incidents")
def incident_refer(request, pk):
    """Refer the person harmed to a health facility (medical care after violence, for example)."""
    from services.forms import ReferralForm
    from services.referrals import refer

    incident = get_visible_or_404(Incident.objects.select_related("branch", "member"), request.user, pk=pk)
    form = ReferralForm(request.POST or None, branch=incident.branch)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        referral = refer(
            branch=incident.branch,
            member=incident.member,
            uic=incident.uic,
            on=data["made_on"],
            facility_kind=data["facility_kind"],
            facility_name=data["facility_name"],
            service=data["service"],
            by=request.user,
        )
        incident.referrals.add(referral)
        messages.success(request, _("Referral saved."))
        return redirect("incident_detail", pk=pk)
    return render(request, "incidents/incident_refer.html", {"form": form, "incident": incident})
