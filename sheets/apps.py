from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SheetsConfig(AppConfig):
    """Excel in and out: templates, all-or-nothing imports, masked exports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sheets"
    verbose_name = _("Spreadsheets")
