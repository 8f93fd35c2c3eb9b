from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from opsi import jobs
        from opsi.contributions import demo_data

        from . import demo, today  # noqa: F401 (today adds its part of the home page)
        from .exporters import MEMBER_EXPORT_JOB

        jobs.register(MEMBER_EXPORT_JOB)

        demo_data.add(demo.seed)  # first: the others' demo records are of these members
