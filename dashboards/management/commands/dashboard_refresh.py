from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dashboards.figures import campaign_figures_refresh
from dashboards.management.commands.backfill_progress import campaign_named


class Command(BaseCommand):
    help = "Recomputes the dashboard figures of every region of a campaign."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", required=True, help="The campaign's id or name.")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = campaign_named(options["campaign"])
        regions = campaign_figures_refresh(campaign=campaign)
        self.stdout.write(
            _("Figures of %(regions)d regions computed for %(campaign)s.")
            % {"regions": regions, "campaign": campaign.name}
        )
