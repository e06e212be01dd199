from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.permissions import role_required
from audits.models import Audit
from candidates.models import Candidacy, CommitteeMember
from dashboards import exports, figures, panels, permissions, progress_reports, services
from dashboards.models import Level, ReportKind
from elections.models import Campaign, County, Election, Township
from elections.views import selected_campaign
from oversight.models import Risk
from sheets.exports import xlsx_response


def _day(request: HttpRequest, name: str = "day") -> date:
    """The day asked for in the query string; today if none or not a date."""
    try:
        chosen = parse_date(request.GET.get(name, ""))
    except ValueError:
        chosen = None
    return chosen or timezone.localdate()


def _batch(request: HttpRequest) -> str:
    batch = request.GET.get("batch", "").strip()
    return batch if batch.isascii() and batch.isdigit() else ""


def _filters(request: HttpRequest, campaign: Campaign, row: object, batch: str) -> dict:
    batches = sorted(row.extras.get("status_by_batch", {}), key=int) if row else []
    return {
        "campaign": campaign,
        "campaigns": list(Campaign.objects.visible_to(request.user).only("pk", "name")),
        "batches": batches,
        "batch": batch,
        "query": f"campaign={campaign.pk}" + (f"&batch={batch}" if batch else ""),
    }


def _region_page(request: HttpRequest, campaign: Campaign, row: object, batch: str) -> dict:
    context = _filters(request, campaign, row, batch)
    summary = panels.progress_panel(row, batch)
    matrix = panels.method_matrix(row.extras, batch)
    all_panels = [summary, *panels.panels(row, batch, small=row.level == Level.TOWNSHIP)]
    charts = [p.chart_spec() for p in all_panels] + [matrix["chart"]]
    context.update({"row": row, "summary": summary, "matrix": matrix, "panels": all_panels[1:]})
    context["charts"] = [c for c in charts if c]
    return context


def _timeline(context: dict, row: object, names: dict[int, str]) -> None:
    chart = panels.timeline_chart(row.extras, names)
    context["has_timeline"] = chart is not None
    if chart:
        context["charts"].append(chart)


def _drill(context: dict, rows: list, url_name: str) -> None:
    urls = [f"{reverse(url_name, args=[r.region.pk])}?{context['query']}" for r in rows]
    context["drill"] = list(zip(rows, urls, strict=True))
    context["charts"].append(panels.drill_chart(rows, urls))


@role_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's own dashboard."""
    user = request.user
    if user.is_city:
        return redirect("dashboards:city")
    if user.role == Role.COUNTY and user.county_id:
        return redirect("dashboards:county", pk=user.county_id)
    if user.role == Role.TOWNSHIP and user.township_id:
        return redirect("dashboards:township", pk=user.township_id)
    raise PermissionDenied


@role_required
def city(request: HttpRequest) -> HttpResponse:
    permissions.require_city(request.user)
    campaign, batch = selected_campaign(request), _batch(request)
    row = figures.figures_for(campaign)
    context = _region_page(request, campaign, row, batch)
    counties = list(County.objects.visible_to(request.user))
    stored = figures.child_progress(campaign, counties, Level.COUNTY)
    rows = panels.drill_rows(counties, stored, batch)
    _drill(context, rows, "dashboards:county")
    _timeline(context, row, {c.pk: c.name for c in counties})
    context.update({"level": Level.CITY, "title": _("City dashboard")})
    return render(request, "dashboards/region.html", context)


@role_required
def county(request: HttpRequest, pk: int) -> HttpResponse:
    county = permissions.get_county(request.user, pk)
    campaign, batch = selected_campaign(request), _batch(request)
    row = figures.figures_for(campaign, county=county)
    context = _region_page(request, campaign, row, batch)
    townships = list(Township.objects.visible_to(request.user).filter(county=county))
    stored = figures.child_progress(campaign, townships, Level.TOWNSHIP)
    rows = panels.drill_rows(townships, stored, batch)
    _drill(context, rows, "dashboards:township")
    _timeline(context, row, {t.pk: t.name for t in townships})
    context.update({"level": Level.COUNTY, "county": county, "title": county.name})
    return render(request, "dashboards/region.html", context)


@role_required
def township(request: HttpRequest, pk: int) -> HttpResponse:
    township = permissions.get_township(request.user, pk)
    campaign, batch = selected_campaign(request), _batch(request)
    row = figures.figures_for(campaign, township=township)
    context = _region_page(request, campaign, row, batch)
    elections = (
        Election.objects.visible_to(request.user)
        .for_campaign(campaign)
        .filter(branch__village__township=township)
        .select_related("branch__village")
        .annotate(candidates=Count("candidacies"))
        .order_by("branch__village__code", "branch__name")
    )
    if batch:
        elections = elections.filter(batch=batch)
    _timeline(context, row, {township.pk: township.name})
    context.update(
        {
            "level": Level.TOWNSHIP,
            "county": township.county,
            "township": township,
            "title": township.name,
            "elections": elections,
        }
    )
    return render(request, "dashboards/region.html", context)


@role_required
def village(request: HttpRequest, pk: int) -> HttpResponse:
    village = permissions.get_village(request.user, pk)
    campaign = selected_campaign(request)
    elections = list(
        Election.objects.for_campaign(campaign)
        .filter(branch__village=village)
        .select_related("branch")
        .order_by("branch__name")
    )
    in_village = {"election__campaign": campaign, "election__branch__village": village}
    stages = dict(
        Candidacy.objects.filter(**in_village).order_by().values_list("stage").annotate(Count("pk"))
    )
    members = CommitteeMember.objects.filter(**in_village).select_related("candidacy__person")
    context = _filters(request, campaign, None, "")
    context.update(
        {
            "village": village,
            "township": village.township,
            "county": village.township.county,
            "elections": elections,
            "stages": panels.stage_rows(stages),
            "members": members.order_by("post", "pk"),
            "risks": Risk.objects.for_campaign(campaign).filter(village=village).count(),
            "audit": Audit.objects.for_campaign(campaign).filter(village=village).first(),
            "charts": [],
        }
    )
    return render(request, "dashboards/village.html", context)


# Daily and weekly reports ---------------------------------------------------------------------


def _report_page(request: HttpRequest, report: object, unit_label: str) -> HttpResponse:
    if request.method == "POST":
        try:
            services.report_save(
                by=request.user,
                report=report,
                note=request.POST.get("note", ""),
                submit="submit" in request.POST,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Report submitted.") if report.is_submitted else _("Note saved.")
            )
            return redirect(f"{request.path}?{request.GET.urlencode()}")
    context = {
        "report": report,
        "unit_label": unit_label,
        "lines": progress_reports.lines(report),
        "events": progress_reports.event_lines(report),
        "can_write": services.may_write_report(request.user, report) and not report.is_submitted,
        "campaign": report.campaign,
    }
    return render(request, "dashboards/report.html", context)


def _daily(request: HttpRequest, pk: int) -> object:
    township = permissions.get_township(request.user, pk)
    return progress_reports.report_get(
        ReportKind.DAILY,
        selected_campaign(request),
        county=township.county,
        township=township,
        day=_day(request),
        user=request.user,
    )


def _weekly(request: HttpRequest, pk: int) -> object:
    county = permissions.get_county(request.user, pk)
    return progress_reports.report_get(
        ReportKind.WEEKLY, selected_campaign(request), county=county, township=None,
        day=_day(request, "week"), user=request.user,
    )  # fmt: skip


@role_required
@require_http_methods(["GET", "POST"])
def daily_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _daily(request, pk)
    return _report_page(request, report, report.township.name)


@role_required
@require_http_methods(["GET", "POST"])
def weekly_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _weekly(request, pk)
    return _report_page(request, report, report.county.name)


@role_required
@require_GET
@never_cache
def daily_report_export(request: HttpRequest, pk: int) -> HttpResponse:
    return xlsx_response(request, exports.report_export(_daily(request, pk)))


@role_required
@require_GET
@never_cache
def weekly_report_export(request: HttpRequest, pk: int) -> HttpResponse:
    return xlsx_response(request, exports.report_export(_weekly(request, pk)))


@role_required
def daily_board(request: HttpRequest, pk: int) -> HttpResponse:
    """A county's townships and their daily reports of one day."""
    county = permissions.get_county(request.user, pk)
    campaign, day = selected_campaign(request), _day(request)
    townships = list(Township.objects.visible_to(request.user).filter(county=county))
    rows = progress_reports.board(ReportKind.DAILY, campaign, townships, day, request.user)
    context = {
        "campaign": campaign,
        "county": county,
        "kind": ReportKind.DAILY,
        "rows": rows,
        "start": day,
        "end": day,
        "report_url": "dashboards:daily_report",
        "submitted": sum(1 for r in rows if r.report and r.report.is_submitted),
    }
    return render(request, "dashboards/board.html", context)


@role_required
def weekly_board(request: HttpRequest) -> HttpResponse:
    """The counties and their weekly reports of one week (the city's board)."""
    permissions.require_city(request.user)
    campaign = selected_campaign(request)
    start, end = progress_reports.period(ReportKind.WEEKLY, _day(request, "week"))
    counties = list(County.objects.visible_to(request.user))
    rows = progress_reports.board(ReportKind.WEEKLY, campaign, counties, start, request.user)
    context = {
        "campaign": campaign,
        "kind": ReportKind.WEEKLY,
        "rows": rows,
        "start": start,
        "end": end,
        "report_url": "dashboards:weekly_report",
        "submitted": sum(1 for r in rows if r.report and r.report.is_submitted),
    }
    return render(request, "dashboards/board.html", context)
