import base64

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from .audit import log_access
from .forms import CleanTextMixin
from .two_factor import confirm_setup, match, start_setup


class TokenForm(CleanTextMixin, forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The 6-digit code from your authenticator app, or a backup code."),
    )


def _next(request):
    target = request.GET.get("next") or request.POST.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()) else "/"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("This code is not right, or was already used."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    device = start_setup(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = confirm_setup(device, form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            log_access(request.user, request, "two-factor turned on")
            return render(request, "registration/two_factor_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", _("This code is not right. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {"form": form, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
         "config_url": device.config_url, "next": _next(request)},
    )
