from django.contrib import admin
from django.http import HttpRequest

from sheets.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read only: a job is a record of what was imported, changed only by its services."""

    list_display = [
        "created_at",
        "kind",
        "original_name",
        "campaign",
        "uploaded_by",
        "status",
        "rows",
        "created",
        "updated",
        "error_count",
    ]
    list_filter = ["status", "kind", "campaign"]
    search_fields = ["original_name", "uploaded_by__username"]
    list_select_related = ["campaign", "uploaded_by"]
    date_hierarchy = "created_at"
    exclude = ["errors"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False
