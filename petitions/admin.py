"""The holiday calendar in the admin: each save or deletion goes through the service, which
recomputes the petitions' deadlines. Petitions themselves are handled on their own pages,
where the workflow's rules and the visibility rule apply; the admin does not offer them."""

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from petitions import services
from petitions.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday_override"]
    list_filter = ["is_workday_override"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: Holiday, form: ModelForm, change: bool) -> None:
        services.holiday_save(by=request.user, holiday=obj)

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        services.holiday_delete(by=request.user, holiday=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> None:
        for holiday in queryset:
            services.holiday_delete(by=request.user, holiday=holiday)
