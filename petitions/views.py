"""Pages of petitions: the list with its overdue count, the detail with the timeline and the
deadlines, registration and correction, the steps of the workflow, attachments, the export.

Every petition comes through ``get_for_user`` (404 when absent or not visible — a township
never learns that a petition about itself exists — 403 for a read-only user who writes); a
service's ValidationError is shown on the page, never a 500.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import get_for_user, role_required
from elections.models import Campaign
from petitions import exports, selectors, services
from petitions.forms import (
    AnswerForm,
    AttachmentForm,
    DeclineForm,
    ExtendForm,
    PetitionForm,
    StepForm,
    TransferForm,
)
from petitions.models import (
    AWAITING_DECISION,
    Category,
    Channel,
    EventAction,
    Level,
    Petition,
    PetitionAttachment,
    Status,
)
from sheets.exports import reveal_requested, xlsx_response

PAGE_SIZE = 50

# The steps on the detail page: form, service, which statuses show it, who may take it.
STEP_FORMS = {
    "accept": (StepForm, services.petition_accept, AWAITING_DECISION),
    "decline": (DeclineForm, services.petition_decline, AWAITING_DECISION),
    "transfer": (TransferForm, services.petition_transfer, AWAITING_DECISION),
    "investigate": (StepForm, services.petition_investigate, (Status.ACCEPTED,)),
    "answer": (AnswerForm, services.petition_answer, (Status.INVESTIGATING,)),
    "close": (StepForm, services.petition_close, (Status.ANSWERED, Status.TRANSFERRED)),
    "extend": (ExtendForm, services.petition_extend, (Status.ACCEPTED, Status.INVESTIGATING)),
}
# The button and heading of each step (what to do), and the message once done.
STEP_LABELS = {
    "accept": gettext_lazy("Accept"),
    "decline": gettext_lazy("Decline"),
    "transfer": gettext_lazy("Transfer"),
    "investigate": gettext_lazy("Start the investigation"),
    "answer": gettext_lazy("Record the answer"),
    "close": gettext_lazy("Close the petition"),
    "extend": gettext_lazy("Extend the deadline"),
}
STEP_DONE = {
    "accept": EventAction.ACCEPTED.label,
    "decline": EventAction.DECLINED.label,
    "transfer": EventAction.TRANSFERRED.label,
    "investigate": EventAction.INVESTIGATING.label,
    "answer": EventAction.ANSWERED.label,
    "close": EventAction.CLOSED.label,
    "extend": EventAction.EXTENDED.label,
}


# The list and the export ---------------------------------------------------------------------


@role_required
def petition_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    params = selectors.filter_params(request.GET)
    petitions = selectors.listed_petitions(request.user, params, today)
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "params": params,
        "today": today,
        "counts": selectors.petition_counts(petitions, today),
        "statuses": Status.choices,
        "channels": Channel.choices,
        "categories": Category.choices,
        "levels": Level.choices,
        "counties": selectors.counties_for(request.user),
        "campaigns": Campaign.objects.visible_to(request.user).only("pk", "name"),
        "can_register": services.can_register(request.user),
        "can_reveal": not request.user.is_read_only,
        "export_query": query.urlencode(),
    }
    template = "petitions/_petition_table.html" if request.htmx else "petitions/petition_list.html"
    return render(request, template, context)


@role_required
@require_http_methods(["GET", "POST"])
@never_cache
def petition_export(request: HttpRequest) -> HttpResponse:
    """The list as the 信访登记 sheet, with its filters; phones masked unless revealed."""
    reveal = reveal_requested(request)
    params = selectors.filter_params(request.GET)
    petitions = selectors.listed_petitions(request.user, params, timezone.localdate())
    export = exports.petition_export(petitions, reveal=reveal, today=timezone.localdate())
    about = selectors.selected_campaign(request.user, params) or request.user
    return xlsx_response(request, export, reveal=reveal, about=about, filters=params)


# Registration and correction ----------------------------------------------------------------


@role_required
@require_http_methods(["GET", "POST"])
def petition_create(request: HttpRequest) -> HttpResponse:
    if not services.can_register(request.user):
        raise PermissionDenied
    form = PetitionForm(request.POST or None, user=request.user)
    petition = form.submitted(services.petition_register, by=request.user)
    if petition is not None:
        messages.success(
            request, _("Petition %(number)s is registered.") % {"number": petition.number}
        )
        return redirect("petitions:petition_detail", pk=petition.pk)
    return render(request, "petitions/petition_form.html", {"form": form})


@role_required
@require_http_methods(["GET", "POST"])
def petition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    petition = get_for_user(selectors.petition_queryset(), request.user, pk, write=True)
    if not services.can_edit(request.user, petition):
        raise PermissionDenied
    form = PetitionForm(request.POST or None, user=request.user, petition=petition)
    if form.submitted(services.petition_update, by=request.user, petition=petition):
        messages.success(request, _("Changes saved."))
        return redirect("petitions:petition_detail", pk=petition.pk)
    return render(request, "petitions/petition_form.html", {"form": form, "petition": petition})


# The detail page and the steps --------------------------------------------------------------


def _steps(request: HttpRequest, petition: Petition, bound: dict[str, BaseForm]) -> list:
    """The steps the user may take now, each with its form (the bound one after an error)."""
    user = request.user
    steps = []
    for name, (form_class, _service, statuses) in STEP_FORMS.items():
        if name in bound:  # a step sent with errors shows them, whatever the status now
            steps.append((name, STEP_LABELS[name], bound[name]))
            continue
        if petition.status not in statuses:
            continue
        allowed = (
            services.can_transfer(user, petition)
            if name == "transfer"
            else services.may_take(user, petition, name)
        )
        if name == "extend" and petition.extension_days:
            allowed = False
        if allowed:
            steps.append((name, STEP_LABELS[name], form_class(prefix=name)))
    return steps


def _detail(request: HttpRequest, petition: Petition, **bound: BaseForm) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    context = {
        "petition": petition,
        "today": today,
        "overdue": petition.is_overdue(today),
        "deadlines": selectors.deadline_rows(petition, today),
        "events": selectors.timeline(petition),
        "attachments": selectors.attachments(petition),
        "steps": _steps(request, petition, bound),
        "can_edit": services.can_edit(user, petition),
        "can_reveal": not user.is_read_only,
        "upload_form": bound.get("upload") or AttachmentForm(prefix="upload"),
    }
    return render(request, "petitions/petition_detail.html", context)


@role_required
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = get_for_user(selectors.petition_queryset(), request.user, pk)
    return _detail(request, petition)


def _take_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    petition = get_for_user(selectors.petition_queryset(), request.user, pk, write=True)
    form_class, service, _statuses = STEP_FORMS[name]
    # Checked before the form, so that a user who may not take the step gets 403, not errors.
    if not services.may_take(request.user, petition, name):
        raise PermissionDenied
    form = form_class(request.POST, prefix=name)
    if form.submitted(service, by=request.user, petition=petition):
        messages.success(request, _("Recorded: %(step)s.") % {"step": STEP_DONE[name]})
        return redirect("petitions:petition_detail", pk=petition.pk)
    return _detail(request, petition, **{name: form})


@role_required
@require_POST
def petition_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "accept")


@role_required
@require_POST
def petition_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "decline")


@role_required
@require_POST
def petition_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "transfer")


@role_required
@require_POST
def petition_investigate(request: HttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "investigate")


@role_required
@require_POST
def petition_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "answer")


@role_required
@require_POST
def petition_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "close")


@role_required
@require_POST
def petition_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "extend")


# The phone, attachments ---------------------------------------------------------------------


@role_required
@require_POST
@never_cache
def petition_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The petitioner's phone in full, for users who may write; recorded in the audit log."""
    petition = get_for_user(Petition.objects, request.user, pk, write=True)
    services.petition_phone_reveal(by=request.user, petition=petition)
    context = {"petition": petition, "revealed": True}
    template = "petitions/_petitioner.html" if request.htmx else "petitions/petition_reveal.html"
    return render(request, template, context)


@role_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    petition = get_for_user(selectors.petition_queryset(), request.user, pk, write=True)
    if not services.can_edit(request.user, petition):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES, prefix="upload")
    if form.submitted(services.attachment_add, by=request.user, petition=petition):
        messages.success(request, _("The file is attached."))
        return redirect("petitions:petition_detail", pk=petition.pk)
    return _detail(request, petition, upload=form)


@role_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_for_user(PetitionAttachment.objects, request.user, pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
