"""The audit log as a workbook, for the city. Personal values in it are already masked by
django-auditlog (mask_fields), as on the audit log page."""

import json
from collections.abc import Iterator, Sequence
from datetime import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sheets.exports import Export

TITLE = "操作日志"
HEADERS = ("时间", "用户名", "姓名", "操作", "记录类型", "记录", "变更内容", "附加信息", "IP地址")
ACTIONS = {
    LogEntry.Action.CREATE: "新增",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
    LogEntry.Action.ACCESS: "查看",
}
FIELDS = (
    "timestamp",
    "actor__username",
    "actor__last_name",
    "actor__first_name",
    "action",
    "content_type_id",
    "object_repr",
    "changes",
    "changes_text",
    "additional_data",
    "remote_addr",
)


def audit_log_export(entries: QuerySet[LogEntry]) -> Export:
    return Export(title=TITLE, headers=HEADERS, rows=_rows(entries), text_columns=[5, 6, 7])


def _rows(entries: QuerySet[LogEntry]) -> Iterator[Sequence[object]]:
    kinds: dict[int, str] = {}
    for row in entries.order_by("-timestamp", "-pk").values_list(*FIELDS).iterator(2000):
        (at, username, last, first, action, kind, record, changes, text, extra, address) = row
        if kind not in kinds:
            kinds[kind] = str(ContentType.objects.get_for_id(kind).name)
        yield (
            _local(at),
            username or _("System"),
            f"{last or ''}{first or ''}",
            ACTIONS.get(action, str(action)),
            kinds[kind],
            record,
            describe_changes(changes or _json(text)),
            describe_extra(extra),
            address or "",
        )


def _local(moment: datetime) -> datetime:
    # Excel has no time zones: the local time, as the page shows it.
    return timezone.localtime(moment).replace(tzinfo=None)


def _json(text: str) -> object:
    # Entries written before django-auditlog 3 kept their changes as JSON text only.
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def describe_changes(changes: object) -> str:
    """``field: old → new`` per field; other shapes (m2m changes) as JSON."""
    if not isinstance(changes, dict):
        return ""
    parts = []
    for field, change in changes.items():
        if isinstance(change, list) and len(change) == 2:
            parts.append(f"{field}: {change[0]} → {change[1]}")
        else:
            parts.append(f"{field}: {json.dumps(change, ensure_ascii=False)}")
    return "; ".join(parts)


def describe_extra(extra: object) -> str:
    """An export's note (what, how many rows), else the additional data as JSON."""
    if not extra:
        return ""
    if isinstance(extra, dict) and "export" in extra:
        return _("Exported %(title)s: %(rows)s rows") % {
            "title": extra["export"],
            "rows": extra.get("rows", "?"),
        }
    return json.dumps(extra, ensure_ascii=False)
