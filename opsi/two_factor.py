"""Two-factor login with django-otp: a TOTP app, and one-time backup codes.

Administrators and the national secretariat must use it; everyone else may turn
it on. Until the second factor is given, a user who needs it reaches no page but
the ones to give it (or set it up), to log out and to leave.

A password alone never takes over the second step: a user who has an app is never
shown a new secret, and their devices are never replaced, before this session has
given a current code and then the password again. A first app needs a password given
in this session within the last minutes. Every change is written to the audit trail
and told at the next logins (``change_notice``).
"""

import contextvars
import datetime
import secrets

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
PASSWORD_FRESH_SECONDS = 10 * 60
CHANGE_NOTICE_DAYS = 14
# Session keys: the password given at login or again, the password given again after the
# second step, and the app this session began to set up (its secret shown to it alone).
PASSWORD_AT = "password_at"
PASSWORD_AGAIN_AT = "password_again_at"
PENDING_DEVICE = "otp_pending_device"
OPEN_PATHS = (
    "two_factor_verify",
    "two_factor_setup",
    "logout",
    "quick_exit",
    "set_language",
    "login",
    "healthz",
    "healthz_ready",
)


def required_for(user):
    return user.is_admin or user.role in (user.Role.SECRETARIAT, user.Role.DATA_PROTECTION)


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


def note_password(request, again=False):
    """The password was just given in this session (at login, or ``again`` on the setup page)."""
    now = int(timezone.now().timestamp())
    request.session[PASSWORD_AT] = now
    if again:
        request.session[PASSWORD_AGAIN_AT] = now


def _recent(request, key):
    given = request.session.get(key)
    return given is not None and int(timezone.now().timestamp()) - given <= PASSWORD_FRESH_SECONDS


def setup_needs(request):
    """What this session must still give before it may see a new secret or change devices:
    ``"second_step"``, ``"password"``, or None."""
    user = request.user
    if user_has_device(user, confirmed=True):
        if not user.is_verified():
            return "second_step"
        return None if _recent(request, PASSWORD_AGAIN_AT) else "password"
    return None if _recent(request, PASSWORD_AT) else "password"


def start_setup(request):
    """The app this session began to set up, or a new one; never one begun elsewhere."""
    if setup_needs(request) is not None:
        raise PermissionDenied
    pending = request.session.get(PENDING_DEVICE)
    device = TOTPDevice.objects.filter(pk=pending, user=request.user, confirmed=False).first() if pending else None
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
        request.session[PENDING_DEVICE] = device.pk
    return device


# Set while an operation below records its own change, so the deletions it makes are
# not recorded once more by the signal receivers.
_recording = contextvars.ContextVar("recording_second_step_change", default=False)


@transaction.atomic
def confirm_setup(request, device, token):
    """Confirm the app with a first code: it replaces every other device of the user, and
    comes with new backup codes (returned); None if the code is wrong."""
    if setup_needs(request) is not None:
        raise PermissionDenied
    if not device.verify_token(token):
        return None
    user = device.user
    marker = _recording.set(True)
    try:
        device.confirmed = True
        device.save()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name="backup")
        codes = [secrets.token_hex(4) for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
        record_change(user)
    finally:
        _recording.reset(marker)
    for key in (PENDING_DEVICE, PASSWORD_AGAIN_AT):
        request.session.pop(key, None)
    return codes


def record_change(user):
    """Date the change on the user and write it to the audit trail (who and from where
    come from the request, through django-auditlog's middleware)."""
    now = timezone.now()
    before = user.second_step_changed_at
    type(user).objects.filter(pk=user.pk).update(second_step_changed_at=now)
    user.second_step_changed_at = now
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"second_step_changed_at": [str(before), str(now)]},
        additional_data={"what": "two-step login changed"},
    )


def device_removed(sender, instance, **kwargs):
    """A confirmed device removed by anyone, anywhere (the admin included), is a change."""
    if instance.confirmed and not _recording.get():
        record_change(instance.user)


def change_notice(user):
    """The warning shown at login for some days after the user's devices changed."""
    changed = user.second_step_changed_at
    if changed is None or timezone.now() - changed > datetime.timedelta(days=CHANGE_NOTICE_DAYS):
        return None
    when = formats.date_format(timezone.localtime(changed), "DATETIME_FORMAT")
    return _("Two-step login was changed on %(when)s. If it was not you, tell an administrator at once.") % {
        "when": when
    }


def match(user, token):
    """The confirmed device this code belongs to (a backup code is used up), or None."""
    token = (token or "").strip().replace(" ", "")
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None
