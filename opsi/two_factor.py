"""Two-factor login with django-otp: a TOTP app, and one-time backup codes.

Administrators and the national secretariat must use it; everyone else may turn
it on. Until the second factor is given, a user who needs it reaches no page but
the ones to give it (or set it up), to log out and to leave.
"""

import secrets

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
OPEN_PATHS = ("two_factor_verify", "two_factor_setup", "logout", "quick_exit", "set_language", "login", "healthz",
              "healthz_ready")


def required_for(user):
    return user.is_admin or user.role == user.Role.SECRETARIAT


def needs_second_factor(request):
    """A logged-in user who must, or chose to, give a second factor and has not yet."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if required_for(user):
        return True
    # Whether the user turned it on is read once per login, not on every request.
    if "otp_enrolled" not in request.session:
        request.session["otp_enrolled"] = user_has_device(user)
    return request.session["otp_enrolled"]


class RequireSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.open_prefixes = None

    def __call__(self, request):
        if self.open_prefixes is None:
            self.open_prefixes = tuple(reverse(name) for name in OPEN_PATHS) + (settings.STATIC_URL,)
        user = getattr(request, "user", None)
        if user is not None and not request.path.startswith(self.open_prefixes) and needs_second_factor(request):
            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


def start_setup(user):
    """An unconfirmed TOTP device for the user (the one already begun, or a new one)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=False)


def confirm_setup(device, token):
    """Confirm the app with a first code; returns the new backup codes, or None if the code is wrong."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    static, _ = StaticDevice.objects.get_or_create(user=device.user, name="backup")
    static.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def match(user, token):
    """The confirmed device this code belongs to (a backup code is used up), or None."""
    token = (token or "").strip().replace(" ", "")
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None
