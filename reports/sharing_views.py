"""Data-sharing agreements: recorded and revoked by the secretariat; the partner's contact
downloads the agreed figures through the agreement's link, with no account."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from opsi.audit import client_address
from opsi.dates import DateField
from opsi.forms import CleanTextMixin
from partners.models import AgreementScope, DataSharingAgreement, Partner
from services.partner_referrals import too_many_tries

from . import sharing
from .definitions import DEFINITIONS


def _keeps_agreements(user):
    return user.is_admin or user.role == user.Role.SECRETARIAT


class AgreementForm(CleanTextMixin, forms.ModelForm):
    definition = forms.ChoiceField(label=gettext_lazy("Report"))
    key_figures = forms.MultipleChoiceField(
        label=gettext_lazy("Key figures"), widget=forms.CheckboxSelectMultiple, required=False
    )
    sections = forms.MultipleChoiceField(
        label=gettext_lazy("Sections"), widget=forms.CheckboxSelectMultiple, required=False
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Breakdowns"), widget=forms.CheckboxSelectMultiple, choices=AgreementScope.choices
    )

    class Meta:
        model = DataSharingAgreement
        fields = [
            "partner",
            "purpose",
            "definition",
            "key_figures",
            "sections",
            "scopes",
            "period_start",
            "period_end",
            "expires_on",
            "signed_by",
            "signed_on",
            "contact_name",
        ]
        field_classes = {"period_start": DateField, "period_end": DateField, "signed_on": DateField}
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(active=True).order_by("name")
        self.fields["definition"].choices = [(d.key, d.title) for d in DEFINITIONS.values()]
        figures, sections = sharing.definition_choices()
        self.fields["key_figures"].choices = figures
        self.fields["sections"].choices = sections

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key_figures") and not cleaned.get("sections"):
            raise ValidationError(_("Choose at least one key figure or section."))
        return sharing.check_dates(cleaned)


@login_required
@require_http_methods(["GET"])
def agreement_list(request):
    if not _keeps_agreements(request.user):
        raise PermissionDenied
    agreements = DataSharingAgreement.objects.select_related("partner").order_by("-signed_on", "-pk")
    return render(request, "reports/agreement_list.html", {"agreements": agreements, "today": timezone.localdate()})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request):
    if not _keeps_agreements(request.user):
        raise PermissionDenied
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, token_hash = sharing.new_token()
        agreement = form.save(commit=False)
        agreement.token_hash, agreement.made_by = token_hash, request.user
        agreement.save()
        link = request.build_absolute_uri(reverse("shared_figures", args=[token]))
        return render(request, "reports/agreement_detail.html", _detail(agreement, link=link))
    return render(request, "reports/agreement_form.html", {"form": form})


def _detail(agreement, **extra):
    return {
        "agreement": agreement,
        "releases": agreement.releases.all()[:100],
        "today": timezone.localdate(),
        **extra,
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agreement_detail(request, pk):
    if not _keeps_agreements(request.user):
        raise PermissionDenied
    agreement = get_object_or_404(DataSharingAgreement.objects.select_related("partner"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke" and agreement.revoked_at is None:
            sharing.revoke(agreement, request.user)
            messages.success(request, _("Agreement revoked: its link releases nothing more."))
            return redirect("agreement_detail", pk=agreement.pk)
        if action == "link" and agreement.revoked_at is None:
            token, agreement.token_hash = sharing.new_token()
            with transaction.atomic():
                agreement.save(update_fields=["token_hash"])
            link = request.build_absolute_uri(reverse("shared_figures", args=[token]))
            return render(request, "reports/agreement_detail.html", _detail(agreement, link=link))
    return render(request, "reports/agreement_detail.html", _detail(agreement))


def _private(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET"])
def shared_figures(request, token):
    """The partner contact's page: the agreement's periods and breakdowns; with both chosen,
    the CSV of the agreed figures. A wrong, expired or revoked link is the same 404."""
    if too_many_tries(client_address(request) or "unknown"):
        return _private(HttpResponse(_("Too many tries: wait a quarter of an hour."), status=429))
    agreement = sharing.live_agreement(token)
    if agreement is None:
        return _private(render(request, "reports/shared_dead.html", status=404))
    today = timezone.localdate()
    period_choices = sharing.choices_of_period(agreement, today)
    scope_choices = sharing.choices_of_scope(agreement)
    error = ""
    if "period" in request.GET:
        try:
            name, content = sharing.release(
                agreement, request.GET.get("period", ""), request.GET.get("scope", ""), request
            )
        except ValidationError as refused:
            error = refused.messages[0]
        else:
            response = HttpResponse(content, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return _private(response)
    return _private(
        render(
            request,
            "reports/shared_figures.html",
            {
                "agreement": agreement,
                "period_choices": period_choices,
                "scope_choices": scope_choices,
                "error": error,
            },
        )
    )
