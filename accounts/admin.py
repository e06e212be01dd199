from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import InspectionGroup, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "last_name",
        "first_name",
        "role",
        "county",
        "township",
        "is_active",
    ]
    list_filter = ["role", "is_active", "county"]
    list_select_related = ["county", "township"]
    autocomplete_fields = ["county", "township", "inspection_group"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Role and region"),
            {"fields": ("role", "county", "township", "inspection_group", "phone")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and region"), {"fields": ("role", "county", "township", "inspection_group")}),
    )


@admin.register(InspectionGroup)
class InspectionGroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["townships"]
