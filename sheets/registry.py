"""Every kind of import, by the name used in URLs and on the command line.

Apps add their importers here (their ``resources.py``); nothing else needs to know them.
"""

from sheets.importing import Importer


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


def importer_for(kind: str) -> type[Importer]:
    """The importer of ``kind``; KeyError for an unknown kind."""
    return importers()[kind]
