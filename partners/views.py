"""The directory's pages: the list every worker reads (kept on the phone for use without
signal), a partner's page, and the forms its keepers use."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opsi.scoping import get_visible_or_404, get_writable_or_404, may_change

from . import companion as companion_ops
from .forms import CompanionTopicForm, DirectoryFilter, LocationForm, PartnerForm, ServiceForm
from .models import CompanionEdition, Partner, PartnerLocation, PartnerService, ServiceKind, keeps_directory


def _services():
    return (
        PartnerService.objects.filter(active=True, partner__active=True)
        .select_related("partner")
        .prefetch_related(Prefetch("locations", queryset=PartnerLocation.objects.select_related("branch")))
        .order_by("kind", "name", "pk")
    )


@login_required
@require_GET
def directory(request):
    """Every active service, with the filters applied on the server for a phone without
    JavaScript and again on the phone (static/js/directory.js), where the copy kept for use
    without signal is the unfiltered page."""
    form = DirectoryFilter(request.GET or None)
    services = _services().filter(pk__in=PartnerService.objects.visible_to(request.user).values("pk"))
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            services = services.filter(kind=data["kind"])
        if data["branch"]:
            services = services.filter(locations__branch=data["branch"]).distinct()
        if data["q"]:
            words = data["q"]
            services = services.filter(
                Q(name__icontains=words)
                | Q(partner__name__icontains=words)
                | Q(locations__area__icontains=words)
                | Q(locations__name__icontains=words)
            ).distinct()
    elif form.is_bound:
        # A refused filter (its message beside the field) finds nothing rather than everything.
        services = services.none()
    return render(
        request,
        "partners/directory.html",
        {"form": form, "services": services, "keeps": keeps_directory(request.user)},
    )


@login_required
@require_GET
def partner_detail(request, pk):
    partner = get_visible_or_404(Partner.objects.select_related("branch"), request.user, pk=pk)
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "locations": partner.locations.select_related("branch"),
            "services": partner.services.prefetch_related("locations"),
            "can_change": may_change(request.user, partner),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request):
    if not keeps_directory(request.user):
        raise PermissionDenied
    form = PartnerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        partner = form.save()
        messages.success(request, _("Partner saved."))
        return redirect("partner_detail", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form, "title": _("New partner")})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk):
    partner = get_writable_or_404(Partner.objects, request.user, pk=pk)
    form = PartnerForm(request.POST or None, instance=partner, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Partner saved."))
        return redirect("partner_detail", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form, "title": partner.name, "partner": partner})


@login_required
@require_http_methods(["GET", "POST"])
def location_create(request, pk):
    partner = get_writable_or_404(Partner.objects, request.user, pk=pk)
    form = LocationForm(request.POST or None, instance=PartnerLocation(partner=partner), user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Place saved."))
        return redirect("partner_detail", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form, "title": _("New place"), "partner": partner})


@login_required
@require_http_methods(["GET", "POST"])
def location_edit(request, pk):
    location = get_writable_or_404(PartnerLocation.objects.select_related("partner"), request.user, pk=pk)
    form = LocationForm(request.POST or None, instance=location, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Place saved."))
        return redirect("partner_detail", pk=location.partner_id)
    return render(request, "partners/form.html", {"form": form, "title": location.name, "partner": location.partner})


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request, pk):
    partner = get_writable_or_404(Partner.objects, request.user, pk=pk)
    form = ServiceForm(request.POST or None, instance=PartnerService(partner=partner), partner=partner)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Service saved."))
        return redirect("partner_detail", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form, "title": _("New service"), "partner": partner})


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, pk):
    service = get_writable_or_404(PartnerService.objects.select_related("partner"), request.user, pk=pk)
    form = ServiceForm(request.POST or None, instance=service, partner=service.partner)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Service saved."))
        return redirect("partner_detail", pk=service.partner_id)
    return render(request, "partners/form.html", {"form": form, "title": service.name, "partner": service.partner})


@login_required
@require_GET
def companion(request):
    """The edition in force, read by every logged-in user and kept on the phone for use without
    signal (it names nobody). Reading it is recorded nowhere."""
    edition = companion_ops.current_edition()
    topics = []
    if edition is not None:
        for topic in edition.topics.order_by("order", "key"):
            title, text = companion_ops.in_language(topic)
            kinds = [(kind, ServiceKind(kind).label) for kind in topic.service_kinds if kind in ServiceKind.values]
            topics.append({"topic": topic, "title": title, "text": text, "kinds": kinds})
    editions = CompanionEdition.objects.order_by("-number")[:20]
    return render(
        request,
        "partners/companion.html",
        {"edition": edition, "topics": topics, "editions": editions, "edits": _edits_companion(request.user)},
    )


def _edits_companion(user):
    return user.is_admin or user.role == user.Role.SECRETARIAT


@login_required
@require_http_methods(["GET", "POST"])
def companion_edit(request):
    """A new edition in which one topic is changed or added, with what changed: the secretariat's."""
    if not _edits_companion(request.user):
        raise PermissionDenied
    edition = companion_ops.current_edition()
    initial = {}
    wanted = request.GET.get("topic")
    if edition is not None and wanted:
        topic = edition.topics.filter(key=wanted).first()
        if topic is not None:
            initial = {
                field: getattr(topic, field)
                for field in ("key", "title_id", "title_en", "body_id", "body_en", "sources", "service_kinds")
            }
    form = CompanionTopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("key")
        changes_id, changes_en = data.pop("changes_id"), data.pop("changes_en")
        new = companion_ops.publish(key=key, texts=data, changes_id=changes_id, changes_en=changes_en, by=request.user)
        messages.success(request, _("Edition %(number)s published.") % {"number": new.number})
        return redirect("companion")
    return render(request, "partners/form.html", {"form": form, "title": _("New edition of the companion")})
