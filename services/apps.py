from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "services"
    verbose_name = _("Drop-in centre services")

    def ready(self):
        from . import reference, today  # noqa: F401 (today adds its parts of the home page)

        reference.connect_signals()
        from . import closed_quarters

        closed_quarters.connect()
        from . import contributions

        contributions.connect()
