from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import get_for_user, require_write, role_required
from elections import exports, services
from elections.forms import ElectionForm, VillageCreateForm, VillageForm
from elections.models import (
    OVERDUE,
    Campaign,
    County,
    Election,
    ElectionStatus,
    Township,
    Village,
    VillageKind,
    overdue_q,
)
from elections.progress import progress_by
from sheets.exports import xlsx_response

PAGE_SIZE = 50


def selected_campaign(request: HttpRequest) -> Campaign:
    """The campaign chosen in the page's selector, else the current one; 404 if none exists."""
    campaigns = Campaign.objects.visible_to(request.user)
    chosen = request.GET.get("campaign")
    campaign = campaigns.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
    campaign = campaign or campaigns.current()
    if campaign is None:
        raise Http404(_("No campaign has been set up yet."))
    return campaign


def _campaigns(request: HttpRequest) -> list[Campaign]:
    return list(Campaign.objects.visible_to(request.user).only("pk", "name"))


@role_required
def city_progress(request: HttpRequest) -> HttpResponse:
    campaign = selected_campaign(request)
    counties = list(County.objects.visible_to(request.user))
    rows, total = progress_by(
        Election.objects.visible_to(request.user),
        campaign,
        counties,
        "branch__village__township__county",
    )
    context = {"campaign": campaign, "campaigns": _campaigns(request), "rows": rows, "total": total}
    return render(request, "elections/city_progress.html", context)


@role_required
def county_progress(request: HttpRequest, pk: int) -> HttpResponse:
    county = get_for_user(County.objects, request.user, pk)
    campaign = selected_campaign(request)
    townships = list(Township.objects.visible_to(request.user).filter(county=county))
    rows, total = progress_by(
        Election.objects.visible_to(request.user).filter(branch__village__township__county=county),
        campaign,
        townships,
        "branch__village__township",
    )
    context = {
        "campaign": campaign,
        "campaigns": _campaigns(request),
        "county": county,
        "rows": rows,
        "total": total,
    }
    return render(request, "elections/county_progress.html", context)


def _election_filters(request: HttpRequest) -> tuple[Q, dict]:
    query = Q()
    params = {key: request.GET.get(key, "").strip() for key in ("township", "status", "q", "kind")}
    if params["township"].isdigit():
        query &= Q(branch__village__township_id=params["township"])
    if params["status"] in ElectionStatus.values:
        query &= Q(status=params["status"])
    elif params["status"] == OVERDUE:
        query &= overdue_q()
    if params["kind"] in VillageKind.values:
        query &= Q(branch__village__kind=params["kind"])
    if params["q"]:
        query &= Q(branch__village__name__contains=params["q"]) | Q(
            branch__village__code__startswith=params["q"]
        )
    return query, params


def listed_elections(request: HttpRequest) -> tuple[Campaign, QuerySet[Election], dict]:
    """The elections the village list shows: the chosen campaign's, in the user's region,
    narrowed by the page's filters; its exports honour the same filters."""
    campaign = selected_campaign(request)
    query, params = _election_filters(request)
    elections = Election.objects.visible_to(request.user).for_campaign(campaign).filter(query)
    return campaign, elections, params


@role_required
def village_list(request: HttpRequest) -> HttpResponse:
    """The villages of the user's region with their election in the chosen campaign."""
    campaign, elections, params = listed_elections(request)
    elections = elections.select_related("branch__village__township").order_by(
        "branch__village__code", "branch__name"
    )
    page = Paginator(elections, PAGE_SIZE).get_page(request.GET.get("page"))
    townships = Township.objects.visible_to(request.user)
    context = {
        "campaign": campaign,
        "campaigns": _campaigns(request),
        "page": page,
        "params": params,
        "townships": townships,
        "statuses": [*ElectionStatus.choices, (OVERDUE, _("Overdue"))],
        "kinds": VillageKind.choices,
        "can_add_village": not request.user.is_read_only and townships.exists(),
        "can_reveal": not request.user.is_read_only,
        "export_query": _export_query(request, campaign),
    }
    return render(request, "elections/village_list.html", context)


def _export_query(request: HttpRequest, campaign: Campaign) -> str:
    """The list's filters for its export links: everything but the page number."""
    query = request.GET.copy()
    query.pop("page", None)
    query["campaign"] = str(campaign.pk)
    return query.urlencode()


@role_required
@require_GET
@never_cache
def village_export(request: HttpRequest) -> HttpResponse:
    """The village list as xlsx, with the page's filters; nothing personal, nothing masked."""
    campaign, elections, _params = listed_elections(request)
    return xlsx_response(request, exports.village_list_export(elections, subject=campaign.name))


@role_required
def village_detail(request: HttpRequest, pk: int) -> HttpResponse:
    village = get_for_user(Village.objects.select_related("township__county"), request.user, pk)
    elections = (
        Election.objects.filter(branch__village=village)
        .select_related("campaign", "branch", "updated_by")
        .order_by("-campaign__start_date", "branch__name")
    )
    context = {"village": village, "elections": elections}
    return render(request, "elections/village_detail.html", context)


@role_required
@require_http_methods(["GET", "POST"])
def village_create(request: HttpRequest) -> HttpResponse:
    require_write(request.user)
    townships = Township.objects.visible_to(request.user)
    # A township official adds villages to their own township: the address needs no more.
    chosen = request.GET.get("township") or request.user.township_id
    township = get_for_user(townships, request.user, chosen, write=True)
    form = VillageCreateForm(request.POST or None, instance=Village(township=township))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        village = services.village_create(
            by=request.user,
            township=township,
            branch_kind=data.pop("branch_kind"),
            seats=data.pop("seats"),
            **data,
        )
        messages.success(request, _("Village %(name)s was added.") % {"name": village.name})
        return redirect("elections:village_detail", pk=village.pk)
    context = {"form": form, "township": township}
    return render(request, "elections/village_form.html", context)


@role_required
@require_http_methods(["GET", "POST"])
def village_edit(request: HttpRequest, pk: int) -> HttpResponse:
    village = get_for_user(Village.objects, request.user, pk, write=True)
    form = VillageForm(request.POST or None, instance=village)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        services.village_update(by=request.user, village=village, **fields)
        messages.success(request, _("Changes saved."))
        return redirect("elections:village_detail", pk=village.pk)
    return render(request, "elections/village_form.html", {"form": form, "village": village})


@role_required
@require_http_methods(["GET", "POST"])
def election_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edits one election; inline in the village list through htmx, or as a page."""
    queryset = Election.objects.select_related("branch__village__township", "campaign")
    election = get_for_user(queryset, request.user, pk, write=True)
    form = ElectionForm(request.POST or None, instance=election)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        services.election_update(by=request.user, election=election, **fields)
        if request.htmx:
            return render(request, "elections/_election_row.html", {"election": election})
        messages.success(request, _("Changes saved."))
        return redirect("elections:village_detail", pk=election.branch.village_id)
    template = "elections/_election_form.html" if request.htmx else "elections/election_form.html"
    return render(request, template, {"form": form, "election": election})


@role_required
def election_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The read-only row of one election: what the inline editor's cancel button restores."""
    queryset = Election.objects.select_related("branch__village__township", "campaign")
    election = get_for_user(queryset, request.user, pk)
    return render(request, "elections/_election_row.html", {"election": election})
