"""Pages of the pre-election audits: the list with its counts, an audit with its findings,
and the forms that enter them.

Every object comes through ``get_for_user`` (404 outside the user's region, 403 for a
read-only user who writes); a service's ValidationError is shown on the form, never a 500.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import get_for_user, require_write, role_required
from audits import exports, selectors, services
from audits.forms import AuditCreateForm, AuditForm, FindingForm, MarkDoneForm
from audits.models import AuditFinding, AuditStatus
from elections.models import Campaign, Village
from elections.views import selected_campaign
from sheets.exports import filters_of, xlsx_response

PAGE_SIZE = 50
FILTERS = ("county", "township", "status", "q")


def _posted(request: HttpRequest) -> QueryDict | None:
    # An empty POST is still a submission: its form must be bound and say what is missing.
    return request.POST if request.method == "POST" else None


def _listing(request: HttpRequest) -> tuple[Campaign, selectors.ListFilters, dict]:
    campaign = selected_campaign(request)
    params = filters_of(request, FILTERS)
    return campaign, selectors.filters_from(params), params


def _query(request: HttpRequest, campaign: Campaign, *, drop: tuple[str, ...] = ()) -> str:
    """The list's filters for its links: everything but the page number (and ``drop``)."""
    query = request.GET.copy()
    for key in ("page", *drop):
        query.pop(key, None)
    query["campaign"] = str(campaign.pk)
    return query.urlencode()


@role_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    campaign, filters, params = _listing(request)
    audits = (
        selectors.listed_audits(request.user, campaign, filters)
        .select_related("village__township")
        .with_finding_totals()
        .annotate(election_date=selectors.election_date())
        .order_by("village__code")
    )
    context = {
        "campaign": campaign,
        "campaigns": Campaign.objects.visible_to(request.user).only("pk", "name"),
        "page": Paginator(audits, PAGE_SIZE).get_page(request.GET.get("page")),
        "params": params,
        "summary": selectors.status_summary(request.user, campaign, filters),
        "statuses": AuditStatus.choices,
        "query": _query(request, campaign),
        "status_query": _query(request, campaign, drop=("status",)),
        "today": timezone.localdate(),
        **selectors.filter_choices(request.user, filters),
    }
    return render(request, "audits/audit_list.html", context)


@role_required
@require_GET
@never_cache
def audit_export(request: HttpRequest) -> HttpResponse:
    """The list as the 经济审计 sheet, with its filters; names of those responsible only."""
    campaign, filters, _params = _listing(request)
    audits = selectors.listed_audits(request.user, campaign, filters)
    return xlsx_response(request, exports.audit_export(audits, subject=campaign.name))


@role_required
@require_GET
@never_cache
def finding_export(request: HttpRequest) -> HttpResponse:
    """The findings of the listed audits, as the 审计问题 sheet."""
    campaign, filters, _params = _listing(request)
    audits = selectors.listed_audits(request.user, campaign, filters)
    findings = AuditFinding.objects.filter(audit__in=audits)
    return xlsx_response(request, exports.finding_export(findings, subject=campaign.name))


@role_required
@require_http_methods(["GET", "POST"])
def audit_create(request: HttpRequest) -> HttpResponse:
    require_write(request.user)
    campaign = selected_campaign(request)
    villages = selectors.villages_without_audit(request.user, campaign)
    initial = {}
    if request.GET.get("village"):
        initial["village"] = get_for_user(Village.objects, request.user, request.GET["village"])
    form = AuditCreateForm(_posted(request), villages=villages, initial=initial)
    audit = form.submitted(services.audit_create, by=request.user, campaign=campaign)
    if audit is not None:
        messages.success(request, _("The audit of %(name)s is entered.") % {"name": audit.village})
        return redirect("audits:audit_detail", pk=audit.pk)
    return render(request, "audits/audit_form.html", {"form": form, "campaign": campaign})


@role_required
@require_GET
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_for_user(selectors.audit_queryset(), request.user, pk)
    context = selectors.audit_page(audit) | {"done_form": MarkDoneForm(prefix="done")}
    return render(request, "audits/audit_detail.html", context)


@role_required
@require_http_methods(["GET", "POST"])
def audit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_for_user(selectors.audit_queryset(), request.user, pk, write=True)
    form = AuditForm(_posted(request), instance=audit)
    if form.submitted(services.audit_update, by=request.user, audit=audit):
        messages.success(request, _("Changes saved."))
        return redirect("audits:audit_detail", pk=audit.pk)
    context = {"form": form, "audit": audit, "campaign": audit.campaign}
    return render(request, "audits/audit_form.html", context)


@role_required
@require_http_methods(["GET", "POST"])
def audit_done(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_for_user(selectors.audit_queryset(), request.user, pk, write=True)
    form = MarkDoneForm(_posted(request), prefix="done")
    if form.submitted(services.audit_mark_done, by=request.user, audit=audit):
        messages.success(request, _("The audit is marked done."))
        return redirect("audits:audit_detail", pk=audit.pk)
    return render(request, "audits/audit_done.html", {"form": form, "audit": audit})


@role_required
@require_POST
def audit_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_for_user(selectors.audit_queryset(), request.user, pk, write=True)
    try:
        services.audit_reopen(by=request.user, audit=audit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The audit is back in progress; its totals can be changed."))
    return redirect("audits:audit_detail", pk=audit.pk)


@role_required
@require_http_methods(["GET", "POST"])
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_for_user(selectors.audit_queryset(), request.user, pk, write=True)
    people = selectors.responsible_choices(audit)
    form = FindingForm(_posted(request), people=people)
    if form.submitted(services.finding_create, by=request.user, audit=audit):
        messages.success(request, _("The finding is recorded."))
        if request.POST.get("then") == "another":
            return redirect("audits:finding_create", pk=audit.pk)
        return redirect("audits:audit_detail", pk=audit.pk)
    return render(request, "audits/finding_form.html", {"form": form, "audit": audit})


def _finding(request: HttpRequest, pk: int) -> AuditFinding:
    queryset = AuditFinding.objects.select_related(
        "audit__campaign", "audit__village__township__county"
    )
    return get_for_user(queryset, request.user, pk, write=True)


@role_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    people = selectors.responsible_choices(finding.audit)
    form = FindingForm(_posted(request), instance=finding, people=people)
    if form.submitted(services.finding_update, by=request.user, finding=finding):
        messages.success(request, _("Changes saved."))
        return redirect("audits:audit_detail", pk=finding.audit_id)
    context = {"form": form, "audit": finding.audit, "finding": finding}
    return render(request, "audits/finding_form.html", context)


@role_required
@require_POST
def finding_delete(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    services.finding_delete(by=request.user, finding=finding)
    messages.success(request, _("The finding is deleted."))
    return redirect("audits:audit_detail", pk=finding.audit_id)
