from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from elections import demo


class Command(BaseCommand):
    help = (
        "Builds a synthetic demo city (counties, townships, villages and communities, their "
        "Party organizations, the current and previous campaigns and every election) and one "
        "demo user per role, then prints their sign-ins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--villages",
            type=int,
            default=demo.DEFAULT_VILLAGES,
            help="Villages and communities; townships and counties scale with them "
            f"(default {demo.DEFAULT_VILLAGES}, about one city).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="Random seed: the same seed builds the same city.",
        )
        parser.add_argument(
            "--password",
            default=demo.DEMO_PASSWORD,
            help="Password of every demo user (default %(default)s).",
        )
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--reset",
            action="store_true",
            help="Delete all regions, campaigns, elections, inspection groups and demo users "
            "first.",
        )
        when.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any county exists (for start-up scripts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo.regions_exist():
            self.stdout.write(_("Regions already exist: the demo city was not built."))
            return
        try:
            city = demo.demo_seed(
                villages=options["villages"],
                seed=options["seed"],
                password=options["password"],
                reset=options["reset"],
            )
        except demo.DemoError as error:
            raise CommandError(str(error)) from error
        self.report(city)

    def report(self, city: demo.DemoCity) -> None:
        if city.deleted:
            self.stdout.write(_("Deleted %(rows)d rows of earlier data.") % {"rows": city.deleted})
        counts = {
            "counties": len(city.counties),
            "townships": len(city.townships),
            "villages": len(city.villages),
            "elections": len(city.elections),
        }
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo city built: %(counties)d counties, %(townships)d townships, "
                    "%(villages)d villages and communities, %(elections)d elections."
                )
                % counts
            )
        )
        self.stdout.write(_("Demo sign-ins (user name / password):"))
        for login in city.logins:
            self.stdout.write(f"  {login.username:<10} / {login.password}  {login.description}")
