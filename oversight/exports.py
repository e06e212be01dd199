"""The lists of this app as workbooks.

Risks and visits are exported as their import sheets (same headers, same labels, the 编号
filled in), followed by a few columns the import ignores: an exported list can be edited in
Excel and imported again, and it then updates instead of adding. Nothing here is an ID
number or a phone, so nothing is masked.
"""

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet

from elections.exports import labels
from oversight.models import (
    AdjustmentReason,
    InspectionVisit,
    Risk,
    SecretaryAdjustment,
    TrainingLevel,
    TrainingSession,
)
from oversight.resources import (
    RISK_CATEGORIES,
    RISK_COLUMNS,
    RISK_LEVELS,
    RISK_STATUSES,
    VISIT_COLUMNS,
    RiskImporter,
    VisitImporter,
)
from sheets.exports import Export

YES_NO = {True: "是", False: "否"}
# Chinese data labels of the lists that have no import sheet.
ADJUSTMENT_REASONS = {
    AdjustmentReason.WEAK: "组织软弱涣散",
    AdjustmentReason.DISCIPLINE: "违纪违法",
    AdjustmentReason.HEALTH: "身体原因",
    AdjustmentReason.AGE: "年龄原因",
    AdjustmentReason.OTHER: "其他",
}
TRAINING_LEVELS = {
    TrainingLevel.CITY: "市级",
    TrainingLevel.COUNTY: "县级",
    TrainingLevel.TOWNSHIP: "乡镇级",
}


def _text_columns(columns: Sequence) -> list[int]:
    return [i for i, column in enumerate(columns) if column.as_text]


# Risks ----------------------------------------------------------------------------------------

RISK_EXTRA = ("所属乡镇(街道)", "是否重难点村", "选举日期", "是否在选举前化解")


def risk_export(risks: QuerySet[Risk], *, subject: str = "") -> Export:
    """``risks`` annotated with ``with_election_date()``."""
    return Export(
        title=RiskImporter.sheet_name,
        headers=[column.header for column in RISK_COLUMNS] + list(RISK_EXTRA),
        rows=_risk_rows(risks),
        text_columns=_text_columns(RISK_COLUMNS),
        subject=subject,
    )


def _risk_rows(risks: QuerySet[Risk]) -> Iterator[Sequence[object]]:
    categories, levels, statuses = (
        labels(RISK_CATEGORIES),
        labels(RISK_LEVELS),
        labels(RISK_STATUSES),
    )
    before = set(risks.resolved_before_election().values_list("pk", flat=True))
    rows = risks.order_by("village__code", "found_on", "pk").values_list(
        "pk", "village__code", "village__name", "category", "level", "description", "owner",
        "plan", "status", "found_on", "resolved_on", "village__township__name",
        "village__is_difficult", "election_held",
    )  # fmt: skip
    for row in rows.iterator(chunk_size=2000):
        (pk, code, village, category, level, description, owner, plan, status, found, resolved,
         township, difficult, held) = row  # fmt: skip
        yield (
            pk, code, village, categories[category], levels[level], description, owner, plan,
            statuses[status], found, resolved, township, YES_NO[difficult], held,
            YES_NO[pk in before],
        )  # fmt: skip


# Secretary adjustments ------------------------------------------------------------------------

ADJUSTMENT_TITLE = "调整村党组织书记"
ADJUSTMENT_HEADERS = (
    "区划代码", "村(社区)名称", "所属乡镇(街道)", "调整日期", "原任书记", "新任书记",
    "调整原因", "原因说明", "批准单位", "是否在选举前调整",
)  # fmt: skip


def adjustment_export(adjustments: QuerySet[SecretaryAdjustment], *, subject: str = "") -> Export:
    return Export(
        title=ADJUSTMENT_TITLE,
        headers=ADJUSTMENT_HEADERS,
        rows=_adjustment_rows(adjustments),
        text_columns=[0],
        subject=subject,
    )


def _adjustment_rows(adjustments: QuerySet[SecretaryAdjustment]) -> Iterator[Sequence[object]]:
    before = set(adjustments.before_election().values_list("pk", flat=True))
    rows = adjustments.order_by("village__code", "adjusted_on", "pk").values_list(
        "pk", "village__code", "village__name", "village__township__name", "adjusted_on",
        "previous_secretary", "new_secretary", "reason", "reason_detail", "approved_by",
    )  # fmt: skip
    for row in rows.iterator(chunk_size=2000):
        pk, code, village, township, day, previous, new, reason, detail, approved = row
        yield (
            code, village, township, day, previous, new, ADJUSTMENT_REASONS[reason], detail,
            approved, YES_NO[pk in before],
        )  # fmt: skip


# Inspection visits ----------------------------------------------------------------------------

VISIT_EXTRA = ("督查指导组", "乡镇(街道)名称", "村(社区)名称")


def visit_export(visits: QuerySet[InspectionVisit], *, subject: str = "") -> Export:
    return Export(
        title=VisitImporter.sheet_name,
        headers=[column.header for column in VISIT_COLUMNS] + list(VISIT_EXTRA),
        rows=_visit_rows(visits),
        text_columns=_text_columns(VISIT_COLUMNS),
        subject=subject,
    )


def _visit_rows(visits: QuerySet[InspectionVisit]) -> Iterator[Sequence[object]]:
    rows = visits.order_by("visited_on", "pk").values_list(
        "pk", "visited_on", "township__code", "village__code", "findings", "follow_up",
        "follow_up_done", "group__name", "township__name", "village__name",
    )  # fmt: skip
    for row in rows.iterator(chunk_size=2000):
        pk, day, township, village, findings, follow_up, done, group, township_name, name = row
        yield (
            pk, day, township, village or "", findings, follow_up, YES_NO[done], group,
            township_name, name or "",
        )  # fmt: skip


# Training -------------------------------------------------------------------------------------

TRAINING_TITLE = "换届业务培训"
TRAINING_HEADERS = (
    "培训日期", "层级", "主办县(市、区)", "主办乡镇(街道)", "培训主题", "参训人数", "是否考试",
    "考试合格人数", "备注",
)  # fmt: skip


def training_export(sessions: QuerySet[TrainingSession], *, subject: str = "") -> Export:
    return Export(
        title=TRAINING_TITLE,
        headers=TRAINING_HEADERS,
        rows=_training_rows(sessions),
        subject=subject,
    )


def _training_rows(sessions: QuerySet[TrainingSession]) -> Iterator[Sequence[object]]:
    rows = sessions.order_by("held_on", "pk").values_list(
        "held_on", "level", "county__name", "township__name", "title", "participants",
        "exam_taken", "passed", "notes",
    )  # fmt: skip
    for row in rows.iterator(chunk_size=2000):
        day, level, county, township, title, participants, exam, passed, notes = row
        yield (
            day, TRAINING_LEVELS[level], county or "", township or "", title, participants,
            YES_NO[exam], passed if exam else "", notes,
        )  # fmt: skip
