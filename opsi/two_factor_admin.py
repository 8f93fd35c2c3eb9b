"""The admin's pages for authenticator devices: see who has one, remove one (a lost
phone). Nobody adds or changes a device for someone else there, and no key, QR code
or backup code is shown (``OTP_ADMIN_HIDE_SENSITIVE_DATA``): a device is set up by its
owner only, on the two-step login page."""

from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


class RemoveOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuthenticatorAppAdmin(RemoveOnly, TOTPDeviceAdmin):
    pass


class BackupCodesAdmin(RemoveOnly, StaticDeviceAdmin):
    pass


for model, model_admin in ((TOTPDevice, AuthenticatorAppAdmin), (StaticDevice, BackupCodesAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
