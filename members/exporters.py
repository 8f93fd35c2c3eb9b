"""Exports of members: one class per export, with the roles allowed to run it.

Exports never carry legal names, NIK or phone numbers: the resource below has no
field for them, and it reads the member table only.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from opsi.audit import log_access
from opsi.exports import write_dataset

from .models import Member


class MemberExportResource(resources.ModelResource):
    branch = fields.Field(attribute="branch__name", column_name="branch")
    kind = fields.Field(attribute="get_kind_display", column_name="kind")
    gender = fields.Field(attribute="get_gender_display", column_name="gender")
    work_setting = fields.Field(attribute="get_work_setting_display", column_name="work_setting")

    class Meta:
        model = Member
        fields = [
            "uic",
            "alias",
            "kind",
            "gender",
            "birth_year",
            "work_setting",
            "branch",
            "joined_on",
            "left_on",
            "peer_educator",
        ]
        export_order = fields


class MemberExport:
    identifier = "members"
    verbose_name = _("Members (code, alias, kind, gender, branch, dates)")
    formats = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

    @staticmethod
    def allowed(user):
        return user.is_admin or user.role in (user.Role.SECRETARIAT, user.Role.COORDINATOR)

    def write(self, queryset, file_format):
        """Return (bytes, row count) of the queryset in ``csv`` or ``xlsx``.

        Excel keeps dates, years and yes/no as such; text is escaped by ``write_dataset``.
        """
        dataset = MemberExportResource().export(
            queryset.select_related("branch").order_by("branch__name", "alias"),
            force_native_type=file_format == "xlsx",
        )
        return write_dataset(dataset, file_format, title=str(_("Members"))), len(dataset)

    def filename(self, file_format):
        return f"members-{timezone.localdate().isoformat()}.{file_format}"

    def audit(self, request, scope, rows, file_format):
        log_access(
            request.user,
            request,
            "export members",
            format=file_format,
            rows=rows,
            scope=scope,
        )
