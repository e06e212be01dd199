"""Serving exports: the xlsx download, and the logged reveal of ID numbers and phones.

Every export shows ID numbers and phones masked (3207**********1234, 138****5678). A user who
may write in the region can tick 显示完整证件号码, which the page sends by POST (a reveal is
an action, not a link anyone could be sent); the export is then recorded in the audit log,
with what was exported and how many rows, before the file leaves the server.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from accounts.models import User
from accounts.permissions import require_write
from candidates.identity import mask_id_number, mask_phone
from sheets.workbooks import table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REVEAL_FIELD = "reveal"


@dataclass(frozen=True)
class Export:
    """What to write: rows are produced lazily (values_list().iterator()) and counted."""

    title: str  # the sheet's name, and the start of the file name
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    text_columns: Sequence[int] = ()
    subject: str = ""  # named in the file name only, e.g. the campaign


def render(export: Export) -> tuple[bytes, int]:
    """The workbook's bytes and how many rows it holds."""
    count = 0

    def counted() -> Iterator[Sequence[object]]:
        nonlocal count
        for row in export.rows:
            count += 1
            yield row

    content = table(export.title, export.headers, counted(), text_columns=export.text_columns)
    return content, count


def reveal_requested(request: HttpRequest) -> bool:
    """Whether the export is to show ID numbers and phones in full; 403 for read-only users.

    Only a POST can ask (the export form's checkbox); a GET is always masked.
    """
    if request.method != "POST" or not request.POST.get(REVEAL_FIELD):
        return False
    require_write(request.user)
    return True


def identity(number: str, phone: str, *, reveal: bool) -> tuple[str, str]:
    """An ID number and a phone as an export shows them."""
    if reveal:
        return number, phone
    return mask_id_number(number), mask_phone(phone)


def export_reveal_log(
    *, by: User, about: Model, title: str, rows: int, filters: dict[str, str]
) -> LogEntry:
    """Records that ``by`` exported ``title`` (``rows`` rows) with ID numbers and phones in full."""
    return LogEntry.objects.log_create(
        about,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"id_number": ["masked", "revealed"], "phone": ["masked", "revealed"]},
        actor=by,
        additional_data={
            "export": title,
            "rows": rows,
            "filters": {key: value for key, value in filters.items() if value},
        },
    )


def xlsx_response(
    request: HttpRequest,
    export: Export,
    *,
    reveal: bool = False,
    about: Model | None = None,
    filters: dict[str, str] | None = None,
) -> HttpResponse:
    """The export as a download; a reveal is logged (on ``about``) before the file is sent."""
    content, rows = render(export)
    if reveal:
        export_reveal_log(
            by=request.user, about=about, title=export.title, rows=rows, filters=filters or {}
        )
    parts = (export.title, export.subject, f"{timezone.localdate():%Y%m%d}")
    filename = "-".join(part for part in parts if part) + ".xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def filters_of(request: HttpRequest, names: Iterable[str]) -> dict[str, str]:
    """The list page's filters an export honours, as given in the query string."""
    return {name: request.GET.get(name, "").strip() for name in names}
