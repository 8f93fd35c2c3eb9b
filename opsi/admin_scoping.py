from django.contrib import admin

from .forms import CleanTextModelForm
from .scoping import may_change


class ScopedModelAdmin(admin.ModelAdmin):
    """Admin pages fetch through the same access rule as every other page."""

    form = CleanTextModelForm  # text refuses control characters, as on every page

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _may_write(self, request, obj):
        if obj is None:
            return request.user.records_work
        return may_change(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)
