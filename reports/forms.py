from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from elections.forms import BootstrapMixin
from elections.models import Campaign, County, Township
from reports.models import MeasureText, ReportSection


class ReportRequestForm(BootstrapMixin, forms.Form):
    """Campaign and scope of a report; the choices are only the units the user sees in full."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.none(),
        required=False,
        empty_label=_("The whole city"),
    )
    township = forms.ModelChoiceField(
        label=_("Township"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("Every township of the area chosen"),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        campaigns = Campaign.objects.visible_to(user)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].initial = campaigns.current()
        self.fields["county"].queryset = County.objects.visible_to(user).order_by("code")
        self.fields["township"].queryset = (
            Township.objects.visible_to(user).select_related("county").order_by("code")
        )
        # Townships under their county's name (an optgroup each): at province scale the list
        # holds over a thousand, and the county is how officials look one up.
        grouped: dict[str, list[tuple[int, str]]] = {}
        for township in self.fields["township"].queryset:
            grouped.setdefault(township.county.name, []).append((township.pk, township.name))
        self.fields["township"].choices = [("", self.fields["township"].empty_label)] + [
            (county, options) for county, options in grouped.items()
        ]
        if user.role == Role.COUNTY and not user.is_city:
            # A county's report is always of the county (or one of its townships).
            self.fields["county"].empty_label = None
            self.fields["county"].initial = user.county_id

    def clean(self) -> dict:
        data = super().clean()
        county, township = data.get("county"), data.get("township")
        if township is not None and county is not None and township.county_id != county.pk:
            raise ValidationError(
                {
                    "township": _("%(township)s is not in %(county)s.")
                    % {"township": township.name, "county": county.name}
                }
            )
        if township is not None and county is None:
            data["county"] = township.county
        return data


class MeasureTextsForm(BootstrapMixin, forms.Form):
    """One text per heading of part 2 for one county and campaign; an emptied text is
    deleted."""

    def __init__(self, *args: object, headings: list, texts: dict, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.headings = headings
        limit = MeasureText._meta.get_field("text").max_length
        for heading in headings:
            self.fields[heading.slug] = forms.CharField(
                label=heading.title,
                required=False,
                max_length=limit,
                help_text=heading.hint,
                initial=texts.get(heading.pk, ""),
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-sm"}),
            )

    def groups(self) -> list[tuple[str, list]]:
        """The bound fields under their group titles, in the report's order."""
        found: dict[str, list] = {}
        for heading in self.headings:
            found.setdefault(heading.group_title, []).append(self[heading.slug])
        return list(found.items())


class ReportSectionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ReportSection
        fields = ["order", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
