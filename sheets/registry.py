"""Every kind of import, by the name used in URLs and on the command line.

Apps add their importers here (their ``resources.py``); nothing else needs to know them.
"""

from typing import TYPE_CHECKING

from sheets.importing import Importer

if TYPE_CHECKING:
    from accounts.models import User


def importers() -> dict[str, type[Importer]]:
    from audits.resources import AuditImporter, FindingImporter
    from candidates.resources import PeopleImporter
    from elections.resources import ElectionImporter, VillageImporter
    from oversight.resources import RiskImporter, VisitImporter
    from petitions.resources import PetitionImporter

    return {
        importer.kind: importer
        for importer in (
            VillageImporter,
            ElectionImporter,
            PeopleImporter,
            RiskImporter,
            VisitImporter,
            AuditImporter,
            FindingImporter,
            PetitionImporter,
        )
    }


def titles(user: "User | None" = None) -> list[tuple[str, str]]:
    """(kind, title) of every import (人员名单), or of those ``user`` may import: the choices
    of ImportJob.kind (the audit log's words), the upload form and the template links."""
    return [
        (kind, importer.title)
        for kind, importer in importers().items()
        if user is None or importer.may_import(user)
    ]


def importer_for(kind: str) -> type[Importer]:
    """The importer of ``kind``; KeyError for an unknown kind."""
    return importers()[kind]
