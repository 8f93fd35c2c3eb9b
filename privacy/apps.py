from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from . import contributions, home  # noqa: F401  (home: the late requests and open breaches)

        contributions.connect()
