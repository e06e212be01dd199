from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from elections.models import Branch, Campaign, County, Election, Township, Village
from elections.tasks import campaign_open_elections as open_elections_task


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name"]
    list_select_related = ["county"]


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "township", "party_members", "grade", "is_difficult"]
    list_filter = ["kind", "grade", "is_difficult", "township__county"]
    search_fields = ["code", "name"]
    list_select_related = ["township"]
    autocomplete_fields = ["township"]
    inlines = [BranchInline]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "village", "kind", "seats"]
    list_filter = ["kind"]
    search_fields = ["name", "village__name", "village__code"]
    list_select_related = ["village"]
    autocomplete_fields = ["village"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "reference_date", "start_date", "end_date", "previous", "rule_set"]
    actions = ["open_elections"]

    @admin.action(description=_("Enter every Party organization in the selected campaigns"))
    def open_elections(self, request: HttpRequest, queryset: QuerySet) -> None:
        # A province holds 25,000 branches: a worker enters them, after this request commits.
        for campaign in queryset:
            transaction.on_commit(partial(open_elections_task.delay, campaign.pk), robust=False)
            self.message_user(
                request,
                _("The elections of %(campaign)s are being entered in the background.")
                % {"campaign": campaign},
                messages.SUCCESS,
            )


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["branch", "campaign", "method", "mode", "batch", "status", "held_date"]
    list_filter = ["campaign", "status", "method", "mode", "batch"]
    search_fields = ["branch__name", "branch__village__name", "branch__village__code"]
    list_select_related = ["branch", "campaign"]
    autocomplete_fields = ["branch"]
    readonly_fields = ["updated_by", "created_at", "updated_at"]
