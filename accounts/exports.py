"""The audit log as a workbook, for the city. Personal values in it are already masked by
django-auditlog (mask_fields), as on the audit log page."""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from itertools import islice

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    rows = entries.order_by("-timestamp", "-pk").values_list(*FIELDS).iterator(CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        changes = [(_model_of(row[5]), row[7] or _json(row[8])) for row in chunk]
        names = related_names(changes)
        for row, (model, change) in zip(chunk, changes, strict=True):
            (at, username, last, first, action, kind, record, _c, _t, extra, address) = row
            yield (
                _local(at),
                username or _("System"),
                f"{last or ''}{first or ''}",
                ACTIONS.get(action, str(action)),
                str(ContentType.objects.get_for_id(kind).name),  # cached by ContentType
                record,
                describe_changes(model, change, names),
                describe_extra(extra),
                address or "",
            )


CHUNK = 2000  # log entries read, and their foreign keys named, at a time


def _model_of(kind: int) -> type | None:
    return ContentType.objects.get_for_id(kind).model_class()


def _local(moment: datetime) -> datetime:
    # Excel has no time zones: the local time, as the page shows it.
    return timezone.localtime(moment).replace(tzinfo=None)


def _json(text: str) -> object:
    # Entries written before django-auditlog 3 kept their changes as JSON text only.
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def related_names(items: Iterable[tuple[type | None, object]]) -> dict[tuple[type, str], str]:
    """The rows the changes' foreign keys point at, by (model, id), named as the pages name
    them: one query per model for all the changes given (a page of the log, a chunk of
    the workbook)."""
    wanted: dict[type, set[str]] = defaultdict(set)
    for model, changes in items:
        if not isinstance(changes, dict):
            continue
        fields = _fields(model)
        for name, change in changes.items():
            field = fields.get(name)
            if _points_at_one(field) and isinstance(change, list):
                wanted[field.related_model].update(
                    str(value) for value in change if str(value).isdigit()
                )
    names = {}
    for related, ids in wanted.items():
        # select_related(): the names of some rows (an election's) come from their parents.
        for pk, row in related._default_manager.select_related().in_bulk(list(ids)).items():
            names[(related, str(pk))] = str(row)
    return names


def readable_changes(
    model: type | None, changes: object, names: dict | None = None
) -> list[tuple[str, str, str]]:
    """(field, before, after) of each change, as officials read them: the field's Chinese
    name, a closed list's label rather than its code, a row pointed at by its name (from
    ``names``, related_names), a time without its microseconds, and "—" for nothing. m2m
    changes are told in words, other shapes given as JSON."""
    if not isinstance(changes, dict):
        return []
    fields = _fields(model)
    rows = []
    for name, change in changes.items():
        field = fields.get(name)
        if field is None and model is not None and _is_reverse(model, name):
            continue  # "sheets.ImportJob.None": a creation's other side of a relation
        label = str(field.verbose_name) if field is not None else _other_side(model, name)
        if isinstance(change, list) and len(change) == 2:
            before, after = (_shown(field, value, names or {}) for value in change)
            if before != after:  # a creation lists every field, the empty ones too
                rows.append((label, before, after))
        elif isinstance(change, dict) and change.get("type") == "m2m":
            operation = M2M_OPERATIONS.get(change.get("operation"), change.get("operation"))
            names_added = "、".join(map(str, change.get("objects", [])))
            rows.append((label, "", f"{operation}：{names_added}"))
        else:
            rows.append((label, "", json.dumps(change, ensure_ascii=False)))
    return rows


def describe_changes(model: type | None, changes: object, names: dict | None = None) -> str:
    """The changes on one line, for the workbook."""
    changes = readable_changes(model, changes, names)
    return "；".join(
        f"{label}：{old} → {new}" if old else f"{label}：{new}" for label, old, new in changes
    )


@cache  # a model's fields do not change while the process runs
def _fields(model: type | None) -> dict[str, object]:
    if model is None:  # a model since removed
        return {}
    return {
        name: field
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name")
        for name in {field.name, getattr(field, "attname", field.name)}
    }


def _points_at_one(field: object) -> bool:
    """A foreign key or one-to-one field of the model itself (not the other side)."""
    return bool(
        getattr(field, "concrete", False)
        and (getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False))
    )


def _other_side(model: type | None, name: str) -> str:
    """A many-to-many change made from the other side (``group.user_set.add(user)`` logs
    "groups" on the group): named by the rows it links, the other model's plural (用户)."""
    for relation in model._meta.related_objects if model is not None else ():
        if relation.many_to_many and relation.field.name == name:
            return str(relation.related_model._meta.verbose_name_plural)
    return name


def _is_reverse(model: type, name: str) -> bool:
    try:
        return model._meta.get_field(name).auto_created
    except FieldDoesNotExist:
        return False


# Nothing, as django-auditlog records it: None, or its mask of "None" (a masked field).
NOTHING = (None, "", "None", "**ne")


# A yes/no field, as django-auditlog records it.
YES_NO = {"True": gettext_lazy("Yes"), "False": gettext_lazy("No")}
# What a reveal of masked personal data records (candidates.services), and m2m changes.
REVEAL_WORDS = {"masked": gettext_lazy("masked"), "revealed": gettext_lazy("shown in full")}
M2M_OPERATIONS = {
    "add": gettext_lazy("added"),
    "delete": gettext_lazy("removed"),
    "clear": gettext_lazy("cleared"),
}


def _shown(field: object, value: object, names: dict) -> str:
    if value in NOTHING:
        return "—"
    if _points_at_one(field):
        return names.get((field.related_model, str(value)), str(value))
    if value in REVEAL_WORDS:
        return str(REVEAL_WORDS[value])
    choices = dict(getattr(field, "choices", None) or ())
    if choices:
        return str(choices.get(value, value))
    kind = getattr(field, "get_internal_type", lambda: "")()
    if kind == "BooleanField" and str(value) in YES_NO:
        return str(YES_NO[str(value)])
    if kind == "DateTimeField":
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if timezone.is_naive(moment):  # django-auditlog writes UTC without its offset
            moment = moment.replace(tzinfo=UTC)
        moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


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
