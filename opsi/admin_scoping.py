from django.contrib import admin

from .forms import CleanTextModelForm


class ScopedModelAdmin(admin.ModelAdmin):
    """Admin pages fetch through the same access rule as every other page."""

    form = CleanTextModelForm  # text refuses control characters, as on every page

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _may_write(self, request, obj):
        if obj is None:
            return request.user.is_admin or request.user.writes_in_branches
        return self.model.objects.writable_by(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)
