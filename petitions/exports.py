"""The petition list as a workbook.

The sheet is the 信访登记 import sheet, headers and labels alike (so an exported list can be
corrected in Excel and imported again by number), followed by what the import ignores: the
status, the units by name, the deadlines and whether the petition is overdue. Phones are
masked unless the user asked for them in full, which ``xlsx_response`` records.
"""

from collections.abc import Iterator, Sequence
from datetime import date

from django.db.models import QuerySet

from candidates.identity import mask_phone
from petitions.models import AWAITING_DECISION, AWAITING_SETTLEMENT, Petition, Status
from petitions.resources import (
    CATEGORIES,
    CHANNELS,
    LEVELS,
    PETITION_COLUMNS,
    REAL_NAME,
    PetitionImporter,
)
from sheets.exports import Export

STATUSES = {
    Status.REGISTERED: "已登记",
    Status.TRANSFERRED: "已转送",
    Status.ACCEPTED: "已受理",
    Status.DECLINED: "不予受理",
    Status.INVESTIGATING: "调查核实中",
    Status.ANSWERED: "已答复",
    Status.CLOSED: "已办结",
}
EXTRA_HEADERS = (
    "状态",
    "受理单位",
    "涉及乡镇(街道)",
    "涉及村(社区)",
    "受理决定期限",
    "受理决定日期",
    "办理期限",
    "答复日期",
    "延期天数",
    "延期批准人",
    "转送单位",
    "是否超期",
)
# Columns written as text: the number, the codes and the phone.
TEXT_COLUMNS = [0, 3, 4, 8, 11, 12]


def labels(choices: dict) -> dict[object, str]:
    return {code: label for label, code in choices.items()}


def petition_export(petitions: QuerySet[Petition], *, reveal: bool, today: date) -> Export:
    return Export(
        title=PetitionImporter.sheet_name,
        headers=[column.header for column in PETITION_COLUMNS] + list(EXTRA_HEADERS),
        rows=_rows(petitions, reveal=reveal, today=today),
        text_columns=TEXT_COLUMNS,
    )


def _overdue(petition: Petition, today: date) -> str:
    if petition.status in AWAITING_DECISION and petition.decision_due < today:
        return "是"
    if petition.status in AWAITING_SETTLEMENT and petition.settle_due < today:
        return "是"
    return "否"


def _rows(petitions: QuerySet[Petition], *, reveal: bool, today: date) -> Iterator[Sequence]:
    levels, channels, real = labels(LEVELS), labels(CHANNELS), labels(REAL_NAME)
    categories = labels(CATEGORIES)
    rows = petitions.select_related(
        "county", "receiving_township", "about_township", "village", "candidacy__person"
    ).order_by("received_on", "pk")
    for p in rows.iterator(chunk_size=500):
        yield (
            p.number, p.received_on, levels[p.level], p.county.code if p.county_id else "",
            p.receiving_township.code if p.receiving_township_id else "", channels[p.channel],
            real[p.real_name], p.petitioner_name,
            p.petitioner_phone if reveal else mask_phone(p.petitioner_phone), p.people_count,
            categories[p.category], p.about_township.code if p.about_township_id else "",
            p.village.code if p.village_id else "",
            p.candidacy.person.name if p.candidacy_id else "", p.content,
            STATUSES[p.status], p.receiving_unit,
            p.about_township.name if p.about_township_id else "",
            p.village.name if p.village_id else "", p.decision_due, p.decided_on, p.settle_due,
            p.answered_on, p.extension_days or "", p.extension_approved_by, p.transferred_to,
            _overdue(p, today),
        )  # fmt: skip
