from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


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
