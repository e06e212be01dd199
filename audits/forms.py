"""Forms of the audit pages. They check what is typed and hand it to a service; a service's
ValidationError comes back as the form's own errors, in Chinese."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, AuditFinding
from audits.services import AUDIT_FIELDS, FINDING_FIELDS
from candidates.forms import ServiceForm
from candidates.models import Person
from elections.forms import DateInput
from elections.models import Village

DATE_FIELDS = ("period_start", "period_end", "completed_on", "rectified_on")


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village: Village) -> str:
        return f"{village.code} {village.township.name} {village.name}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person: Person) -> str:
        return f"{person.name}（{person.masked_id_number}）"


class NotNegativeMixin:
    """Amounts in yuan are never negative: said by the form too, with the other errors."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                field.validators.append(MinValueValidator(Decimal(0)))
                field.widget.attrs["min"] = "0"


class AuditForm(NotNegativeMixin, ServiceForm, forms.ModelForm):
    class Meta:
        model = Audit
        fields = list(AUDIT_FIELDS)
        widgets = {
            **{name: DateInput() for name in DATE_FIELDS if name in AUDIT_FIELDS},
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self) -> None:
        # The service runs the model's checks (with its own rules first); the form only types.
        pass


class AuditCreateForm(AuditForm):
    village = VillageChoiceField(label=_("Village or community"), queryset=Village.objects.none())

    class Meta(AuditForm.Meta):
        fields = ["village", *AUDIT_FIELDS]

    def __init__(self, *args: object, villages: QuerySet[Village], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.order_fields(["village", *AUDIT_FIELDS])


class MarkDoneForm(ServiceForm, forms.Form):
    completed_on = forms.DateField(
        label=_("date completed"), widget=DateInput(), initial=timezone.localdate
    )


class FindingForm(NotNegativeMixin, ServiceForm, forms.ModelForm):
    class Meta:
        model = AuditFinding
        fields = list(FINDING_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "rectified_on": DateInput(),
        }
        field_classes = {"responsible_person": PersonChoiceField}

    def __init__(self, *args: object, people: QuerySet[Person], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["responsible_person"]
        field.queryset = people
        field.help_text = _(
            "Someone standing in this village's election; a person not listed goes in the "
            "name field."
        )

    def _post_clean(self) -> None:
        pass
