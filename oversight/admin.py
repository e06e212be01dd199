from django.contrib import admin

from oversight.models import InspectionVisit, Risk, SecretaryAdjustment, TrainingSession


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ["village", "campaign", "category", "level", "status", "found_on", "resolved_on"]
    list_filter = ["campaign", "category", "level", "status", "village__township__county"]
    search_fields = ["village__name", "village__code", "description", "owner"]
    list_select_related = ["village", "campaign"]
    autocomplete_fields = ["village"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(SecretaryAdjustment)
class SecretaryAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["village", "campaign", "adjusted_on", "previous_secretary", "new_secretary"]
    list_filter = ["campaign", "reason", "village__township__county"]
    search_fields = ["village__name", "village__code", "previous_secretary", "new_secretary"]
    list_select_related = ["village", "campaign"]
    autocomplete_fields = ["village"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(InspectionVisit)
class InspectionVisitAdmin(admin.ModelAdmin):
    list_display = ["visited_on", "group", "township", "village", "follow_up_done"]
    list_filter = ["group", "follow_up_done", "township__county"]
    search_fields = ["findings", "township__name", "village__name"]
    list_select_related = ["group", "township", "village"]
    autocomplete_fields = ["township", "village"]
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title", "level", "county", "township", "participants", "passed"]
    list_filter = ["level", "exam_taken", "county"]
    search_fields = ["title"]
    list_select_related = ["county", "township"]
    readonly_fields = ["created_at", "updated_at"]
