"""Pages of an election's procedure: the township runs it, the county certifies it.

Every object comes through ``get_for_user`` (404 outside the user's region, 403 for a
read-only user who writes); a service's ValidationError is shown on the page, never a 500.
"""

from auditlog.models import LogEntry
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import get_for_user, require_write, role_required
from audits.selectors import unrectified_findings_for
from candidates import exports, selectors, services
from candidates.forms import (
    AttachmentForm,
    CandidacyCreateForm,
    CandidacyForm,
    CertifyForm,
    ExclusionForm,
    NoticeForm,
    ObjectionForm,
    ReviewForm,
    RoundForm,
    SettleForm,
    StepCreateForm,
    StepForm,
    TallyForm,
    TownshipVoteForm,
    UnlockForm,
    WithdrawForm,
    round_kind,
)
from candidates.models import (
    Candidacy,
    CommitteeMember,
    ElectionStep,
    Objection,
    Person,
    RoundKind,
    StepAttachment,
    VoterExclusion,
)
from elections.models import Election
from elections.views import listed_elections
from sheets.exports import reveal_requested, xlsx_response

QUEUE_PAGE_SIZE = 25


def _next(request: HttpRequest) -> str:
    """The page a form was sent from (its ``next`` field), if it is one of ours."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if target and safe else ""


def _back(request: HttpRequest, default: str) -> HttpResponse:
    return redirect(_next(request) or default)


def _unplaced(request: HttpRequest, bound: dict[str, BaseForm], placed: set[str]) -> None:
    # A bound form with no slot on the page (a tampered id) still shows its errors.
    for key, form in bound.items():
        if key not in placed:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))


# The election page --------------------------------------------------------------------------


def _election_page(request: HttpRequest, election: Election, **bound: BaseForm) -> HttpResponse:
    """The election page; ``bound`` holds a form sent with errors, keyed by its prefix."""
    context = selectors.election_page(election, user=request.user, today=timezone.localdate())
    context["notice_form"] = bound.get("notice") or NoticeForm(prefix="notice")
    context["exclusion_form"] = bound.get("exclusion") or ExclusionForm(election=election)
    context["certify_form"] = bound.get("certify") or CertifyForm(prefix="certify")
    context["unlock_form"] = bound.get("unlock") or UnlockForm(prefix="unlock")
    placed = {"notice", "exclusion", "certify", "unlock"}
    for notice in context["notices"]:
        key = f"objection-{notice.pk}"
        notice.objection_form = bound.get(key) or ObjectionForm(notice=notice)
        placed.add(key)
        for objection in notice.objections.all():
            key = f"settle-{objection.pk}"
            objection.settle_form = bound.get(key) or SettleForm(objection=objection)
            placed.add(key)
    _unplaced(request, bound, placed)
    return render(request, "candidates/election_detail.html", context)


@role_required
def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    election = get_for_user(selectors.election_queryset(), request.user, pk)
    return _election_page(request, election)


def _election_url(election: Election, anchor: str = "") -> str:
    url = reverse("candidates:election_detail", args=[election.pk])
    return f"{url}#{anchor}" if anchor else url


# Candidacies --------------------------------------------------------------------------------


@role_required
@require_http_methods(["GET", "POST"])
def candidacy_create(request: HttpRequest, pk: int) -> HttpResponse:
    election = get_for_user(selectors.election_queryset(), request.user, pk, write=True)
    form = CandidacyCreateForm(request.POST or None)
    candidacy = form.save(by=request.user, election=election) if form.is_valid() else None
    if candidacy is not None:
        name = candidacy.person.name
        messages.success(
            request, _("%(name)s is registered as a preliminary nominee.") % {"name": name}
        )
        if request.POST.get("then") == "another":
            return redirect("candidates:candidacy_create", pk=election.pk)
        return redirect("candidates:candidacy_detail", pk=candidacy.pk)
    context = {"form": form, "election": election}
    return render(request, "candidates/candidacy_form.html", context)


def _require_county(user: User, election: Election) -> None:
    # The service checks this too; checking first answers 403 before any form error.
    if not selectors.can_certify(user, election):
        raise PermissionDenied


@role_required
def id_check(request: HttpRequest) -> HttpResponse:
    require_write(request.user)  # only those who register people may probe ID numbers
    context = selectors.id_number_check(request.GET.get("id_number", ""), user=request.user)
    return render(request, "candidates/_id_check.html", context)


def _candidacy_page(request: HttpRequest, candidacy: Candidacy, **bound: BaseForm) -> HttpResponse:
    context = selectors.candidacy_page(candidacy)
    campaign = candidacy.election.campaign
    situations = list(campaign.disqualifying_situations.all())
    for office in context["offices"]:
        review = office.review
        initial = {"passed": "1" if review.passed else "0", "note": review.note} if review else {}
        if review and review.situation_id:
            initial["situation"] = str(review.situation_id)
        office.form = bound.get(f"review-{office.pk}") or ReviewForm(
            campaign=campaign, situations=situations, office=office, initial=initial
        )
    context["vote_form"] = bound.get("vote") or TownshipVoteForm.for_candidacy(candidacy)
    context["withdraw_form"] = bound.get("withdraw") or WithdrawForm(prefix="withdraw")
    context["can_write"] = not request.user.is_read_only
    # 先审计后选举: the reviewing offices see any unrectified audit finding naming them.
    context["audit_findings"] = list(unrectified_findings_for(candidacy.person, campaign))
    placed = {f"review-{office.pk}" for office in context["offices"]} | {"vote", "withdraw"}
    _unplaced(request, bound, placed)
    return render(request, "candidates/candidacy_detail.html", context)


@role_required
def candidacy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidacy = get_for_user(selectors.candidacy_queryset(), request.user, pk)
    return _candidacy_page(request, candidacy)


@role_required
@require_http_methods(["GET", "POST"])
def candidacy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidacy = get_for_user(selectors.candidacy_queryset(), request.user, pk, write=True)
    form = CandidacyForm(request.POST or None, instance=candidacy)
    if form.submitted(services.candidacy_update, by=request.user, candidacy=candidacy):
        messages.success(request, _("Changes saved."))
        return redirect("candidates:candidacy_detail", pk=candidacy.pk)
    context = {"form": form, "candidacy": candidacy, "election": candidacy.election}
    return render(request, "candidates/candidacy_form.html", context)


@role_required
@require_POST
@never_cache
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number and phone, for users who may write in the region; logged."""
    person = get_for_user(Person.objects, request.user, pk, write=True)
    LogEntry.objects.log_create(
        person,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"id_number": ["masked", "revealed"], "phone": ["masked", "revealed"]},
        actor=request.user,
    )
    template = (
        "candidates/_person_identity.html" if request.htmx else "candidates/person_reveal.html"
    )
    return render(request, template, {"person": person, "revealed": True, "back": _next(request)})


@role_required
@require_POST
def review_record(request: HttpRequest, pk: int) -> HttpResponse:
    candidacy = get_for_user(selectors.candidacy_queryset(), request.user, pk, write=True)
    campaign = candidacy.election.campaign
    situations = list(campaign.disqualifying_situations.all())
    form = ReviewForm(request.POST, campaign=campaign, situations=situations)
    review = form.submitted(services.review_record, by=request.user, candidacy=candidacy)
    if review is not None:
        messages.success(
            request, _("The review by %(office)s is recorded.") % {"office": review.office.name}
        )
        return redirect("candidates:candidacy_detail", pk=candidacy.pk)
    return _candidacy_page(request, candidacy, **{form.key: form})


@role_required
@require_POST
def township_vote(request: HttpRequest, pk: int) -> HttpResponse:
    candidacy = get_for_user(selectors.candidacy_queryset(), request.user, pk, write=True)
    form = TownshipVoteForm.for_candidacy(candidacy, request.POST)
    if form.submitted(services.township_vote_record, by=request.user, candidacy=candidacy):
        messages.success(request, _("The township committee's vote is recorded."))
        return redirect("candidates:candidacy_detail", pk=candidacy.pk)
    return _candidacy_page(request, candidacy, vote=form)


@role_required
@require_POST
def candidacy_advance(request: HttpRequest, pk: int) -> HttpResponse:
    candidacy = get_for_user(selectors.candidacy_queryset(), request.user, pk, write=True)
    try:
        services.candidacy_advance(by=request.user, candidacy=candidacy)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        values = {"name": candidacy.person.name, "stage": candidacy.get_stage_display()}
        messages.success(request, _("%(name)s is now: %(stage)s.") % values)
    return _back(request, reverse("candidates:candidacy_detail", args=[candidacy.pk]))


@role_required
@require_POST
def candidacy_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    candidacy = get_for_user(selectors.candidacy_queryset(), request.user, pk, write=True)
    form = WithdrawForm(request.POST, prefix="withdraw")
    if form.submitted(services.candidacy_withdraw, by=request.user, candidacy=candidacy):
        messages.success(request, _("%(name)s has withdrawn.") % {"name": candidacy.person.name})
        return redirect("candidates:candidacy_detail", pk=candidacy.pk)
    return _candidacy_page(request, candidacy, withdraw=form)


# Notices and objections ---------------------------------------------------------------------


@role_required
@require_POST
def notice_save(request: HttpRequest, pk: int) -> HttpResponse:
    election = get_for_user(selectors.election_queryset(), request.user, pk, write=True)
    form = NoticeForm(request.POST, prefix="notice")
    if form.submitted(services.notice_post, by=request.user, election=election):
        messages.success(request, _("The public notice is saved."))
        return redirect(_election_url(election, "notices"))
    return _election_page(request, election, notice=form)


@role_required
@require_POST
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_for_user(selectors.notice_queryset(), request.user, pk, write=True)
    form = ObjectionForm(request.POST, notice=notice)
    if form.submitted(services.objection_save, by=request.user):
        messages.success(request, _("The objection is recorded."))
        return redirect(_election_url(notice.election, "notices"))
    election = get_for_user(selectors.election_queryset(), request.user, notice.election_id)
    return _election_page(request, election, **{form.prefix: form})


@role_required
@require_POST
def objection_settle(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_for_user(
        Objection.objects.select_related("notice"), request.user, pk, write=True
    )
    form = SettleForm(request.POST, objection=objection)
    if form.submitted(services.objection_save, by=request.user):
        messages.success(request, _("The objection is settled."))
        return redirect(_election_url(objection.notice.election, "notices"))
    election = get_for_user(
        selectors.election_queryset(), request.user, objection.notice.election_id
    )
    return _election_page(request, election, **{form.prefix: form})


# Steps and attachments ----------------------------------------------------------------------


@role_required
@require_POST
def step_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Creates the election's step rows (on the first edit, never on reading) and opens one."""
    election = get_for_user(Election.objects, request.user, pk, write=True)
    form = StepCreateForm(request.POST, election=election)
    if not form.is_valid():
        messages.error(request, _("Choose a step of this election's procedure."))
        return redirect(_election_url(election, "steps"))
    steps = services.election_steps_ensure(election=election)
    definition = form.cleaned_data["definition"]
    step = next(step for step in steps if step.definition_id == definition.pk)
    return redirect("candidates:step_edit", pk=step.pk)


def _step_page(
    request: HttpRequest, step: ElectionStep, form: StepForm, upload: AttachmentForm
) -> HttpResponse:
    context = {"step": step, "election": step.election, "form": form, "upload_form": upload}
    return render(request, "candidates/step_form.html", context)


@role_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_for_user(selectors.step_queryset(), request.user, pk, write=True)
    form = StepForm(request.POST or None, instance=step)
    if form.submitted(services.step_update, by=request.user, step=step):
        messages.success(
            request, _("The step “%(name)s” is saved.") % {"name": step.definition.name}
        )
        return redirect(_election_url(step.election, "steps"))
    return _step_page(request, step, form, AttachmentForm())


@role_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_for_user(selectors.step_queryset(), request.user, pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)
    if form.submitted(services.attachment_add, by=request.user, step=step):
        messages.success(request, _("The file is attached."))
        return redirect("candidates:step_edit", pk=step.pk)
    return _step_page(request, step, StepForm(instance=step), form)


@role_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_for_user(StepAttachment.objects, request.user, pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# Voter exclusions ---------------------------------------------------------------------------


@role_required
@require_POST
def exclusion_create(request: HttpRequest, pk: int) -> HttpResponse:
    election = get_for_user(selectors.election_queryset(), request.user, pk, write=True)
    form = ExclusionForm(request.POST, election=election)
    if form.is_valid():
        form.save()
        messages.success(
            request, _("%(name)s is left out of the expected count.") % {"name": form.instance.name}
        )
        return redirect(_election_url(election, "exclusions"))
    return _election_page(request, election, exclusion=form)


@role_required
@require_POST
def exclusion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    exclusion = get_for_user(
        VoterExclusion.objects.select_related("election"), request.user, pk, write=True
    )
    if exclusion.election.locked:
        messages.error(request, services.MSG_LOCKED)
    else:
        exclusion.delete()
        messages.success(
            request, _("%(name)s counts as expected again.") % {"name": exclusion.name}
        )
    return redirect(_election_url(exclusion.election, "exclusions"))


# Rounds and tallies -------------------------------------------------------------------------


@role_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    election = get_for_user(selectors.election_queryset(), request.user, pk, write=True)
    kind = round_kind(request.POST.get("kind") or request.GET.get("kind"))
    form = RoundForm(request.POST or None, election=election, kind=kind)
    vote_round = form.submitted(services.round_open, by=request.user, election=election)
    if vote_round is not None:
        messages.success(request, _("The round is opened; enter its tally from the paper."))
        return redirect("candidates:tally_entry", pk=vote_round.pk)
    context = {"election": election, "form": form, "kind": kind, "kinds": RoundKind.choices}
    return render(request, "candidates/round_form.html", context)


MSG_TALLY_WAITING = gettext_lazy(
    "Your entry is saved. It waits for a second entry typed by another user."
)
MSG_TALLY_ACCEPTED = gettext_lazy("Both entries agree: the tally is accepted.")
MSG_TALLY_DIFFERENT = gettext_lazy(
    "The two entries differ. Both of you: check the paper and type the figures again."
)


def _tally_message(request: HttpRequest, differences: list[str] | None) -> None:
    if differences is None:
        messages.info(request, MSG_TALLY_WAITING)
    elif differences:
        messages.warning(request, MSG_TALLY_DIFFERENT)
    else:
        messages.success(request, MSG_TALLY_ACCEPTED)


@role_required
@require_http_methods(["GET", "POST"])
def tally_entry(request: HttpRequest, pk: int) -> HttpResponse:
    vote_round = get_for_user(selectors.round_queryset(), request.user, pk, write=True)
    lines = list(vote_round.lines.all())
    entered = selectors.own_entry(vote_round, request.user)
    form = TallyForm(request.POST or None, lines=lines, entered=entered)
    if request.method == "POST" and form.is_valid():
        try:
            differences = services.tally_enter(
                by=request.user, vote_round=vote_round, data=form.tally_data()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            _tally_message(request, differences)
            return redirect("candidates:tally_entry", pk=vote_round.pk)
    context = selectors.tally_state(vote_round, request.user) | {"form": form}
    return render(request, "candidates/tally_form.html", context)


@role_required
@require_POST
def tally_reset(request: HttpRequest, pk: int) -> HttpResponse:
    vote_round = get_for_user(selectors.round_queryset(), request.user, pk, write=True)
    try:
        services.tally_reject_entries(by=request.user, vote_round=vote_round)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Both entries are discarded; the tally can be typed afresh."))
    return redirect("candidates:tally_entry", pk=vote_round.pk)


# The county: approval queue, certification, unlocking ---------------------------------------


@role_required
def approval_queue(request: HttpRequest) -> HttpResponse:
    if not selectors.is_approver(request.user):
        raise PermissionDenied
    elections = selectors.approval_queue(request.user)
    page = Paginator(elections, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": selectors.queue_rows(list(page))}
    return render(request, "candidates/approval_queue.html", context)


@role_required
@require_POST
def election_certify(request: HttpRequest, pk: int) -> HttpResponse:
    election = get_for_user(selectors.election_queryset(), request.user, pk, write=True)
    _require_county(request.user, election)
    form = CertifyForm(request.POST, prefix="certify")
    if form.submitted(services.election_certify, by=request.user, election=election):
        messages.success(request, _("The result is certified and locked."))
        return redirect(_election_url(election))
    return _election_page(request, election, certify=form)


@role_required
@require_POST
def election_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    election = get_for_user(selectors.election_queryset(), request.user, pk, write=True)
    _require_county(request.user, election)
    form = UnlockForm(request.POST, prefix="unlock")
    if form.submitted(services.election_unlock, by=request.user, election=election):
        messages.success(request, _("The election is unlocked; the unlocking is logged."))
        return redirect(_election_url(election))
    return _election_page(request, election, unlock=form)


# Exports ------------------------------------------------------------------------------------
# GET: masked. POST with 显示完整证件号码 ticked: in full, for users who may write, logged.


@role_required
@require_http_methods(["GET", "POST"])
@never_cache
def people_export(request: HttpRequest) -> HttpResponse:
    """The campaign's people and candidacies in the user's region, as the 人员名单 sheet."""
    reveal = reveal_requested(request)
    campaign, elections, params = listed_elections(request)
    candidacies = Candidacy.objects.visible_to(request.user).filter(election__in=elections)
    export = exports.people_export(candidacies, reveal=reveal, subject=campaign.name)
    return xlsx_response(request, export, reveal=reveal, about=campaign, filters=params)


@role_required
@require_http_methods(["GET", "POST"])
@never_cache
def candidates_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One election's candidates, as the 人员名单 sheet."""
    election = get_for_user(selectors.election_queryset(), request.user, pk)
    reveal = reveal_requested(request)
    candidacies = Candidacy.objects.filter(election=election)
    subject = f"{election.branch.village.name}-{election.campaign.name}"
    export = exports.people_export(candidacies, reveal=reveal, subject=subject)
    filters = {"election": str(election.pk)}
    return xlsx_response(request, export, reveal=reveal, about=election, filters=filters)


@role_required
@require_http_methods(["GET", "POST"])
@never_cache
def committee_export(request: HttpRequest) -> HttpResponse:
    """The committees (members and posts) the campaign's elections produced in the region."""
    reveal = reveal_requested(request)
    campaign, elections, params = listed_elections(request)
    members = CommitteeMember.objects.visible_to(request.user).filter(election__in=elections)
    export = exports.committee_export(members, campaign=campaign, reveal=reveal)
    return xlsx_response(request, export, reveal=reveal, about=campaign, filters=params)
