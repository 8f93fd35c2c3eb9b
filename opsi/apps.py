from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opsi"
    verbose_name = _("Accounts and access")
