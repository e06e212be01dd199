from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dashboards.snapshots import snapshot_backfill
from elections.models import Campaign


def campaign_named(value: str) -> Campaign:
    """A campaign by id or by exact name."""
    found = Campaign.objects.filter(pk=value) if value.isdigit() else Campaign.objects.none()
    campaign = found.first() or Campaign.objects.filter(name=value).first()
    if campaign is None:
        raise CommandError(_("No campaign %(name)s.") % {"name": value})
    return campaign


class Command(BaseCommand):
    help = (
        "Rebuilds the daily progress snapshots of a campaign from the dates already recorded "
        "(dates held, step dates, vote rounds), for the days that have none yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", required=True, help="The campaign's id or name.")
        parser.add_argument("--until", help="Last day to rebuild, YYYY-MM-DD (default yesterday).")
        parser.add_argument(
            "--replace", action="store_true", help="Rebuild days that have snapshots too."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = campaign_named(options["campaign"])
        until = timezone.localdate() - timedelta(days=1)
        if options["until"]:
            until = parse_date(options["until"]) or until
        days, rows = snapshot_backfill(campaign=campaign, until=until, replace=options["replace"])
        self.stdout.write(
            _("%(days)d days rebuilt (%(rows)d rows) for %(campaign)s.")
            % {"days": days, "rows": rows, "campaign": campaign.name}
        )
