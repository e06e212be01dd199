"""Pages of an import: upload, the check's preview with every error, confirm, the record.

Jobs come through ``get_for_user`` (404 for another user's job; the city sees all); uploading
and deciding need write access (403 for inspection groups). A service's ValidationError is
shown on the page, never a 500.
"""

from itertools import groupby
from operator import itemgetter
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import get_for_user, role_required
from sheets import services
from sheets.errors import error_workbook
from sheets.forms import ImportForm
from sheets.models import ImportJob
from sheets.reader import WorkbookError
from sheets.registry import importer_for, titles
from sheets.workbooks import template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOBS_PER_PAGE = 25
ERROR_ROWS_PER_PAGE = 50


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@role_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        importer = importer_for(kind)
    except KeyError:
        raise Http404 from None
    return _xlsx(template(importer), f"{importer.title}导入模板.xlsx")


@role_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    if not services.may_import_any(request.user):
        raise PermissionDenied
    initial = {key: request.GET[key] for key in ("kind", "campaign") if key in request.GET}
    form = ImportForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_upload(
                by=request.user,
                kind=form.cleaned_data["kind"],
                campaign=form.cleaned_data["campaign"],
                uploaded_file=form.cleaned_data["upload"],
            )
        except ValidationError as error:
            form.add_error("upload", error)
        else:
            return redirect("sheets:job_detail", pk=job.pk)
    # Titles, not the importer classes: a template would try to call a class.
    templates = titles(request.user)
    return render(request, "sheets/import_start.html", {"form": form, "templates": templates})


@role_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = (
        ImportJob.objects.visible_to(request.user)
        .select_related("campaign", "uploaded_by")
        .defer("errors")
    )
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "sheets/job_list.html", {"page": page})


def _error_rows(request: HttpRequest, job: ImportJob) -> tuple[list[dict], Page]:
    """File-level errors (row 0), and a page of the row errors grouped by row."""
    general = [error for error in job.errors if error["row"] <= 0]
    rows = [
        (row, list(errors))
        for row, errors in groupby(
            (error for error in job.errors if error["row"] > 0), key=itemgetter("row")
        )
    ]
    return general, Paginator(rows, ERROR_ROWS_PER_PAGE).get_page(request.GET.get("page"))


@role_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_for_user(
        ImportJob.objects.select_related("campaign", "uploaded_by"), request.user, pk
    )
    general, page = _error_rows(request, job)
    context = {
        "job": job,
        "general_errors": general,
        "page": page,
        "is_owner": job.uploaded_by_id == request.user.pk
        and services.may_run(request.user, job.kind),
    }
    return render(request, "sheets/job_detail.html", context)


@role_required
@never_cache
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled every second; once the job stops, htmx reloads the page."""
    job = get_for_user(ImportJob.objects.defer("errors"), request.user, pk)
    response = render(request, "sheets/_job_progress.html", {"job": job})
    if request.htmx and not job.is_running:
        response["HX-Refresh"] = "true"
    return response


@role_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_for_user(ImportJob.objects, request.user, pk, write=True)
    try:
        services.job_confirm(by=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("sheets:job_detail", pk=job.pk)


@role_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_for_user(ImportJob.objects, request.user, pk, write=True)
    try:
        services.job_cancel(by=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("sheets:job_detail", pk=job.pk)


@role_required
@never_cache
def job_error_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The upload with an 错误说明 column; only while the upload is kept, and only for its
    uploader: it holds every ID number and phone in full, which nobody else reads unmasked."""
    job = get_for_user(ImportJob.objects.owned_by(request.user), request.user, pk)
    if not job.error_count or not job.has_upload:
        raise Http404
    try:
        content = error_workbook(importer_for(job.kind), job.path, job.errors)
    except (WorkbookError, KeyError):
        raise Http404 from None
    return _xlsx(content, f"{Path(job.original_name).stem}-错误说明.xlsx")
