"""Exports of members: one class per export, with the roles allowed to run it.

Exports never carry legal names, NIK or phone numbers: the resource below has no
field for them, and it reads the member table only.

At national scale an export takes seconds to minutes: it is made on the queue
(``opsi.jobs``, registered as ``MEMBER_EXPORT_JOB``), read in slices so its progress
shows and no transaction holds the database meanwhile.
"""

import tablib
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from opsi import jobs
from opsi.exports import write_dataset
from opsi.tenant import Branch

from .models import Member

# Members read per query while an export is made (well under SQLite's limit of bound values).
SLICE = 2000


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

    def write(self, queryset, file_format, progress=None):
        """Return (bytes, row count) of the queryset in ``csv`` or ``xlsx``.

        Excel keeps dates, years and yes/no as such; text is escaped by ``write_dataset``.
        ``progress(percent)``, if given, hears how far the reading is (writing is the last 20%).
        """
        order = ("branch__name", "alias", "pk")
        ids = list(queryset.order_by(*order).values_list("pk", flat=True))
        resource = MemberExportResource()
        dataset = tablib.Dataset()
        for start in range(0, len(ids), SLICE):
            part = resource.export(
                queryset.filter(pk__in=ids[start : start + SLICE]).select_related("branch").order_by(*order),
                force_native_type=file_format == "xlsx",
            )
            if not dataset.headers:
                dataset.headers = part.headers
            dataset.extend(part)
            if progress:
                progress(80 * (start + SLICE) / len(ids))
        if not dataset.headers:
            dataset = resource.export(queryset.none())
        return write_dataset(dataset, file_format, title=str(_("Members"))), len(dataset)

    def filename(self, file_format):
        return f"members-{timezone.localdate().isoformat()}.{file_format}"


def _exported_members(user, query):
    from .forms import MemberFilterForm

    form = MemberFilterForm(query or None, user=user)
    members = Member.objects.visible_to(user)
    if not form.is_bound:
        return members.filter(left_on__isnull=True)
    return form.filter(members)  # a tampered filter is an empty export, never a wider one


def make_member_export(job, progress):
    user, file_format = job.requested_by, job.params["format"]
    query = QueryDict(job.params["query"])
    members = _exported_members(user, query)
    branches = Branch.objects.visible_to(user).filter(pk__in=members.values("branch")).order_by("name")
    branch_ids, scope = [b.pk for b in branches], ", ".join(b.name for b in branches)
    export = MemberExport()
    content, rows = export.write(members, file_format, progress)
    return jobs.JobFile(
        content,
        export.filename(file_format),
        export.formats[file_format],
        {"format": file_format, "rows": rows, "scope": scope, "branches": branch_ids},
    )


def may_fetch_member_export(user, job):
    """The user may still export members and still sees every branch the file holds."""
    if not MemberExport.allowed(user):
        return False
    held = set(job.details.get("branches", []))
    return held <= set(Branch.objects.visible_to(user).filter(pk__in=held).values_list("pk", flat=True))


MEMBER_EXPORT_JOB = jobs.JobKind(
    name="member_export",
    make=make_member_export,
    may_fetch=may_fetch_member_export,
    audit="export members",
    label=_("Export of members"),
    back=lambda job: reverse("member_list") + ("?" + job.params["query"] if job.params["query"] else ""),
)
