from auditlog.admin import LogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_scoping import ScopedModelAdmin
from .audit import trail_visible_to
from .forms import CleanTextModelForm
from . import two_factor_admin  # noqa: F401  (the device pages, before django-otp's own)
from .models import User
from .sessions import end_sessions_of
from .tenant import Branch, DropInCentre


class DropInCentreInline(admin.TabularInline):
    model = DropInCentre
    form = CleanTextModelForm
    extra = 0


@admin.register(Branch)
class BranchAdmin(ScopedModelAdmin):
    list_display = ["name", "province", "region", "active"]
    list_filter = ["region", "active"]
    search_fields = ["name"]
    inlines = [DropInCentreInline]


@admin.register(DropInCentre)
class DropInCentreAdmin(ScopedModelAdmin):
    list_display = ["name", "branch", "area", "active"]
    list_filter = ["branch", "active"]
    search_fields = ["name", "area"]
    list_select_related = ["branch"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "branches"]
    filter_horizontal = ["branches", "groups", "user_permissions"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Access"), {"fields": ["role", "branches", "usual_drop_in_centre", "language"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Access"), {"fields": ["role", "branches"]}),)
    actions = ["end_sessions"]

    @admin.action(description=_("End these users' sessions (log them out everywhere)"))
    def end_sessions(self, request, queryset):
        ended = end_sessions_of(queryset)
        self.message_user(request, _("%(n)s sessions ended.") % {"n": ended})


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditTrailAdmin(LogEntryAdmin):
    # members.admin adds its filter of one member's entries.
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), ResourceTypeFilter]

    def get_queryset(self, request):
        # Entries of incidents only for those who may read the incidents (not administrators).
        return trail_visible_to(super().get_queryset(request), request.user)
