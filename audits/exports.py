"""The audit list and its findings as workbooks.

Each sheet is its import sheet (经济审计, 审计问题: same headers, same labels), followed by
a few columns the import ignores, so that an exported list can be edited in Excel and
imported again. The only personal data is the names of those responsible for findings: no ID
numbers, no phones, so nothing to mask.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.db.models import QuerySet

from audits.models import Audit, AuditFinding
from audits.resources import (
    AUDIT_COLUMNS,
    FINDING_COLUMNS,
    STATUSES,
    AuditImporter,
    FindingImporter,
)
from elections.exports import labels
from sheets.exports import Export

AUDIT_EXTRA = ("所属县(市、区)", "所属乡镇(街道)", "未整改", "责任人")
AUDIT_FIELDS = (
    "pk",
    "village__code",
    "village__name",
    "period_start",
    "period_end",
    "auditors",
    "status",
    "completed_on",
    "funds",
    "resources",
    "assets",
    "finding_count",
    "finding_amount",
    "unrectified_count",
    "village__township__county__name",
    "village__township__name",
)
FINDING_EXTRA = ("所属乡镇(街道)",)
FINDING_FIELDS = (
    "audit__village__code",
    "audit__village__name",
    "description",
    "amount",
    "responsible_name",
    "rectified",
    "rectified_on",
    "audit__village__township__name",
)
YES_NO = {True: "是", False: "否"}


def audit_export(audits: QuerySet[Audit], *, subject: str = "") -> Export:
    return Export(
        title=AuditImporter.sheet_name,
        headers=[column.header for column in AUDIT_COLUMNS] + list(AUDIT_EXTRA),
        rows=_audit_rows(audits),
        text_columns=[0],
        subject=subject,
    )


def _responsible(audits: QuerySet[Audit]) -> dict[int, list[str]]:
    """The names of those responsible for each audit's findings, each once, in order."""
    names: dict[int, list[str]] = defaultdict(list)
    findings = (
        AuditFinding.objects.filter(audit__in=audits.values("pk"))
        .exclude(responsible_name="")
        .order_by("audit_id", "pk")
        .values_list("audit_id", "responsible_name")
    )
    for audit, name in findings.iterator(chunk_size=2000):
        if name not in names[audit]:
            names[audit].append(name)
    return names


def _audit_rows(audits: QuerySet[Audit]) -> Iterator[Sequence[object]]:
    statuses = labels(STATUSES)
    names = _responsible(audits)
    rows = audits.with_finding_totals().order_by("village__code").values_list(*AUDIT_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        (pk, code, village, start, end, auditors, status, completed, funds, resources, assets,
         count, amount, unrectified, county, township) = row  # fmt: skip
        yield (
            code, village, start, end, auditors, statuses[status], completed, funds, resources,
            assets, count, amount or Decimal(0), count - unrectified, county, township,
            unrectified, "、".join(names.get(pk, ())),
        )  # fmt: skip


def finding_export(findings: QuerySet[AuditFinding], *, subject: str = "") -> Export:
    return Export(
        title=FindingImporter.sheet_name,
        headers=[column.header for column in FINDING_COLUMNS] + list(FINDING_EXTRA),
        rows=_finding_rows(findings),
        text_columns=[0],
        subject=subject,
    )


def _finding_rows(findings: QuerySet[AuditFinding]) -> Iterator[Sequence[object]]:
    rows = findings.order_by("audit__village__code", "pk").values_list(*FINDING_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        code, village, description, amount, name, rectified, on, township = row
        yield (code, village, description, amount, name, YES_NO[rectified], on, township)
