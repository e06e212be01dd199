from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from accounts import exports
from accounts.models import Role
from accounts.permissions import city_required, role_required
from sheets.exports import xlsx_response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page: the region it answers for."""
    user = request.user
    if user.is_city:
        return redirect("elections:city_progress")
    if user.role == Role.COUNTY and user.county_id:
        return redirect("elections:county_progress", pk=user.county_id)
    if user.role in (Role.TOWNSHIP, Role.INSPECTOR):
        return redirect("elections:village_list")
    return render(request, "accounts/no_role.html", status=403)


@role_required
@city_required
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    changes = [(entry.content_type.model_class(), entry.changes_dict) for entry in page]
    names = exports.related_names(changes)
    rows = [
        (
            entry,
            exports.ACTIONS.get(entry.action, entry.get_action_display()),
            exports.readable_changes(model, change, names),
        )
        for entry, (model, change) in zip(page, changes, strict=True)
    ]
    return render(request, "accounts/audit_log.html", {"page": page, "rows": rows})


@role_required
@city_required
@never_cache
def audit_log_export(request: HttpRequest) -> HttpResponse:
    return xlsx_response(request, exports.audit_log_export(LogEntry.objects.all()))
