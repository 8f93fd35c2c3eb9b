from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Members and branches")

    def ready(self):
        from . import today  # noqa: F401 (adds its part of the home page)
