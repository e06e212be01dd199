from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from elections.models import SEAT_LIMITS, Branch, BranchKind, Election, Village
from elections.services import MSG_LOCKED
from sheets.parsing import CellError, phone


class BootstrapMixin:
    """Gives every widget Bootstrap's classes and marks invalid fields for screen readers."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            # RadioSelect (and CheckboxSelectMultiple, its subclass) draws boxes, not a field.
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
                _blank_as_words(field)
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"


DASHES = "---------"  # Django's label for "nothing chosen"


def _blank_as_words(field: forms.Field) -> None:
    """A select's empty choice says 请选择 rather than Django's dashes."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = _("Choose…")
    elif isinstance(field, forms.ChoiceField) and (DASHES in dict(field.choices).values()):
        field.choices = [
            (value, _("Choose…") if label == DASHES else label) for value, label in field.choices
        ]


class PhoneField(forms.CharField):
    """A phone number, typed as people type it (spaces, dashes, full-width digits) and kept
    as digits; the same check as the Excel imports' 联系电话 column."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value: object) -> str:
        try:
            return phone(super().clean(value))
        except CellError as problem:
            raise ValidationError(str(problem), code="phone") from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ElectionForm(BootstrapMixin, forms.ModelForm):
    def clean(self) -> dict:
        # The service refuses too; saying it here re-renders the form with the reason.
        if self.instance.locked:
            raise forms.ValidationError(MSG_LOCKED)
        return super().clean()

    class Meta:
        model = Election
        fields = [
            "status",
            "method",
            "mode",
            "batch",
            "planned_date",
            "held_date",
            "postponement_reason",
        ]
        widgets = {
            "planned_date": DateInput(),
            "held_date": DateInput(),
            "postponement_reason": forms.Textarea(attrs={"rows": 2}),
        }


class VillageForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Village
        fields = ["code", "name", "kind", "party_members", "grade", "is_difficult"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The division code is the village's natural key across imports: fixed once set.
            self.fields["code"].disabled = True


class VillageCreateForm(VillageForm):
    branch_kind = forms.ChoiceField(
        label=_("Party organization kind"), choices=BranchKind.choices, initial=BranchKind.BRANCH
    )
    seats = forms.IntegerField(label=_("committee seats"), min_value=3, max_value=7, initial=3)

    def clean(self) -> dict:
        data = super().clean()
        kind, seats = data.get("branch_kind"), data.get("seats")
        if kind and seats:
            low, high = SEAT_LIMITS[BranchKind(kind)]
            if not low <= seats <= high:
                self.add_error(
                    "seats",
                    _("A %(kind)s has %(low)d to %(high)d committee seats.")
                    % {"kind": BranchKind(kind).label, "low": low, "high": high},
                )
        return data


class BranchForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Branch
        fields = ["name", "kind", "seats"]
