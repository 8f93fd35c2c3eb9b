from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from opsi.admin import AuditTrailAdmin
from opsi.admin_exports import SpreadsheetExportMixin
from opsi.admin_scoping import ScopedModelAdmin
from opsi.audit import log_access
from opsi.forms import CleanTextModelForm

from .erasure import forget_member
from .exporters import MemberExportResource
from .models import Member, MemberIdentity, MemberKindPeriod


class KindPeriodInline(admin.TabularInline):
    model = MemberKindPeriod
    form = CleanTextModelForm
    extra = 0
    fields = ["kind", "started_on", "ended_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(SpreadsheetExportMixin, ExportMixin, ScopedModelAdmin):
    """Members in the admin: alias and code only; the identity vault is not here.

    No import here: administrators import on the members' import page, which checks
    hostile files and keeps nothing in clear on disk (the library's admin import
    parks the upload, identities included, in a temporary file).
    """

    list_display = ["alias", "uic", "branch", "kind", "gender", "joined_on", "left_on"]
    list_filter = ["branch", "kind", "gender", "work_setting", "peer_educator"]
    search_fields = ["alias", "uic"]
    list_select_related = ["branch"]
    readonly_fields = ["uic", "kind", "linked_member", "created_by", "created_at", "updated_at"]
    exclude = []
    inlines = [KindPeriodInline]
    list_per_page = 50
    actions = ["forget"]

    @admin.action(description=_("Forget these members (erasure request)"), permissions=["delete"])
    def forget(self, request, queryset):
        for member in queryset:
            forget_member(member, by=request.user, request=request)
        self.message_user(request, _("%(n)s members forgotten.") % {"n": queryset.count()})

    def get_export_resource_classes(self, request):
        return [MemberExportResource]

    def get_export_queryset(self, request):
        queryset = super().get_export_queryset(request)
        log_access(request.user, request, "export members (admin)", rows=queryset.count())
        return queryset


class MemberTrailFilter(admin.SimpleListFilter):
    """Entries about one member: their record, kind history, identity, visits and cases.

    Reached from the member's page (``?member=<id>``); it offers no list of choices,
    so the filter sidebar never lists members.
    """

    title = _("member")
    parameter_name = "member"

    def lookups(self, request, model_admin):
        value = request.GET.get(self.parameter_name, "")
        return [(value, f"#{value}")] if value.isdigit() else []

    def queryset(self, request, queryset):
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import Q

        from .contributions import trail_records

        value = self.value()
        if not value or not value.isdigit():
            return queryset
        related = [
            (Member, [value]),
            (
                MemberIdentity,
                [str(pk) for pk in MemberIdentity.objects.filter(member_id=value).values_list("pk", flat=True)],
            ),
            (
                MemberKindPeriod,
                [str(pk) for pk in MemberKindPeriod.objects.filter(member_id=value).values_list("pk", flat=True)],
            ),
            *(record for records in trail_records(value) for record in records),  # visits, cases
        ]
        condition = Q(pk__in=[])
        for model, pks in related:
            if pks:
                condition |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=pks)
        return queryset.filter(condition)


AuditTrailAdmin.list_filter = [*AuditTrailAdmin.list_filter, MemberTrailFilter]
