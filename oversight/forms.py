"""Forms of the oversight pages: they offer only the villages, townships and levels the user
may write, and hand the data to a service, whose ValidationError lands on the form."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from candidates.forms import ServiceForm
from elections.forms import DateInput
from elections.models import County, Township, Village
from oversight.models import (
    InspectionVisit,
    Risk,
    SecretaryAdjustment,
    TrainingLevel,
    TrainingSession,
)
from oversight.permissions import visit_townships

TEXTAREA = {"rows": 3}


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Village) -> str:
        return f"{obj.township.name} · {obj.name}（{obj.code}）"


def writable_villages(user: User) -> QuerySet[Village]:
    if user.is_read_only:
        return Village.objects.none()
    return Village.objects.visible_to(user).select_related("township").order_by("code")


# Risks ----------------------------------------------------------------------------------------

RISK_FIELDS = [
    "category",
    "level",
    "description",
    "owner",
    "plan",
    "status",
    "found_on",
    "resolved_on",
]
RISK_WIDGETS = {
    "found_on": DateInput(),
    "resolved_on": DateInput(),
    "description": forms.Textarea(attrs=TEXTAREA),
    "plan": forms.Textarea(attrs=TEXTAREA),
}


class RiskCreateForm(ServiceForm, forms.ModelForm):
    village = VillageChoiceField(label=_("Village or community"), queryset=Village.objects.none())

    class Meta:
        model = Risk
        fields = ["village", *RISK_FIELDS]
        widgets = RISK_WIDGETS

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = writable_villages(user)


class RiskForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Risk
        fields = RISK_FIELDS
        widgets = RISK_WIDGETS


class DifficultForm(forms.Form):
    difficult = forms.TypedChoiceField(
        choices=[("1", _("Difficult village")), ("0", _("Not a difficult village"))],
        coerce=lambda value: value == "1",
    )


# Secretary adjustments ------------------------------------------------------------------------

ADJUSTMENT_FIELDS = [
    "adjusted_on",
    "previous_secretary",
    "new_secretary",
    "reason",
    "reason_detail",
    "approved_by",
]
ADJUSTMENT_WIDGETS = {
    "adjusted_on": DateInput(),
    "reason_detail": forms.Textarea(attrs=TEXTAREA),
}


class AdjustmentCreateForm(ServiceForm, forms.ModelForm):
    village = VillageChoiceField(label=_("Village or community"), queryset=Village.objects.none())

    class Meta:
        model = SecretaryAdjustment
        fields = ["village", *ADJUSTMENT_FIELDS]
        widgets = ADJUSTMENT_WIDGETS

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = writable_villages(user)


class AdjustmentForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = SecretaryAdjustment
        fields = ADJUSTMENT_FIELDS
        widgets = ADJUSTMENT_WIDGETS


# Inspection visits ----------------------------------------------------------------------------


class VisitForm(ServiceForm, forms.ModelForm):
    """A visit of the user's own group, to one of the townships assigned to it."""

    village = VillageChoiceField(
        label=_("Village or community"),
        queryset=Village.objects.none(),
        required=False,
        help_text=_("Empty when the visit was to the township itself."),
    )

    class Meta:
        model = InspectionVisit
        fields = ["visited_on", "township", "village", "findings", "follow_up", "follow_up_done"]
        widgets = {
            "visited_on": DateInput(),
            "findings": forms.Textarea(attrs=TEXTAREA),
            "follow_up": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        townships = visit_townships(user)
        self.fields["township"].queryset = townships
        self.fields["village"].queryset = (
            Village.objects.filter(township__in=townships)
            .select_related("township")
            .order_by("code")
        )


# Training -------------------------------------------------------------------------------------


class TrainingForm(ServiceForm, forms.ModelForm):
    """The levels and organizers offered are those the user may record."""

    class Meta:
        model = TrainingSession
        fields = [
            "held_on",
            "level",
            "county",
            "township",
            "title",
            "participants",
            "exam_taken",
            "passed",
            "notes",
        ]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs=TEXTAREA)}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels, counties, townships = _organizers(user)
        self.fields["level"].choices = [(level.value, level.label) for level in levels]
        self.fields["county"].queryset = counties
        self.fields["township"].queryset = townships.select_related("county")
        self.fields["county"].help_text = _("For a county's training.")
        self.fields["township"].help_text = _("For a township's training.")
        if user.role == Role.COUNTY:
            self.fields["county"].initial = user.county_id
        if user.role == Role.TOWNSHIP:
            # A township records its own training only: nothing to choose but the details.
            del self.fields["county"]
            self.fields["township"].initial = user.township_id


def _organizers(
    user: User,
) -> tuple[list[TrainingLevel], QuerySet[County], QuerySet[Township]]:
    """The levels, counties and townships ``user`` may record training for."""
    if user.is_read_only:
        return [], County.objects.none(), Township.objects.none()
    townships = Township.objects.visible_to(user)
    if user.is_city:
        return list(TrainingLevel), County.objects.all(), townships
    if user.role == Role.COUNTY:
        counties = County.objects.filter(pk=user.county_id)
        return [TrainingLevel.COUNTY, TrainingLevel.TOWNSHIP], counties, townships
    return [TrainingLevel.TOWNSHIP], County.objects.none(), townships
