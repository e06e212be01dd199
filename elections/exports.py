"""The village list as a workbook.

The sheet is the 换届选举 import sheet, headers and labels alike, followed by a few columns
the import ignores (township, kinds, seats, lock): an exported list can be edited in Excel and
imported again. Nothing here is personal, so nothing is masked.
"""

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet

from elections.models import Election
from elections.resources import (
    BRANCH_KINDS,
    ELECTION_COLUMNS,
    METHODS,
    MODES,
    STATUSES,
    VILLAGE_KINDS,
    ElectionImporter,
)
from sheets.exports import Export

EXTRA_HEADERS = ("所属乡镇(街道)", "类型(村/社区)", "党组织类型", "委员职数", "结果已审核锁定")
FIELDS = (
    "branch__village__code",
    "branch__village__name",
    "method",
    "mode",
    "batch",
    "status",
    "postponement_reason",
    "planned_date",
    "held_date",
    "branch__name",
    "branch__village__township__name",
    "branch__village__kind",
    "branch__kind",
    "branch__seats",
    "locked",
)


def labels(choices: dict) -> dict[str, str]:
    """A closed list's codes to its Chinese labels (the reverse of the import's mapping)."""
    return {str(code): label for label, code in choices.items()}


def village_list_export(elections: QuerySet[Election], *, subject: str = "") -> Export:
    return Export(
        title=ElectionImporter.sheet_name,
        headers=[column.header for column in ELECTION_COLUMNS] + list(EXTRA_HEADERS),
        rows=_rows(elections),
        text_columns=[0],
        subject=subject,
    )


def _rows(elections: QuerySet[Election]) -> Iterator[Sequence[object]]:
    methods, modes, statuses = labels(METHODS), labels(MODES), labels(STATUSES)
    village_kinds, branch_kinds = labels(VILLAGE_KINDS), labels(BRANCH_KINDS)
    rows = elections.order_by("branch__village__code", "branch__name").values_list(*FIELDS)
    for row in rows.iterator(chunk_size=2000):
        (code, village, method, mode, batch, status, reason, planned, held, branch, township,
         village_kind, branch_kind, seats, locked) = row  # fmt: skip
        yield (
            code, village, methods[method], modes[mode], batch, statuses[status], reason,
            planned, held, branch, township, village_kinds[village_kind],
            branch_kinds[branch_kind], seats, "是" if locked else "否",
        )  # fmt: skip
