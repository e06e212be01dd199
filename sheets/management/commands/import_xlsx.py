"""manage.py import_xlsx: the same all-or-nothing import as the pages, from a shell."""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from elections.models import Campaign
from sheets.importing import Outcome
from sheets.registry import importers
from sheets.services import run_import


class Command(BaseCommand):
    help = (
        "Imports an Excel workbook (all or nothing) as the given user, within that user's "
        "region; with --dry-run, only checks it. Prints every error and exits with status 1 "
        "when the file has any."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="The .xlsx file.")
        parser.add_argument("--kind", required=True, choices=sorted(importers()))
        parser.add_argument("--campaign", required=True, help="The campaign's id or name.")
        parser.add_argument(
            "--user",
            required=True,
            help="The user name the import runs as; their region limits what may be written.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")

    def handle(self, *args: object, **options: object) -> None:
        user = self._user(str(options["user"]))
        campaign = self._campaign(str(options["campaign"]))
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        outcome = run_import(
            by=user,
            kind=str(options["kind"]),
            campaign=campaign,
            path=path,
            dry_run=bool(options["dry_run"]),
        )
        if not outcome.ok:
            self._errors(outcome)
        self._summary(outcome)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("There is no active user %(name)s.") % {"name": username})
        if not (user.is_superuser or user.role) or user.is_read_only:
            raise CommandError(_("The user %(name)s may not import.") % {"name": username})
        return user

    def _campaign(self, key: str) -> Campaign:
        campaign = Campaign.objects.filter(name=key).first()
        if campaign is None and key.isdigit():
            campaign = Campaign.objects.filter(pk=int(key)).first()
        if campaign is None:
            raise CommandError(_("There is no campaign %(key)s.") % {"key": key})
        return campaign

    def _errors(self, outcome: Outcome) -> None:
        for error in outcome.errors:
            if error.row > 0 and error.column:
                line = _("Row %(row)d [%(column)s] %(message)s") % error.as_dict()
            elif error.row > 0:
                line = _("Row %(row)d %(message)s") % error.as_dict()
            else:
                line = error.message
            self.stdout.write(line)
        count = len(outcome.errors)
        raise CommandError(
            ngettext(
                "%(count)d error; nothing was written.",
                "%(count)d errors; nothing was written.",
                count,
            )
            % {"count": count}
        )

    def _summary(self, outcome: Outcome) -> None:
        values = {"rows": outcome.rows, "created": outcome.created, "updated": outcome.updated}
        if outcome.dry_run:
            line = _("Checked %(rows)d rows: would create %(created)d, update %(updated)d.")
        else:
            line = _("Imported %(rows)d rows: %(created)d created, %(updated)d updated.")
        self.stdout.write(self.style.SUCCESS(line % values))
