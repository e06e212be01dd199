"""Pages of risks and difficult villages, secretary adjustments, inspections and training.

Objects come through ``get_for_user`` or this app's permission helpers: 404 outside the
user's region, 403 for a read-only user who writes; inspection groups write only their own
group's visits (oversight.permissions). Lists honour their filters in their exports.
"""

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import get_for_user, require_write, role_required
from elections.models import Campaign, County, Election, Township, Village
from elections.views import selected_campaign
from oversight import exports, selectors, services
from oversight.forms import (
    AdjustmentCreateForm,
    AdjustmentForm,
    DifficultForm,
    RiskCreateForm,
    RiskForm,
    TrainingForm,
    VisitForm,
)
from oversight.models import (
    AdjustmentReason,
    InspectionVisit,
    Risk,
    RiskCategory,
    RiskLevel,
    RiskStatus,
    SecretaryAdjustment,
    TrainingLevel,
    TrainingSession,
)
from oversight.permissions import (
    get_training_for_user,
    get_visit_for_user,
    require_visit_write,
    visit_townships,
    writes_visits,
)
from oversight.resources import VisitImporter
from sheets.exports import filters_of, xlsx_response

PAGE_SIZE = 50


def _page(request: HttpRequest, queryset: QuerySet) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query(request: HttpRequest, campaign: Campaign | None = None) -> str:
    """The list's filters for its export links: everything but the page number."""
    query = request.GET.copy()
    query.pop("page", None)
    if campaign is not None:
        query["campaign"] = str(campaign.pk)
    return query.urlencode()


def _campaigns(request: HttpRequest) -> list[Campaign]:
    return list(Campaign.objects.visible_to(request.user).only("pk", "name"))


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if target and safe else default


# Risks and difficult villages -----------------------------------------------------------------


@role_required
def risk_list(request: HttpRequest) -> HttpResponse:
    campaign = selected_campaign(request)
    params = filters_of(request, selectors.RISK_FILTERS)
    risks = selectors.listed_risks(request.user, campaign, params)
    context = {
        "campaign": campaign,
        "campaigns": _campaigns(request),
        "page": _page(request, risks),
        "counts": selectors.risk_counts(risks),
        "params": params,
        "townships": Township.objects.visible_to(request.user),
        "categories": RiskCategory.choices,
        "levels": RiskLevel.choices,
        "statuses": RiskStatus.choices,
        "query": _query(request, campaign),
        "here": request.get_full_path(),
        **selectors.difficult_panel(request.user, campaign, params),
    }
    return render(request, "oversight/risk_list.html", context)


@role_required
@require_GET
@never_cache
def risk_export(request: HttpRequest) -> HttpResponse:
    campaign = selected_campaign(request)
    params = filters_of(request, selectors.RISK_FILTERS)
    risks = selectors.listed_risks(request.user, campaign, params)
    return xlsx_response(request, exports.risk_export(risks, subject=campaign.name))


def _risk_queryset() -> QuerySet[Risk]:
    return Risk.objects.select_related("village__township__county", "campaign")


@role_required
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_for_user(_risk_queryset().with_election_date(), request.user, pk)
    elections = Election.objects.filter(campaign=risk.campaign, branch__village=risk.village)
    before = Risk.objects.filter(pk=risk.pk).resolved_before_election().exists()
    context = {"risk": risk, "elections": elections.select_related("branch"), "before": before}
    return render(request, "oversight/risk_detail.html", context)


@role_required
@require_http_methods(["GET", "POST"])
def risk_create(request: HttpRequest) -> HttpResponse:
    require_write(request.user)
    campaign = selected_campaign(request)
    initial = {}
    if request.GET.get("village"):
        village = get_for_user(Village.objects, request.user, request.GET["village"], write=True)
        initial["village"] = village.pk
    form = RiskCreateForm(
        request.POST or None, user=request.user, initial=initial, instance=Risk(campaign=campaign)
    )
    risk = form.submitted(services.risk_create, by=request.user, campaign=campaign)
    if risk is not None:
        messages.success(request, _("The risk is recorded."))
        return redirect("oversight:risk_detail", pk=risk.pk)
    return render(request, "oversight/risk_form.html", {"form": form, "campaign": campaign})


@role_required
@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_for_user(_risk_queryset(), request.user, pk, write=True)
    form = RiskForm(request.POST or None, instance=risk)
    if form.submitted(services.risk_update, by=request.user, risk=risk):
        messages.success(request, _("Changes saved."))
        return redirect("oversight:risk_detail", pk=risk.pk)
    context = {"form": form, "risk": risk, "campaign": risk.campaign}
    return render(request, "oversight/risk_form.html", context)


@role_required
@require_POST
def village_difficult(request: HttpRequest, pk: int) -> HttpResponse:
    """Flags or unflags a difficult village (重难点村); back to the page it was sent from."""
    village = get_for_user(Village.objects, request.user, pk, write=True)
    form = DifficultForm(request.POST)
    if form.is_valid():
        difficult = form.cleaned_data["difficult"]
        services.village_set_difficult(by=request.user, village=village, difficult=difficult)
        message = _("%(name)s is flagged as a difficult village.")
        if not difficult:
            message = _("%(name)s is no longer flagged as a difficult village.")
        messages.success(request, message % {"name": village.name})
    else:
        messages.error(request, _("Say whether the village is difficult."))
    return redirect(_next(request, reverse("oversight:risk_list")))


# Secretary adjustments ------------------------------------------------------------------------


@role_required
def adjustment_list(request: HttpRequest) -> HttpResponse:
    campaign = selected_campaign(request)
    params = filters_of(request, selectors.ADJUSTMENT_FILTERS)
    adjustments = selectors.listed_adjustments(request.user, campaign, params)
    context = {
        "campaign": campaign,
        "campaigns": _campaigns(request),
        "page": _page(request, adjustments),
        "total": adjustments.count(),
        "before_election": adjustments.before_election().count(),
        "params": params,
        "townships": Township.objects.visible_to(request.user),
        "reasons": AdjustmentReason.choices,
        "query": _query(request, campaign),
    }
    return render(request, "oversight/adjustment_list.html", context)


@role_required
@require_GET
@never_cache
def adjustment_export(request: HttpRequest) -> HttpResponse:
    campaign = selected_campaign(request)
    params = filters_of(request, selectors.ADJUSTMENT_FILTERS)
    adjustments = selectors.listed_adjustments(request.user, campaign, params)
    export = exports.adjustment_export(adjustments, subject=campaign.name)
    return xlsx_response(request, export)


def _adjustment_queryset() -> QuerySet[SecretaryAdjustment]:
    return SecretaryAdjustment.objects.select_related("village__township__county", "campaign")


@role_required
def adjustment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    adjustment = get_for_user(_adjustment_queryset(), request.user, pk)
    queryset = SecretaryAdjustment.objects.filter(pk=adjustment.pk)
    context = {"adjustment": adjustment, "before": queryset.before_election().exists()}
    return render(request, "oversight/adjustment_detail.html", context)


@role_required
@require_http_methods(["GET", "POST"])
def adjustment_create(request: HttpRequest) -> HttpResponse:
    require_write(request.user)
    campaign = selected_campaign(request)
    initial = {}
    if request.GET.get("village"):
        village = get_for_user(Village.objects, request.user, request.GET["village"], write=True)
        initial["village"] = village.pk
    instance = SecretaryAdjustment(campaign=campaign)
    form = AdjustmentCreateForm(
        request.POST or None, user=request.user, initial=initial, instance=instance
    )
    adjustment = form.submitted(services.adjustment_create, by=request.user, campaign=campaign)
    if adjustment is not None:
        messages.success(request, _("The adjustment is recorded."))
        return redirect("oversight:adjustment_detail", pk=adjustment.pk)
    return render(request, "oversight/adjustment_form.html", {"form": form, "campaign": campaign})


@role_required
@require_http_methods(["GET", "POST"])
def adjustment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    adjustment = get_for_user(_adjustment_queryset(), request.user, pk, write=True)
    form = AdjustmentForm(request.POST or None, instance=adjustment)
    if form.submitted(services.adjustment_update, by=request.user, adjustment=adjustment):
        messages.success(request, _("Changes saved."))
        return redirect("oversight:adjustment_detail", pk=adjustment.pk)
    context = {"form": form, "adjustment": adjustment, "campaign": adjustment.campaign}
    return render(request, "oversight/adjustment_form.html", context)


# Inspection groups and visits -----------------------------------------------------------------


@role_required
def group_list(request: HttpRequest) -> HttpResponse:
    context = {"page": _page(request, selectors.group_page(request.user))}
    return render(request, "oversight/group_list.html", context)


@role_required
def visit_list(request: HttpRequest) -> HttpResponse:
    params = filters_of(request, selectors.VISIT_FILTERS)
    visits = selectors.listed_visits(request.user, params)
    context = {
        "page": _page(request, visits),
        "total": visits.count(),
        "groups_visiting": visits.group_count(),
        "pending": visits.follow_up_pending().count(),
        "params": params,
        "groups": selectors.groups_visible_to(request.user),
        "townships": Township.objects.visible_to(request.user),
        "can_create": writes_visits(request.user),
        # Inspection groups import their own visits (VisitImporter.may_import).
        "can_import": VisitImporter.may_import(request.user),
        "campaign": Campaign.objects.visible_to(request.user).current(),
        "query": _query(request),
    }
    return render(request, "oversight/visit_list.html", context)


@role_required
@require_GET
@never_cache
def visit_export(request: HttpRequest) -> HttpResponse:
    params = filters_of(request, selectors.VISIT_FILTERS)
    visits = selectors.listed_visits(request.user, params)
    return xlsx_response(request, exports.visit_export(visits))


def _visit_queryset() -> QuerySet[InspectionVisit]:
    return InspectionVisit.objects.select_related(
        "group", "township__county", "village", "created_by"
    )


@role_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(_visit_queryset(), request.user, pk)
    can_edit = writes_visits(request.user) and visit.group_id == request.user.inspection_group_id
    return render(request, "oversight/visit_detail.html", {"visit": visit, "can_edit": can_edit})


@role_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    require_visit_write(request.user)
    township = request.GET.get("township", "")
    initial = {}
    if township.isdigit() and visit_townships(request.user).filter(pk=township).exists():
        initial["township"] = int(township)
    form = VisitForm(request.POST or None, user=request.user, initial=initial)
    visit = form.submitted(services.visit_create, by=request.user)
    if visit is not None:
        messages.success(request, _("The inspection visit is recorded."))
        return redirect("oversight:visit_detail", pk=visit.pk)
    group = request.user.inspection_group
    return render(request, "oversight/visit_form.html", {"form": form, "group": group})


@role_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(_visit_queryset(), request.user, pk, write=True)
    form = VisitForm(request.POST or None, user=request.user, instance=visit)
    if form.submitted(services.visit_update, by=request.user, visit=visit):
        messages.success(request, _("Changes saved."))
        return redirect("oversight:visit_detail", pk=visit.pk)
    context = {"form": form, "visit": visit, "group": visit.group}
    return render(request, "oversight/visit_form.html", context)


# Training -------------------------------------------------------------------------------------


@role_required
def training_list(request: HttpRequest) -> HttpResponse:
    params = filters_of(request, selectors.TRAINING_FILTERS)
    sessions = selectors.listed_training(request.user, params)
    context = {
        "page": _page(request, sessions),
        "totals": sessions.totals(),
        "params": params,
        "levels": TrainingLevel.choices,
        "counties": County.objects.visible_to(request.user),
        "can_create": not request.user.is_read_only,
        "query": _query(request),
    }
    return render(request, "oversight/training_list.html", context)


@role_required
@require_GET
@never_cache
def training_export(request: HttpRequest) -> HttpResponse:
    params = filters_of(request, selectors.TRAINING_FILTERS)
    sessions = selectors.listed_training(request.user, params)
    return xlsx_response(request, exports.training_export(sessions))


def _training_queryset() -> QuerySet[TrainingSession]:
    return TrainingSession.objects.select_related("county", "township__county")


@role_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_training_for_user(_training_queryset(), request.user, pk)
    can_edit = TrainingSession.objects.writable_by(request.user).filter(pk=session.pk).exists()
    context = {"session": session, "can_edit": can_edit}
    return render(request, "oversight/training_detail.html", context)


@role_required
@require_http_methods(["GET", "POST"])
def training_create(request: HttpRequest) -> HttpResponse:
    require_write(request.user)
    form = TrainingForm(request.POST or None, user=request.user)
    session = form.submitted(services.training_create, by=request.user)
    if session is not None:
        messages.success(request, _("The training session is recorded."))
        return redirect("oversight:training_detail", pk=session.pk)
    return render(request, "oversight/training_form.html", {"form": form})


@role_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_training_for_user(_training_queryset(), request.user, pk, write=True)
    form = TrainingForm(request.POST or None, user=request.user, instance=session)
    if form.submitted(services.training_update, by=request.user, session=session):
        messages.success(request, _("Changes saved."))
        return redirect("oversight:training_detail", pk=session.pk)
    return render(request, "oversight/training_form.html", {"form": form, "session": session})
