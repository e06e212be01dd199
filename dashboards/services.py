from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from dashboards import progress_reports
from dashboards.models import ProgressReport, ReportKind

MSG_SUBMITTED = _("This report has been submitted and can no longer be changed.")


def may_write_report(user: User, report: ProgressReport) -> bool:
    """The township writes its daily report, the county its weekly one; nobody else."""
    if report.kind == ReportKind.DAILY:
        return user.role == Role.TOWNSHIP and user.township_id == report.township_id
    return user.role == Role.COUNTY and user.county_id == report.county_id


@transaction.atomic
def report_save(*, by: User, report: ProgressReport, note: str, submit: bool) -> ProgressReport:
    """Stores the generated report with the official's note; ``submit`` freezes it."""
    if not may_write_report(by, report):
        raise PermissionDenied
    if report.pk and ProgressReport.objects.filter(pk=report.pk).submitted().exists():
        raise ValidationError(MSG_SUBMITTED)
    report.note = note.strip()
    if submit:
        # What is submitted is the data as it stands now, not the figures of the last refresh.
        progress_reports.generate(report, fresh=True)
        report.submitted_at, report.submitted_by = timezone.now(), by
    report.full_clean(validate_unique=False)
    report.save()
    return report
