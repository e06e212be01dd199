from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from elections.forms import BootstrapMixin
from elections.models import Campaign
from sheets.reader import limits
from sheets.registry import titles


class ImportForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What to import"))
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    upload = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = titles(user)
        campaigns = Campaign.objects.visible_to(user)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].initial = campaigns.current()
        self.fields["upload"].help_text = _(
            "Fill in the template; at most %(max)d MB, every row is checked before anything "
            "is written."
        ) % {"max": limits().upload_bytes // 2**20}
