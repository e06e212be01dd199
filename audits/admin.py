"""The audits in the admin. Changes made here skip the services' rule on done audits' totals
(the admin is for the city's data managers); the audit log records them like any other."""

from django.contrib import admin

from audits.models import Audit, AuditFinding


class AuditFindingInline(admin.TabularInline):
    model = AuditFinding
    extra = 0
    raw_id_fields = ["responsible_person"]


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ["village", "campaign", "status", "completed_on", "funds", "assets"]
    list_filter = ["campaign", "status", "village__township__county"]
    search_fields = ["village__name", "village__code", "auditors"]
    list_select_related = ["village", "campaign"]
    autocomplete_fields = ["village"]
    readonly_fields = ["updated_by", "created_at", "updated_at"]
    inlines = [AuditFindingInline]


@admin.register(AuditFinding)
class AuditFindingAdmin(admin.ModelAdmin):
    list_display = ["description", "audit", "amount", "responsible_name", "rectified"]
    list_filter = ["rectified", "audit__campaign"]
    search_fields = ["description", "responsible_name", "audit__village__name"]
    list_select_related = ["audit__village", "audit__campaign"]
    raw_id_fields = ["audit", "responsible_person"]
    readonly_fields = ["created_at", "updated_at"]
