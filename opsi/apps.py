from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opsi"
    verbose_name = _("Branches, accounts and access")

    def ready(self):
        from django.db.models.signals import post_delete
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import login_cache
        from .two_factor import device_removed

        # A change to a user or a branch, made by any process, is seen by the next request of every
        # process that keeps logins in the shared cache.
        login_cache.connect()

        # Removing a user's authenticator is a change they are told of at their next login,
        # whoever removed it and wherever (the admin's device pages included).
        for model in (TOTPDevice, StaticDevice):
            post_delete.connect(device_removed, sender=model, dispatch_uid=f"second-step-change-{model.__name__}")
