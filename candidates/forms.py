"""Forms of the candidates pages. They validate what is typed and hand it to a service;
a service's ValidationError comes back as the form's own errors, in Chinese."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from accounts.models import User
from candidates import services
from candidates.identity import gender_from_id, id_problems, normalize_id_number
from candidates.models import (
    BallotLine,
    Candidacy,
    DisqualifyingSituation,
    ElectionStep,
    ExclusionReason,
    NoticeKind,
    Objection,
    Person,
    PublicNotice,
    ReviewOffice,
    RoundKind,
    StepDefinition,
    VoterExclusion,
    VoteRound,
)
from candidates.selectors import vote_labels
from elections.forms import BootstrapMixin, DateInput, PhoneField
from elections.models import Campaign, Election

CANDIDACY_FIELDS = (
    "education",
    "source",
    "post_sought",
    "recommendation_votes",
    "strong_two",
    "lead_two",
    "women_director",
)
PERSON_FIELDS = ("id_number", "name", "gender", "birth_date", "ethnicity", "party_joined", "phone")
VOTE_PARTS = ("yes", "no", "abstain")


def model_field(model: type, name: str, **kwargs: Any) -> forms.Field:
    """The form field a model field declares, with its Chinese label."""
    return model._meta.get_field(name).formfield(**kwargs)


class ServiceForm(BootstrapMixin):
    """A form whose data goes to a service; the service's ValidationError lands on the form."""

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)

    def submitted(self, service: Callable[..., Any], **kwargs: Any) -> Any:
        """The service's result if the form was sent, is valid and the service accepts it."""
        return self.submit(service, **kwargs) if self.is_valid() else None

    def submit(self, service: Callable[..., Any], **kwargs: Any) -> Any:
        """``service(**kwargs, **cleaned data)``; None (and the errors on the form) if it fails."""
        return self.attempt(lambda: service(**kwargs, **self.service_kwargs()))

    def attempt(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except ValidationError as error:
            self.add_service_error(error)
            return None

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)
        self.mark_invalid()

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        # The error's id follows the field's own id, which carries the form's prefix.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"


# Candidates ---------------------------------------------------------------------------------


class CandidacyCreateForm(ServiceForm, forms.Form):
    """The person (ID number first) and what is true of them in this election, in one form."""

    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "hx-get": reverse_lazy("candidates:id_check"),
                "hx-trigger": "change",
                "hx-target": "#id-check",
                "aria-describedby": "id-check",
            }
        ),
    )
    name = model_field(Person, "name", label=_("Name"))
    gender = model_field(Person, "gender", required=False)
    birth_date = model_field(Person, "birth_date", required=False, widget=DateInput())
    ethnicity = model_field(Person, "ethnicity")
    party_joined = model_field(Person, "party_joined", widget=DateInput())
    phone = PhoneField(label=Person._meta.get_field("phone").verbose_name)
    education = model_field(Candidacy, "education")
    source = model_field(Candidacy, "source")
    post_sought = model_field(Candidacy, "post_sought")
    recommendation_votes = model_field(Candidacy, "recommendation_votes")
    strong_two = model_field(Candidacy, "strong_two")
    lead_two = model_field(Candidacy, "lead_two")
    women_director = model_field(Candidacy, "women_director")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hint = _("Leave empty to take it from the ID number.")
        self.fields["gender"].help_text = self.fields["birth_date"].help_text = hint

    def person_part(self) -> list[forms.BoundField]:
        return [self[name] for name in PERSON_FIELDS]

    def candidacy_part(self) -> list[forms.BoundField]:
        return [self[name] for name in CANDIDACY_FIELDS]

    def clean_id_number(self) -> str:
        number = normalize_id_number(self.cleaned_data["id_number"])
        problems = id_problems(number)
        if problems:
            raise ValidationError(problems)
        return number

    def clean(self) -> dict:
        data = super().clean()
        number = data.get("id_number")
        if number:
            data["birth_date"] = data.get("birth_date") or ric.get_birth_date(number)
            data["gender"] = data.get("gender") or gender_from_id(number)
        return data

    def save(self, *, by: User, election: Election) -> Candidacy | None:
        """Registers the person (reusing the one with this ID number) and the candidacy
        together: both or neither."""
        data = self.cleaned_data
        # Optional fields left empty do not wipe what an already registered person has.
        person = {n: data[n] for n in PERSON_FIELDS if data.get(n) not in (None, "")}
        candidacy = {n: data[n] for n in CANDIDACY_FIELDS}
        township_id = election.branch.village.township_id

        def register() -> Candidacy:
            with transaction.atomic():
                saved = services.person_save(by=by, township_id=township_id, **person)
                return services.candidacy_register(
                    by=by, election=election, person=saved, **candidacy
                )

        return self.attempt(register)


class CandidacyForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Candidacy
        fields = list(CANDIDACY_FIELDS)


class ReviewForm(ServiceForm, forms.Form):
    """One office's verdict. Field names carry no prefix (the office is a hidden field), so
    the ids are made unique per office instead."""

    office = forms.ModelChoiceField(queryset=ReviewOffice.objects.none(), widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("1", _("Passed")), ("0", _("Not passed"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    situation = forms.TypedChoiceField(label=_("Disqualifying situation"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )

    def __init__(
        self,
        data: Any = None,
        *,
        campaign: Campaign,
        situations: list[DisqualifyingSituation],
        office: ReviewOffice | None = None,
        initial: dict | None = None,
    ) -> None:
        key = office.pk if office else (data or {}).get("office", "")
        initial = {**(initial or {}), "office": office.pk} if office else initial
        super().__init__(data, initial=initial, auto_id=f"id_review{key}_%s")
        self.key = f"review-{key}"
        self.fields["office"].queryset = campaign.review_offices.all()
        by_pk = {str(s.pk): s for s in situations}
        situation = self.fields["situation"]
        situation.choices = [("", "—"), *((pk, s.name) for pk, s in by_pk.items())]
        situation.coerce = by_pk.get
        situation.empty_value = None


class TownshipVoteForm(ServiceForm, forms.Form):
    yes = model_field(Candidacy, "township_yes", required=True)
    no = model_field(Candidacy, "township_no", required=True)
    abstain = model_field(Candidacy, "township_abstain", required=True)
    observed = model_field(Candidacy, "township_vote_observed")
    recorded = model_field(Candidacy, "township_vote_recorded")

    @classmethod
    def for_candidacy(cls, candidacy: Candidacy, data: Any = None) -> "TownshipVoteForm":
        initial = {
            "yes": candidacy.township_yes,
            "no": candidacy.township_no,
            "abstain": candidacy.township_abstain,
            "observed": candidacy.township_vote_observed,
            "recorded": candidacy.township_vote_recorded,
        }
        return cls(data, initial=initial, prefix="vote")


class WithdrawForm(ServiceForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 2})
    )


# Notices and objections ---------------------------------------------------------------------


class NoticeForm(ServiceForm, forms.Form):
    kind = model_field(PublicNotice, "kind")
    start_date = model_field(PublicNotice, "start_date", widget=DateInput())
    end_date = model_field(PublicNotice, "end_date", widget=DateInput())
    note = model_field(PublicNotice, "note", widget=forms.Textarea(attrs={"rows": 1}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = NoticeKind.choices


class CandidacyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Candidacy) -> str:
        return obj.person.name


class ObjectionForm(ServiceForm, forms.ModelForm):
    candidacy = CandidacyChoiceField(
        queryset=Candidacy.objects.none(), required=False, label=_("About")
    )

    class Meta:
        model = Objection
        fields = ["received_on", "candidacy", "content"]
        widgets = {"received_on": DateInput(), "content": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, data: Any = None, *, notice: PublicNotice) -> None:
        instance = Objection(notice=notice)
        super().__init__(data, instance=instance, prefix=f"objection-{notice.pk}")
        candidacies = Candidacy.objects.filter(election=notice.election_id)
        self.fields["candidacy"].queryset = candidacies.select_related("person")

    def service_kwargs(self) -> dict:
        return {"objection": self.instance}


class SettleForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["settled_on", "settlement"]
        widgets = {"settled_on": DateInput(), "settlement": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, data: Any = None, *, objection: Objection) -> None:
        super().__init__(data, instance=objection, prefix=f"settle-{objection.pk}")
        for field in self.fields.values():
            field.required = True

    def service_kwargs(self) -> dict:
        return {"objection": self.instance}


# Steps, exclusions --------------------------------------------------------------------------


class StepCreateForm(forms.Form):
    definition = forms.ModelChoiceField(queryset=StepDefinition.objects.none())

    def __init__(self, data: Any, *, election: Election) -> None:
        super().__init__(data)
        definitions = StepDefinition.objects.filter(method=election.method)
        self.fields["definition"].queryset = definitions


class StepForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = ElectionStep
        fields = ["planned_on", "done_on", "responsible", "notes"]
        labels = {"planned_on": _("Planned on"), "done_on": _("Done on")}
        widgets = {
            "planned_on": DateInput(),
            "done_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class AttachmentForm(ServiceForm, forms.Form):
    upload = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG, PNG, Word or Excel, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )


class ExclusionForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = VoterExclusion
        fields = ["name", "reason", "detail", "township_approved", "meeting_agreed"]

    def __init__(self, data: Any = None, *, election: Election) -> None:
        instance = VoterExclusion(election=election)
        super().__init__(data, instance=instance, prefix="exclusion")
        # Only the five kinds may be left out (domain.md); "other" stays for old records.
        self.fields["reason"].choices = [
            (value, label)
            for value, label in self.fields["reason"].choices
            if value != ExclusionReason.OTHER
        ]

    def clean(self) -> dict:
        # There is no service for exclusions; a locked election's rows are refused here
        # rather than by the database trigger (which would be a server error).
        if self.instance.election.locked:
            raise ValidationError(services.MSG_LOCKED)
        return super().clean()


# Rounds and tallies -------------------------------------------------------------------------


def round_kind(value: str | None) -> str:
    return value if value in RoundKind.values else RoundKind.COMMITTEE


class RoundForm(ServiceForm, forms.Form):
    kind = forms.ChoiceField(choices=RoundKind.choices, widget=forms.HiddenInput)
    seats = model_field(VoteRound, "seats", min_value=1, max_value=7)
    held_on = model_field(VoteRound, "held_on", widget=DateInput())
    candidacies = forms.TypedMultipleChoiceField(
        label=_("Candidates on the ballot"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    write_ins = forms.CharField(
        label=_("Written-in names"),
        required=False,
        help_text=_("One name per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data: Any = None, *, election: Election, kind: str) -> None:
        self.eligible = {c.pk: c for c in services.round_candidates(election, kind)}
        initial = {
            "kind": kind,
            "seats": election.branch.seats if kind == RoundKind.COMMITTEE else 1,
            "held_on": election.planned_date or timezone.localdate(),
            "candidacies": list(self.eligible),
        }
        super().__init__(data, initial=initial)
        self.fields["candidacies"].choices = [
            (pk, f"{c.person.name}（{c.get_post_sought_display()}）")
            for pk, c in self.eligible.items()
        ]

    def clean_candidacies(self) -> list[Candidacy]:
        return [self.eligible[pk] for pk in self.cleaned_data["candidacies"]]

    def clean_write_ins(self) -> list[str]:
        return [
            name.strip() for name in self.cleaned_data["write_ins"].splitlines() if name.strip()
        ]


class TallyForm(ServiceForm, forms.Form):
    """The paper tally, in the paper's order: the six figures, then each name's votes, row by
    row; the DOM order is the tab order."""

    def __init__(
        self, data: Any = None, *, lines: list[BallotLine], entered: dict | None = None
    ) -> None:
        super().__init__(data, initial=self.initial_from(entered, lines))
        self.lines = lines
        for name in services.TALLY_FIELDS:
            self.fields[name] = self.number(VoteRound._meta.get_field(name).verbose_name)
        labels = vote_labels()
        for line in lines:
            for part in VOTE_PARTS:
                label = f"{line.label} {labels[part]}"
                self.fields[f"line{line.pk}_{part}"] = self.number(label)
        self.fields[services.TALLY_FIELDS[0]].widget.attrs["autofocus"] = True

    @staticmethod
    def number(label: str) -> forms.IntegerField:
        widget = forms.TextInput(
            attrs={
                "class": "form-control form-control-sm text-end",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autocomplete": "off",
            }
        )
        return forms.IntegerField(label=label, min_value=0, widget=widget)

    @staticmethod
    def initial_from(entered: dict | None, lines: list[BallotLine]) -> dict:
        """The user's own earlier typing, so it can be corrected and sent again."""
        if not entered:
            return {}
        initial = {name: entered.get(name) for name in services.TALLY_FIELDS}
        votes = entered.get("votes", {})
        for line in lines:
            for part, value in zip(VOTE_PARTS, votes.get(line.key, ()), strict=False):
                initial[f"line{line.pk}_{part}"] = value
        return initial

    @property
    def header(self) -> list[forms.BoundField]:
        return [self[name] for name in services.TALLY_FIELDS]

    @property
    def rows(self) -> list[tuple[BallotLine, list[forms.BoundField]]]:
        return [(line, [self[f"line{line.pk}_{p}"] for p in VOTE_PARTS]) for line in self.lines]

    def tally_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in services.TALLY_FIELDS}
        data["votes"] = {
            line.key: [self.cleaned_data[f"line{line.pk}_{part}"] for part in VOTE_PARTS]
            for line in self.lines
        }
        return data


# Certification ------------------------------------------------------------------------------


class CertifyForm(ServiceForm, forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for certifying despite the failed rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UnlockForm(ServiceForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason for unlocking"), widget=forms.Textarea(attrs={"rows": 2})
    )
