"""A daily or weekly report as a workbook: one line per figure, then the period's events and
the official's note. Nothing personal is in a report, so nothing is masked."""

from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _

from dashboards.models import ProgressReport
from dashboards.progress_reports import event_lines, lines
from sheets.exports import Export


def report_export(report: ProgressReport) -> Export:
    unit = report.township or report.county
    return Export(
        title=f"{unit.name}{report.get_kind_display()}",
        headers=[_("Item"), _("This report"), _("Previous report"), _("Change")],
        rows=_rows(report),
        subject=report.period_start.isoformat(),
    )


def _rows(report: ProgressReport) -> Iterator[Sequence[object]]:
    for line in lines(report):
        yield (line.label, line.value, line.previous, line.change)
    yield ()
    yield from event_lines(report)
    names = report.events.get("completed_village_names") or []
    if names:
        yield (_("Villages that voted"), "、".join(names))
    yield (_("Note"), report.note)
    status = (
        _("Submitted %(at)s") % {"at": f"{report.submitted_at:%Y-%m-%d %H:%M}"}
        if report.is_submitted
        else _("Not submitted")
    )
    yield (_("Status"), status)
