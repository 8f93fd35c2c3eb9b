from auditlog.admin import LogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .audit import trail_visible_to
from . import two_factor_admin  # noqa: F401  (the device pages, before django-otp's own)
from .models import User
from .sessions import end_sessions_of


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "branches"]
    filter_horizontal = ["branches", "groups", "user_permissions"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Access"), {"fields": ["role", "branches", "usual_drop_in_centre", "language"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Access"), {"fields": ["role", "branches"]}),
    )
    actions = ["end_sessions"]

    @admin.action(description=_("End these users' sessions (log them out everywhere)"))
    def end_sessions(self, request, queryset):
        ended = end_sessions_of(queryset)
        self.message_user(request, _("%(n)s sessions ended.") % {"n": ended})


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

        from members.models import Member, MemberIdentity, MemberKindPeriod
        from services.models import PaperworkCase, Visit

        value = self.value()
        if not value or not value.isdigit():
            return queryset
        related = [
            (Member, [value]),
            (MemberIdentity, [str(pk) for pk in MemberIdentity.objects.filter(member_id=value).values_list("pk", flat=True)]),
            (MemberKindPeriod, [str(pk) for pk in MemberKindPeriod.objects.filter(member_id=value).values_list("pk", flat=True)]),
            (Visit, [str(pk) for pk in Visit.objects.filter(member_id=value).values_list("pk", flat=True)]),
            (PaperworkCase, [str(pk) for pk in PaperworkCase.objects.filter(member_id=value).values_list("pk", flat=True)]),
        ]
        condition = Q(pk__in=[])
        for model, pks in related:
            if pks:
                condition |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=pks)
        return queryset.filter(condition)


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditTrailAdmin(LogEntryAdmin):
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), ResourceTypeFilter, MemberTrailFilter]

    def get_queryset(self, request):
        # Entries of incidents only for those who may read the incidents (not administrators).
        return trail_visible_to(super().get_queryset(request), request.user)
