from django.contrib import admin

from opsi.admin_scoping import ScopedModelAdmin

from .models import Branch, DropInCentre


class DropInCentreInline(admin.TabularInline):
    model = DropInCentre
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
