"""Referrals to a partner's service: made by a worker, closed by the partner through a
one-time link that needs no account (``services/partner_referrals.py``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from opsi.audit import client_address, log_access
from opsi.scoping import get_visible_or_404, get_writable_or_404, may_change, role_required

from . import partner_referrals
from .models import Referral
from .referral_forms import ConfirmForm, PartnerReferralForm


@login_required
@role_required("records_work")
@require_http_methods(["GET", "POST"])
def referral_new(request):
    """Refer a person, by code, to a service of the directory (``?service=`` chosen from it)."""
    initial = {"service": request.GET.get("service", "")}
    form = PartnerReferralForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral, _created = partner_referrals.refer_to_partner(
                branch=data["branch"],
                uic=data["uic"],
                service=data["service"],
                on=data["made_on"],
                by=request.user,
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Referral saved."))
            return redirect("referral_detail", pk=referral.pk)
    return render(request, "services/referral_new.html", {"form": form})


@login_required
def referral_detail(request, pk):
    referral = get_visible_or_404(
        Referral.objects.select_related("branch", "partner_service__partner"), request.user, pk=pk
    )
    if request.method not in ("GET", "HEAD"):  # after the access rule: another branch's is a 404 whatever the method
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(
        request,
        "services/referral_detail.html",
        {"referral": referral, "can_change": may_change(request.user, referral)},
    )


@never_cache
@login_required
@require_POST
def referral_link(request, pk):
    """A new link for the partner, shown on this page once: only its hash is kept."""
    referral = get_writable_or_404(
        Referral.objects.select_related("branch", "partner_service__partner"), request.user, pk=pk
    )
    try:
        token = partner_referrals.make_link(referral, request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("referral_detail", pk=referral.pk)
    link = request.build_absolute_uri(reverse("partner_confirm", args=[token]))
    return render(
        request,
        "services/referral_detail.html",
        {"referral": referral, "can_change": True, "link": link},
    )


def _private(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def partner_confirm(request, token):
    """The partner's page: that referral's code, service and date, and the answer. Anything
    else (a wrong, used or expired token) is the same 404; too many tries from one address
    are refused for a while. Each opening and each answer is in the audit trail."""
    if partner_referrals.too_many_tries(client_address(request) or "unknown"):
        return _private(HttpResponse(_("Too many tries: wait a quarter of an hour."), status=429))
    link = partner_referrals.live_link(token)
    if link is None:
        return _private(render(request, "services/partner_link_dead.html", status=404))
    referral = link.referral
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        closed = partner_referrals.confirm(token, came=form.cleaned_data["came"], result=form.cleaned_data["result"])
        if closed is None:
            return _private(render(request, "services/partner_link_dead.html", status=404))
        log_access(closed, request, "partner answer", link=link.pk)
        return _private(render(request, "services/partner_link_done.html"))
    log_access(referral, request, "partner link opened", link=link.pk)
    return _private(render(request, "services/partner_confirm.html", {"referral": referral, "form": form}))
