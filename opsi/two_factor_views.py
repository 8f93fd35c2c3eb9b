import base64

from django import forms
from django.contrib import messages
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from .audit import log_access
from .forms import CleanTextMixin
from . import lockout
from .two_factor import change_notice, confirm_setup, match, note_password, required_for, setup_needs, start_setup


class TokenForm(CleanTextMixin, forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The 6-digit code from your authenticator app, or a backup code."),
    )


class PasswordAgainForm(CleanTextMixin, forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LoginView(auth_views.LoginView):
    """The password step; the second one follows (``RequireSecondFactorMiddleware``)."""

    redirect_authenticated_user = True
    # A form is read and sent; anything else (PUT, DELETE, PATCH) is refused with 405.
    http_method_names = ["get", "post", "head", "options"]

    def form_valid(self, form):
        response = super().form_valid(form)
        note_password(self.request)
        user = form.get_user()
        if not required_for(user):
            # Read once per login (needs_second_factor): here, so the next page need not.
            self.request.session["otp_enrolled"] = enrolled = user_has_device(user)
            if not enrolled:
                lockout.completed_login(self.request, response, user)
        # Told at every login for some days, so a change the owner did not make is seen
        # even when whoever made it has logged in again since.
        with translation.override(user.language):
            notice = change_notice(user)
        if notice:
            messages.warning(self.request, notice)
        return response

    def form_invalid(self, form):
        # A form refused before the password was checked (a username too long, a NUL byte) is a
        # failure all the same: nobody gets unlimited tries by sending odd fields.
        request = self.request
        if settings.AXES_ENABLED and form.errors and "__all__" not in form.errors and request.POST.get("username"):
            credentials = {settings.AXES_USERNAME_FORM_FIELD: request.POST["username"]}
            if AxesProxyHandler.is_allowed(request, credentials):
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            else:
                request.axes_locked_out = True  # refused, and not counted again (AxesMiddleware answers)
        return super().form_invalid(form)


def _next(request):
    target = request.GET.get("next") or request.POST.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()) else "/"


def _with_next(request, url):
    if "next" in request.GET or "next" in request.POST:
        return f"{url}?{urlencode({'next': _next(request)})}"
    return url


def _second_step_given(request, device):
    otp_login(request, device)
    # A session id seen before the second step (on a shared phone, in a proxy's log) is
    # worth a password only; the verified session gets a new one.
    request.session.cycle_key()


def _code_refused(request):
    """A wrong code counts as a failed login of the user from this address (opsi/lockout.py):
    the device itself is never frozen, so the owner elsewhere is not kept out by it."""
    log_access(request.user, request, "two-step code refused")
    user_login_failed.send(sender=__name__, credentials={"username": request.user.get_username()}, request=request)
    return getattr(request, "axes_locked_out", False)


def _locked_out(request):
    """This address (or this username from it) is locked: the half-done login ends here."""
    logout(request)
    return lockout.lockout_page(request)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    credentials = {settings.AXES_USERNAME_FORM_FIELD: request.user.get_username()}
    if request.method == "POST" and settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials):
        return _locked_out(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match(request.user, form.cleaned_data["token"])
        if device is not None:
            _second_step_given(request, device)
            response = redirect(_next(request))
            lockout.completed_login(request, response, request.user)
            return response
        if _code_refused(request):
            return _locked_out(request)
        form.add_error("token", _("This code is not right, or was already used."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    needs = setup_needs(request)
    if needs == "second_step":
        # A password alone never reaches a new secret: the current code comes first.
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': reverse('two_factor_setup')})}")
    if needs == "password":
        return _password_again(request)
    device = start_setup(request)
    replacing = request.user.is_verified()
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = confirm_setup(request, device, form.cleaned_data["token"])
        if codes is not None:
            _second_step_given(request, device)
            page = render(request, "registration/two_factor_codes.html", {"codes": codes, "next": _next(request)})
            lockout.completed_login(request, page, request.user)
            return page
        log_access(request.user, request, "two-step code refused")
        form.add_error("token", _("This code is not right. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "config_url": device.config_url,
            "next": _next(request),
            "replacing": replacing,
        },
    )


def _password_again(request):
    """The password once more before a secret is shown (axes counts the wrong ones)."""
    form = PasswordAgainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
        if user is not None and user.pk == request.user.pk:
            note_password(request, again=request.user.is_verified())
            return redirect(_with_next(request, reverse("two_factor_setup")))
        form.add_error("password", _("This password is not right."))
    return render(request, "registration/two_factor_password.html", {"form": form, "next": _next(request)})
