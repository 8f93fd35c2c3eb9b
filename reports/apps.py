from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Donor reports")

    def ready(self):
        from opsi import jobs

        from . import kept
        from .views import REPORT_FILE_JOB

        kept.connect()
        jobs.register(REPORT_FILE_JOB)
