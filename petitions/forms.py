"""Forms of the petition pages. They check what is typed and hand it to a service; the
service's ValidationError comes back as the form's own errors, in Chinese."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from candidates.forms import ServiceForm
from elections.forms import DateInput, PhoneField
from elections.models import County, Township, Village
from petitions import selectors, services
from petitions.deadlines import MAX_EXTENSION_DAYS
from petitions.models import Category, Channel, Level, Petition

MSG_NO_VILLAGE = _("No village or community in your region has this code.")
MSG_CANDIDATE_NEEDS_VILLAGE = _("Give the village in which the candidate stands.")
MSG_NO_CANDIDATE = _("No candidate of this name stands in this village.")
# Service errors on model fields that the form shows on another field.
SERVICE_FIELDS = {"candidacy": "candidate_name", "election": "village"}


class VillageCodeField(forms.ModelChoiceField):
    """A village by its 12-digit division code, typed (a list of 1,700 would not do)."""

    default_error_messages = {"invalid_choice": MSG_NO_VILLAGE}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Village.objects.none(),
            to_field_name="code",
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value: Any) -> Village | None:
        return super().to_python("".join(str(value or "").split()))


class PetitionForm(ServiceForm, forms.Form):
    """Registers a petition, or corrects one: a township's form has no related township,
    village or candidate (it never links a petition to its own township, and cannot see
    the others); the level and the receiving unit are fixed once registered."""

    level = forms.ChoiceField(label=_("Level received"))
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False
    )
    receiving_township = forms.ModelChoiceField(
        label=_("Receiving township"), queryset=Township.objects.none(), required=False
    )
    received_on = forms.DateField(label=_("Date received"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    real_name = forms.TypedChoiceField(
        label=_("Real name or anonymous"),
        choices=(("1", _("Real name")), ("0", _("Anonymous"))),
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    petitioner_name = forms.CharField(label=_("Petitioner"), max_length=50, required=False)
    petitioner_phone = PhoneField(label=_("Phone"))
    people_count = forms.IntegerField(label=_("Number of people"), min_value=1, initial=1)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    about_township = forms.ModelChoiceField(
        label=_("About township"),
        queryset=Township.objects.none(),
        required=False,
        help_text=_("When the petition concerns a township's officials rather than a village."),
    )
    village = VillageCodeField(
        label=_("Related village (division code)"),
        required=False,
        help_text=_("The 12-digit code; the township and the election follow from it."),
    )
    candidate_name = forms.CharField(
        label=_("Related candidate"),
        max_length=50,
        required=False,
        help_text=_("The name of a candidate standing in that village."),
    )
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))

    RELATED = ("about_township", "village", "candidate_name")
    UNITS = ("level", "county", "receiving_township")

    def __init__(self, *args: Any, user: User, petition: Petition | None = None, **kwargs: Any):
        self.user, self.petition = user, petition
        if petition is not None:
            kwargs.setdefault("initial", initial_of(petition))
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lv, Level(lv).label) for lv in services.levels_for(user)]
        self.fields["county"].queryset = County.objects.visible_to(user)
        townships = Township.objects.visible_to(user).select_related("county")
        self.fields["receiving_township"].queryset = townships
        self.fields["about_township"].queryset = townships
        self.fields["village"].queryset = Village.objects.visible_to(user)
        if user.role == Role.TOWNSHIP:
            for name in self.RELATED:
                del self.fields[name]
        if petition is not None:
            for name in self.UNITS:
                if name != "county" or petition.level != Level.CITY:
                    del self.fields[name]
        self.fields["received_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if petition is None:
            self.fields["received_on"].initial = timezone.localdate()
            counties = list(self.fields["county"].queryset[:2])
            if len(counties) == 1:  # a county's own: no need to choose
                self.fields["county"].initial = counties[0].pk

    def clean(self) -> dict:
        data = super().clean()
        name = (data.get("candidate_name") or "").strip()
        if name:
            village = data.get("village")
            if village is None:
                if "village" not in self.errors:
                    self.add_error("candidate_name", MSG_CANDIDATE_NEEDS_VILLAGE)
            else:
                candidacy = selectors.find_candidacy(
                    self.user, village, name, data.get("received_on")
                )
                if candidacy is None:
                    self.add_error("candidate_name", MSG_NO_CANDIDATE)
                data["candidacy"] = candidacy
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("candidate_name", None)
        if self.user.role != Role.TOWNSHIP:
            data.setdefault("candidacy", None)
        if data.get("village") is not None:
            data["about_township"] = None  # follows from the village
        return data

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            renamed: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                renamed.setdefault(SERVICE_FIELDS.get(name, name), []).extend(errors)
            error = ValidationError(renamed)
        super().add_service_error(error)


def initial_of(petition: Petition) -> dict:
    return {
        "county": petition.county_id,
        "received_on": petition.received_on,
        "channel": petition.channel,
        "real_name": "1" if petition.real_name else "0",
        "petitioner_name": petition.petitioner_name,
        "petitioner_phone": petition.petitioner_phone,
        "people_count": petition.people_count,
        "category": petition.category,
        # An explicit township only; with a village, the township follows from it.
        "about_township": None if petition.village_id else petition.about_township_id,
        "village": petition.village.code if petition.village_id else "",
        "candidate_name": petition.candidacy.person.name if petition.candidacy_id else "",
        "content": petition.content,
    }


# The steps of the workflow ----------------------------------------------------------------


def _today() -> str:
    return timezone.localdate().isoformat()


class StepForm(ServiceForm, forms.Form):
    """A step with its date and an optional note: accept, investigate, close."""

    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=_today)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(ServiceForm, forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=_today)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(ServiceForm, forms.Form):
    to = forms.CharField(
        label=_("Transferred to"),
        max_length=100,
        help_text=_("The unit that handles it, e.g. the county organization department."),
    )
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=_today)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(ServiceForm, forms.Form):
    on = forms.DateField(label=_("Date answered"), widget=DateInput(), initial=_today)
    answer = forms.CharField(
        label=_("Answer to the petitioner"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendForm(ServiceForm, forms.Form):
    days = forms.IntegerField(
        label=_("Extension (days)"), min_value=1, max_value=MAX_EXTENSION_DAYS, initial=30
    )
    approved_by = forms.CharField(
        label=_("Approver"),
        max_length=100,
        help_text=_("The leader who approved the extension, with their post."),
    )
    approved_on = forms.DateField(label=_("Approved on"), widget=DateInput(), initial=_today)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(ServiceForm, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG, PNG, Word or Excel; at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )

    def service_kwargs(self) -> dict:
        return {"upload": self.cleaned_data["file"]}
