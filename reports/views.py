"""Pages of the research report: generate (campaign and scope), watch the progress, download
the PDF and the Excel tables, the history; part 2's measures per county and part 3's sections.

Who may do what: the city generates for the city or any county or township, and writes part 3;
a county generates for itself or its townships and writes its own part 2 texts (the city may
write them for any county). Township users and inspection groups have no report pages (403).
Reports come through ``get_for_user`` (404 outside the user's region).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import city_required, get_for_user, role_required
from elections.models import Campaign, County
from elections.views import selected_campaign
from reports import pipeline
from reports.forms import MeasureTextsForm, ReportRequestForm, ReportSectionForm
from reports.models import MeasureHeading, MeasureText, Report, ReportSection, ReportStatus

REPORTS_PER_PAGE = 20


def _require_reporter(request: HttpRequest) -> None:
    if not pipeline.may_request(request.user):
        raise PermissionDenied


@role_required
@require_http_methods(["GET", "POST"])
def report_index(request: HttpRequest) -> HttpResponse:
    """Generate a report, and the history of the reports the user may see."""
    _require_reporter(request)
    form = ReportRequestForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            report = pipeline.request_report(
                user=request.user,
                campaign=form.cleaned_data["campaign"],
                county=form.cleaned_data["county"],
                township=form.cleaned_data["township"],
            )
        # The task was sent after the commit; a broker that is down has failed it already.
        return redirect("reports:report_detail", pk=report.pk)
    reports = Report.objects.visible_to(request.user).select_related(
        "campaign", "county", "township", "requested_by"
    )
    page = Paginator(reports.defer("figures", "units", "data_fingerprint"), REPORTS_PER_PAGE)
    context = {"form": form, "page": page.get_page(request.GET.get("page"))}
    return render(request, "reports/report_index.html", context)


def _report(request: HttpRequest, pk: int) -> Report:
    return get_for_user(
        Report.objects.select_related("campaign", "county", "township", "requested_by"),
        request.user,
        pk,
    )


@role_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reporter(request)
    report = _report(request, pk)
    return render(request, "reports/report_detail.html", {"report": report})


@role_required
@never_cache
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled every second; once the report stops, htmx reloads the page."""
    _require_reporter(request)
    report = get_for_user(Report.objects.defer("figures", "units"), request.user, pk)
    response = render(request, "reports/_progress.html", {"report": report})
    if request.htmx and not report.is_running:
        response["HX-Refresh"] = "true"
    return response


def _download(request: HttpRequest, pk: int, which: str) -> FileResponse:
    _require_reporter(request)
    report = _report(request, pk)
    path = report.pdf_path if which == "pdf" else report.xlsx_path
    if report.status != ReportStatus.DONE or path is None or not path.exists():
        raise Http404
    stamp = report.counted_at.strftime("%Y%m%d") if report.counted_at else ""
    name = f"{report.campaign.name}调研报告-{report.scope_name}-{stamp}.{which}"
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[which])
    response["Content-Disposition"] = content_disposition_header(which != "pdf", name)
    return response


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@role_required
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, "pdf")


@role_required
def report_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, "xlsx")


@role_required
def report_html(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a web page, from the same snapshot and template as the PDF."""
    from reports.document import render_html

    _require_reporter(request)
    report = _report(request, pk)
    if report.status != ReportStatus.DONE:
        raise Http404
    return HttpResponse(render_html(report, for_pdf=False))


# Part 2: measures, a short text per county and heading ------------------------------------------


def _county_for_measures(request: HttpRequest) -> County:
    user = request.user
    if user.role == Role.COUNTY and not user.is_city:
        return user.county
    if user.is_city:
        chosen = request.GET.get("county") or request.POST.get("county")
        counties = County.objects.order_by("code")
        county = counties.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
        county = county or counties.first()
        if county is None:
            raise Http404(_("No county has been set up yet."))
        return county
    raise PermissionDenied


@role_required
@require_http_methods(["GET", "POST"])
def measures(request: HttpRequest) -> HttpResponse:
    _require_reporter(request)
    campaign = selected_campaign(request)
    county = _county_for_measures(request)
    headings = list(MeasureHeading.objects.all())
    existing = {
        t.heading_id: t
        for t in MeasureText.objects.visible_to(request.user).filter(
            campaign=campaign, county=county
        )
    }
    form = MeasureTextsForm(
        request.POST if request.method == "POST" else None,
        headings=headings,
        texts={pk: t.text for pk, t in existing.items()},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for heading in headings:
                text = form.cleaned_data[heading.slug].strip()
                found = existing.get(heading.pk)
                if text and found is None:
                    MeasureText.objects.create(
                        campaign=campaign,
                        county=county,
                        heading=heading,
                        text=text,
                        updated_by=request.user,
                    )
                elif text and found.text != text:
                    found.text, found.updated_by = text, request.user
                    found.save(update_fields=["text", "updated_by", "updated_at"])
                elif not text and found is not None:
                    found.delete()
        messages.success(request, _("The measures of %(county)s are saved.") % {"county": county})
        return redirect(f"{request.path}?campaign={campaign.pk}&county={county.pk}")
    context = {
        "form": form,
        "campaign": campaign,
        "county": county,
        "counties": County.objects.order_by("code") if request.user.is_city else [],
        "campaigns": Campaign.objects.visible_to(request.user),
    }
    return render(request, "reports/measures.html", context)


# Part 3: the city's sections -----------------------------------------------------------------


@role_required
def section_list(request: HttpRequest) -> HttpResponse:
    _require_reporter(request)
    campaign = selected_campaign(request)
    sections = ReportSection.objects.visible_to(request.user).filter(campaign=campaign)
    context = {
        "campaign": campaign,
        "sections": sections,
        "campaigns": Campaign.objects.visible_to(request.user),
    }
    return render(request, "reports/section_list.html", context)


@role_required
@city_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        campaign = selected_campaign(request)
        section = ReportSection(campaign=campaign, updated_by=request.user)
        section.order = ReportSection.objects.filter(campaign=campaign).count() + 1
    else:
        section = get_for_user(ReportSection.objects.select_related("campaign"), request.user, pk)
        campaign = section.campaign
    form = ReportSectionForm(request.POST if request.method == "POST" else None, instance=section)
    if request.method == "POST" and form.is_valid():
        section = form.save(commit=False)
        section.updated_by = request.user
        section.save()
        messages.success(request, _("The section is saved."))
        return redirect(f"{_section_list_url()}?campaign={campaign.pk}")
    return render(
        request,
        "reports/section_form.html",
        {"form": form, "section": section, "campaign": campaign},
    )


@role_required
@city_required
@require_POST
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_for_user(ReportSection.objects, request.user, pk)
    campaign_pk = section.campaign_id
    section.delete()
    messages.success(request, _("The section is deleted."))
    return redirect(f"{_section_list_url()}?campaign={campaign_pk}")


def _section_list_url() -> str:
    return reverse("reports:section_list")
