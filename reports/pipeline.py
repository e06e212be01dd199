"""Generating a report: the request, the fan-out of the counting over Celery workers, the
merge into a snapshot, and the rendering of the PDF and the Excel tables.

    request_report ─► report_start ─► chord( report_count_units × runs of counties (or
                                             townships), each grouped by unit
                                             + report_count_wide )
                                     ─► report_finish: add the counts up, derive the figures,
                                        store the snapshot, render PDF + xlsx, done.

Every step may run twice (acks_late with reject-on-worker-lost redelivers a task whose worker
died), so every step is idempotent: parts are upserted by (report, code); the finish takes a
lock per report, does nothing for a report already done, and writes its files under fixed names
through a rename. A report is therefore never lost and never done twice.

The counting never leaves the requesting user's region: each unit is counted as
``scope_user(report.requested_by, county=…/township=…)``, which refuses a unit outside it.
"""

import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from celery import chord
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from accounts.models import Role, User
from candidates.models import Candidacy, CommitteeMember
from elections.models import Campaign, County, Election, Township
from petitions.models import Petition
from reports import statistics
from reports.models import Report, ReportPart, ReportStatus, report_dir

logger = logging.getLogger(__name__)

MSG_QUEUE_DOWN = gettext_lazy(
    "The task queue cannot be reached, so the report was not generated. Try again in a few "
    "minutes; if it keeps happening, tell the system administrator."
)
MSG_FAILED = gettext_lazy(
    "The report could not be generated: %(error)s. The data is unchanged; try again, and if it "
    "keeps failing, tell the system administrator."
)
MSG_COUNTING = gettext_lazy("Counting: %(done)d of %(total)d parts")
MSG_RENDERING = gettext_lazy("Writing the PDF and the Excel tables")
MSG_DONE = gettext_lazy("Done: %(pages)d pages")
MSG_SCOPE = gettext_lazy("You may generate reports only for your own county.")

# Progress: counting fills 0–70 %, rendering the rest.
COUNTING_SHARE = 70


# Requesting ------------------------------------------------------------------------------------


def may_request(user: User) -> bool:
    return user.is_active and (user.is_city or user.role == Role.COUNTY)


def request_report(
    *,
    user: User,
    campaign: Campaign,
    county: County | None = None,
    township: Township | None = None,
) -> Report:
    """Records the request and queues it after the commit. Raises PermissionDenied for a
    scope outside the user's region; a county user's report is always within the county."""
    if not may_request(user):
        raise PermissionDenied(MSG_SCOPE)
    if user.role == Role.COUNTY and not user.is_city:
        if county is None:
            county = user.county
        if county.pk != user.county_id:
            raise PermissionDenied(MSG_SCOPE)
    if township is not None and county is None:
        county = township.county
    statistics.scope_user(user, county=county, township=township)  # refuses outside the region
    report = Report.objects.create(
        campaign=campaign,
        county=county,
        township=township,
        requested_by=user,
        unit_count=len(units_of(county, township)),
    )
    transaction.on_commit(lambda: enqueue(report))
    return report


def enqueue(report: Report) -> None:
    """Sends the first task; a broker that cannot be reached fails the report at once (the
    publish retry is bounded in settings, so this takes seconds, not minutes)."""
    from reports.tasks import report_start

    if settings.CELERY_TASK_ALWAYS_EAGER and settings.REPORTS_EAGER_IN_THREAD:
        # The embedded default has no worker: run the pipeline in a thread of this process,
        # so that the request answers at once and the page shows the progress bar.
        threading.Thread(
            target=_run_in_thread, args=(report.pk,), name=thread_name(report.pk), daemon=True
        ).start()
        return
    try:
        report_start.delay(report.pk)
    except OperationalError:
        logger.exception("Cannot queue report %s", report.pk)
        fail(report, MSG_QUEUE_DOWN)


def thread_name(report_id: int) -> str:
    return f"huanjie-report-{report_id}"


def _run_in_thread(report_id: int) -> None:
    from reports.tasks import report_start

    try:
        report_start.apply(args=(report_id,))
    finally:
        connection.close()  # this thread's own connection


def fail(report: Report, message: object) -> None:
    Report.objects.filter(pk=report.pk).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED,
        message=str(message)[:500],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


# Units -------------------------------------------------------------------------------------


def units_of(county: County | None, township: Township | None) -> list[tuple[str, int]]:
    """The units the counting fans out over: every county of the city, every township of a
    county, or the one township. (kind, pk) pairs, in code order."""
    if township is not None:
        return [("township", township.pk)]
    if county is not None:
        pks = Township.objects.filter(county=county).order_by("code")
        return [("township", pk) for pk in pks.values_list("pk", flat=True)]
    return [("county", pk) for pk in County.objects.order_by("code").values_list("pk", flat=True)]


def whole_scope_user(report: Report) -> User:
    return statistics.scope_user(
        report.requested_by, county=report.county, township=report.township
    )


def batches(units: list[tuple[str, int]], tasks: int) -> list[tuple[str, list[int]]]:
    """The units in ``tasks`` runs of neighbouring units (or fewer, one unit each at least):
    each task counts its units in one grouped pass, so the tasks add up to about one pass
    over the data, however many units there are; more workers take more tasks at once."""
    if not units:
        return []
    kind = units[0][0]
    pks = [pk for _kind, pk in units]
    size = -(-len(pks) // max(1, min(tasks, len(pks))))
    return [(kind, pks[i : i + size]) for i in range(0, len(pks), size)]


# The steps (called by reports.tasks) --------------------------------------------------------


def start(report_id: int) -> None:
    report = Report.objects.filter(pk=report_id).first()
    if report is None or report.status in (ReportStatus.DONE, ReportStatus.FAILED):
        return
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.COUNTING,
        started_at=report.started_at or timezone.now(),
        updated_at=timezone.now(),
    )
    from reports.tasks import report_count_units, report_count_wide, report_finish

    runs = batches(units_of(report.county, report.township), settings.REPORT_COUNT_TASKS)
    header = [report_count_units.si(report.pk, kind, pks) for kind, pks in runs]
    header.append(report_count_wide.si(report.pk))
    chord(header)(report_finish.si(report.pk))


def count_units(report_id: int, kind: str, pks: list[int]) -> None:
    """Counts ``pks`` (counties or townships of the report's scope) and saves a part for each.
    The counting runs as the requesting user's scope, so nothing outside it is counted even if
    a unit outside it were named."""
    report = Report.objects.select_related("campaign", "county", "township", "requested_by").get(
        pk=report_id
    )
    if report.status == ReportStatus.DONE:
        return
    if not {(kind, pk) for pk in pks} <= set(units_of(report.county, report.township)):
        raise PermissionDenied(f"Units {pks} are not all units of report {report.pk}.")
    model = County if kind == "county" else Township
    units = {
        pk: (code, name)
        for pk, code, name in model.objects.filter(pk__in=pks).values_list("pk", "code", "name")
    }
    found = statistics.count_units(whole_scope_user(report), report.campaign, kind, pks)
    with transaction.atomic():
        # Replaced as a whole: a second run of the same task writes the same parts once.
        ReportPart.objects.filter(report=report, code__in=[units[pk][0] for pk in found]).delete()
        ReportPart.objects.bulk_create(
            ReportPart(report=report, code=units[pk][0], name=units[pk][1], counts=counts)
            for pk, counts in found.items()
        )
    _record_progress(report)


def count_wide(report_id: int) -> None:
    report = Report.objects.select_related("campaign", "county", "township", "requested_by").get(
        pk=report_id
    )
    if report.status == ReportStatus.DONE:
        return
    user = whole_scope_user(report)
    counts = {
        "__wide__": statistics.jsonable(statistics.scope_wide(user, report.campaign)),
        "__fingerprint__": fingerprint(user, report.campaign),
    }
    ReportPart.objects.update_or_create(
        report=report, code=ReportPart.WIDE, defaults={"name": "", "counts": counts}
    )
    _record_progress(report)


def _record_progress(report: Report) -> None:
    done = ReportPart.objects.filter(report=report).count()
    total = report.unit_count + 1
    report.record_progress(
        COUNTING_SHARE * done // total, str(MSG_COUNTING % {"done": done, "total": total})
    )


def fingerprint(user: User, campaign: Campaign) -> dict:
    """Which data the figures came from: rows and latest change of the counted tables."""
    elections = Election.objects.visible_to(user).for_campaign(campaign).order_by()
    candidacies = Candidacy.objects.visible_to(user).filter(election__campaign=campaign)
    members = CommitteeMember.objects.visible_to(user).filter(election__campaign=campaign)

    def summary(rows, changed: str | None = "updated_at") -> dict:
        found = rows.order_by().aggregate(
            rows=Count("pk"), **({"changed": Max(changed)} if changed else {})
        )
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in found.items()}

    return {
        "elections": summary(elections),
        "candidacies": summary(candidacies),
        "committee_members": summary(members, None)
        | {"last_id": members.aggregate(m=Max("pk"))["m"]},
        "petitions": summary(Petition.objects.visible_to(user).during(campaign), None),
    }


def finish(report_id: int) -> None:
    """Merges the parts into the snapshot and renders the files; once per report."""
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
        attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    with finisher(report_id):
        report = Report.objects.select_related(
            "campaign", "county", "township", "requested_by"
        ).get(pk=report_id)
        if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
            return
        merge(report)
        report.status = ReportStatus.RENDERING
        report.progress = COUNTING_SHARE
        report.message = str(MSG_RENDERING)
        report.save(
            update_fields=[
                *("figures", "units", "data_fingerprint", "counted_at"),
                *("status", "progress", "message", "updated_at"),
            ]
        )
        # Rendering takes seconds: outside any transaction, so that it holds no lock that
        # the users' writes would wait for (on SQLite a write transaction locks the file).
        render(report)
        report.status = ReportStatus.DONE
        report.progress = 100
        report.finished_at = timezone.now()
        report.message = str(MSG_DONE % {"pages": report.pages or 0})
        report.save(
            update_fields=[
                *("status", "progress", "finished_at", "message"),
                *("pdf_name", "xlsx_name", "pages", "updated_at"),
            ]
        )
        report.parts.all().delete()


@contextmanager
def finisher(report_id: int) -> Iterator[None]:
    """One finisher per report at a time, so that a redelivered finish waits for a running one
    and then finds the report done. On PostgreSQL a session advisory lock, released by the
    server if the worker dies; on SQLite two finishers would at worst render the same files
    twice (written through a rename, so never half)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, report_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, report_id])


LOCK_SPACE = 0x4A48  # "HJ": the advisory lock namespace of report finishing


def merge(report: Report) -> None:
    parts = {part.code: part for part in report.parts.all()}
    wide = parts.pop(ReportPart.WIDE)
    has_previous = report.campaign.previous_id is not None
    units = []
    for code in sorted(parts):
        part = parts[code]
        figures = statistics.heading(report.campaign, None, None)
        # A unit's row carries the figures that add up over villages; the scope-wide ones
        # (petitions, inspection groups, training) are counted for the whole scope only.
        figures |= statistics.jsonable(
            statistics.derive(part.counts, statistics.NO_WIDE, has_previous=has_previous)
        )
        units.append({"code": code, "name": part.name, "figures": figures})
    total = statistics.add_counts([part.counts for part in parts.values()]) or dict.fromkeys(
        statistics.count_keys(report.campaign), 0
    )
    figures = statistics.heading(report.campaign, report.county, report.township)
    figures |= statistics.jsonable(
        statistics.derive(total, wide.counts["__wide__"], has_previous=has_previous)
    )
    report.figures = figures
    report.units = units
    report.data_fingerprint = wide.counts["__fingerprint__"]
    report.counted_at = timezone.now()


def render(report: Report) -> None:
    """Writes the PDF and the workbook under fixed names (report-<pk>.pdf/.xlsx), each through a
    temporary file and a rename, so a second run replaces and never duplicates them."""
    from reports.excel import render_xlsx
    from reports.pdf import render_pdf

    folder = report_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    pdf, pages = render_pdf(report)
    report.pdf_name = _write(folder, f"report-{report.pk}.pdf", pdf)
    report.pages = pages
    report.xlsx_name = _write(folder, f"report-{report.pk}.xlsx", render_xlsx(report))


def _write(folder: Path, name: str, content: bytes) -> str:
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as target:
            target.write(content)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name
