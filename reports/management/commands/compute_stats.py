"""Print every figure of a campaign's report, with the keys docs/figures.md documents."""

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from elections.models import Campaign, County, Township
from reports.statistics import compute_figures


class Command(BaseCommand):
    help = (
        "Compute the report's figures for a campaign (by id or name), for the whole city or "
        "one county or township, within a user's region; --json prints them with stable keys."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--campaign", required=True, help="Campaign id or name.")
        parser.add_argument("--county", help="County division code (6 digits).")
        parser.add_argument("--township", help="Township division code (9 digits).")
        parser.add_argument(
            "--user", help="Count within this user's region (default: the whole city)."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **options) -> None:
        campaign = self._campaign(options["campaign"])
        county = self._get(County, options["county"])
        township = self._get(Township, options["township"])
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        else:
            # The operator at the console: the city's whole region.
            user = User(role=Role.CITY, is_active=True)
        try:
            figures = compute_figures(
                campaign=campaign, user=user, county=county, township=township
            )
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {'' if value is None else value}")

    @staticmethod
    def _campaign(value: str) -> Campaign:
        campaign = Campaign.objects.filter(name=value).first()
        if campaign is None and value.isdigit():
            campaign = Campaign.objects.filter(pk=value).first()
        if campaign is None:
            raise CommandError(f"No campaign {value!r}.")
        return campaign

    @staticmethod
    def _get(model, code: str | None):
        if not code:
            return None
        found = model.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"No {model._meta.verbose_name} with code {code!r}.")
        return found
