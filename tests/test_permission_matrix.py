"""Who may reach which page: every named route, every persona, GET and (for writes) POST.

MATRIX is the single table. A new route without an entry makes
test_it_has_an_entry_for_every_named_route fail, so nobody adds a page without saying who may
see it. Adding one is a single entry: which object its URL points at, and the expected
status per persona in the order of PERSONAS.

Statuses: LOGIN is a redirect to the sign-in page (anonymous visitors); 404 means "absent or
outside your region" (the two are not told apart, so ids cannot be probed); 403 means "in your
region, but read only" or "not your role".
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook

from accounts.models import User
from candidates.models import (
    Candidacy,
    ElectionStep,
    Objection,
    Person,
    PublicNotice,
    StepAttachment,
    StepDefinition,
    VoterExclusion,
    VoteRound,
)
from sheets.models import ImportJob, ImportStatus, upload_dir
from tests.conftest import PERSONAS, World
from tests.factories import TownshipUserFactory

LOGIN = "login"
ADMIN_NAMESPACE = "admin"

Statuses = tuple[int | str, ...]
Target = Callable[[World], tuple[dict, str]]


def no_object(world: World) -> tuple[dict, str]:
    return {}, ""


def county_a(world: World) -> tuple[dict, str]:
    return {"pk": world.county_a.pk}, ""


def village_a1(world: World) -> tuple[dict, str]:
    return {"pk": world.village("a1").pk}, ""


def election_a1(world: World) -> tuple[dict, str]:
    return {"pk": world.election("a1").pk}, ""


def new_village_in_a1(world: World) -> tuple[dict, str]:
    return {}, f"township={world.township_a1.pk}"


@dataclass(frozen=True)
class Route:
    """``target`` gives the URL's kwargs and query string; ``get``/``post`` one status per
    persona, in the order of PERSONAS. ``post=None``: the route writes nothing."""

    target: Target
    get: Statuses
    post: Statuses | None = None


#                anonymous city  county_a  township_a1  township_b1  inspector  no_role
SIGNED_IN_ONLY = (LOGIN, 200, 200, 200, 200, 200, 403)
OBJECT_READ = (LOGIN, 200, 200, 200, 404, 200, 403)
OBJECT_WRITE = (LOGIN, 200, 200, 200, 404, 403, 403)
CITY_ONLY = (LOGIN, 200, 403, 403, 403, 403, 403)

MATRIX: dict[str, Route] = {
    "home": Route(no_object, get=(LOGIN, 302, 302, 302, 302, 302, 403)),
    "accounts:login": Route(no_object, get=(200, 302, 302, 302, 302, 302, 302)),
    "accounts:logout": Route(no_object, get=(405,) * 7, post=(LOGIN,) * 7),
    "accounts:audit_log": Route(no_object, get=CITY_ONLY),
    "accounts:audit_log_export": Route(no_object, get=CITY_ONLY),
    "elections:city_progress": Route(no_object, get=SIGNED_IN_ONLY),
    "elections:county_progress": Route(county_a, get=OBJECT_READ),
    "elections:village_list": Route(no_object, get=SIGNED_IN_ONLY),
    "elections:village_export": Route(no_object, get=SIGNED_IN_ONLY),
    "elections:village_create": Route(new_village_in_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
    "elections:village_detail": Route(village_a1, get=OBJECT_READ),
    "elections:village_edit": Route(village_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
    "elections:election_edit": Route(election_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
    "elections:election_row": Route(election_a1, get=OBJECT_READ),
}


def candidates_a1(world: World) -> dict:
    """One object of every kind the candidates pages address, in township A1 (made once)."""
    if not hasattr(world, "candidates_a1"):
        election = world.election("a1")
        person = Person.objects.create(
            name="甲",
            gender="M",
            birth_date=datetime.date(1980, 1, 1),
            id_number="320102198001010018",
            township=world.township_a1,
        )
        candidacy = Candidacy.objects.create(election=election, person=person, education="bachelor")
        notice = PublicNotice.objects.create(
            election=election,
            kind="prospective",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 1, 5),
        )
        definition = StepDefinition.objects.filter(method=election.method).first()
        step = ElectionStep.objects.create(election=election, definition=definition)
        attachment = StepAttachment(
            step=step,
            original_name="a.pdf",
            content_type="application/pdf",
            size=5,
            uploaded_by=TownshipUserFactory(township=world.township_a1),
        )
        attachment.file.save("a.pdf", ContentFile(b"%PDF-"), save=True)
        world.candidates_a1 = {
            "election": election,
            "candidacy": candidacy,
            "person": person,
            "notice": notice,
            "objection": Objection.objects.create(
                notice=notice, received_on=datetime.date(2026, 1, 2), content="x"
            ),
            "step": step,
            "attachment": attachment,
            "exclusion": VoterExclusion.objects.create(
                election=election, name="乙", reason="abroad"
            ),
            "round": VoteRound.objects.create(
                election=election, kind="committee", seats=3, held_on=datetime.date(2026, 1, 10)
            ),
        }
    return world.candidates_a1


def a1(kind: str) -> Target:
    def target(world: World) -> tuple[dict, str]:
        return {"pk": candidates_a1(world)[kind].pk}, ""

    return target


# Candidates pages -----------------------------------------------------------------------
#                anonymous city  county_a  township_a1  township_b1  inspector  no_role
POST_ONLY = (LOGIN, 405, 405, 405, 405, 405, 403)
WRITE_REDIRECTS = (LOGIN, 302, 302, 302, 404, 403, 403)
COUNTY_WRITE = (LOGIN, 403, 200, 403, 404, 403, 403)

MATRIX.update(
    {
        "candidates:election_detail": Route(a1("election"), get=OBJECT_READ),
        "candidates:candidacy_create": Route(a1("election"), get=OBJECT_WRITE, post=OBJECT_WRITE),
        "candidates:id_check": Route(no_object, get=(LOGIN, 200, 200, 200, 200, 403, 403)),
        "candidates:candidacy_detail": Route(a1("candidacy"), get=OBJECT_READ),
        "candidates:candidacy_edit": Route(a1("candidacy"), get=OBJECT_WRITE, post=OBJECT_WRITE),
        "candidates:review_record": Route(a1("candidacy"), get=POST_ONLY, post=OBJECT_WRITE),
        "candidates:township_vote": Route(a1("candidacy"), get=POST_ONLY, post=OBJECT_WRITE),
        "candidates:candidacy_advance": Route(a1("candidacy"), get=POST_ONLY, post=WRITE_REDIRECTS),
        "candidates:candidacy_withdraw": Route(a1("candidacy"), get=POST_ONLY, post=OBJECT_WRITE),
        "candidates:person_reveal": Route(a1("person"), get=POST_ONLY, post=OBJECT_WRITE),
        "candidates:notice_save": Route(a1("election"), get=POST_ONLY, post=OBJECT_WRITE),
        "candidates:objection_create": Route(a1("notice"), get=POST_ONLY, post=OBJECT_WRITE),
        "candidates:objection_settle": Route(a1("objection"), get=POST_ONLY, post=OBJECT_WRITE),
        "candidates:step_create": Route(a1("election"), get=POST_ONLY, post=WRITE_REDIRECTS),
        "candidates:step_edit": Route(a1("step"), get=OBJECT_WRITE, post=OBJECT_WRITE),
        "candidates:attachment_upload": Route(a1("step"), get=POST_ONLY, post=OBJECT_WRITE),
        "candidates:attachment_download": Route(a1("attachment"), get=OBJECT_READ),
        "candidates:exclusion_create": Route(a1("election"), get=POST_ONLY, post=OBJECT_WRITE),
        "candidates:exclusion_delete": Route(a1("exclusion"), get=POST_ONLY, post=WRITE_REDIRECTS),
        "candidates:round_create": Route(a1("election"), get=OBJECT_WRITE, post=OBJECT_WRITE),
        "candidates:tally_entry": Route(a1("round"), get=OBJECT_WRITE, post=OBJECT_WRITE),
        "candidates:tally_reset": Route(a1("round"), get=POST_ONLY, post=WRITE_REDIRECTS),
        "candidates:approval_queue": Route(no_object, get=(LOGIN, 200, 200, 403, 403, 403, 403)),
        "candidates:election_certify": Route(a1("election"), get=POST_ONLY, post=COUNTY_WRITE),
        "candidates:election_unlock": Route(a1("election"), get=POST_ONLY, post=COUNTY_WRITE),
        # Exports: masked for every reader, by GET or by POST without the reveal option.
        "candidates:candidates_export": Route(a1("election"), get=OBJECT_READ, post=OBJECT_READ),
        "candidates:people_export": Route(no_object, get=SIGNED_IN_ONLY, post=SIGNED_IN_ONLY),
        "candidates:committee_export": Route(no_object, get=SIGNED_IN_ONLY, post=SIGNED_IN_ONLY),
    }
)


# Import pages ----------------------------------------------------------------------------
# A job is personal: its uploader and the city see it (404 for everyone else, the county
# included); only its uploader decides on it (the city is told so, with a redirect).


@pytest.fixture(autouse=True)
def private_uploads(settings: object, tmp_path: Path) -> None:
    # Job targets store an upload: keep it in this test's own folder, never in var/.
    settings.DATA_DIR = tmp_path


def job_a1(status: str, errors: list[dict] | None = None) -> Target:
    def target(world: World) -> tuple[dict, str]:
        owner = User.objects.filter(username="township_a1").first() or TownshipUserFactory(
            township=world.township_a1
        )
        folder = upload_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "job.xlsx").write_bytes(workbook_with_people_sheet())
        job = ImportJob.objects.create(
            kind="people",
            campaign=world.campaign,
            uploaded_by=owner,
            original_name="人员名单.xlsx",
            stored_name="job.xlsx",
            status=status,
            errors=errors or [],
            error_count=len(errors or []),
        )
        return {"pk": job.pk}, ""

    return target


def workbook_with_people_sheet() -> bytes:
    workbook = Workbook()
    workbook.active.title = "人员名单"
    workbook.active.append(["区划代码", "姓名"])
    workbook.active.append(["320101001001", "甲"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#                anonymous city  county_a  township_a1  township_b1  inspector  no_role
JOB_READ = (LOGIN, 200, 404, 200, 404, 404, 403)
JOB_DECIDE = (LOGIN, 302, 404, 302, 404, 404, 403)
#                anonymous city  county_a  township_a1  township_b1  inspector  no_role
IMPORTERS = (LOGIN, 200, 200, 200, 200, 200, 403)
WRITERS = (LOGIN, 200, 200, 200, 200, 403, 403)
INVALID = job_a1(ImportStatus.INVALID, [{"row": 2, "column": "姓名", "message": "x"}])

MATRIX.update(
    {
        # Inspection groups import their own visits: the page opens, with only that kind.
        "sheets:import_start": Route(no_object, get=IMPORTERS, post=IMPORTERS),
        "sheets:template_download": Route(lambda world: ({"kind": "people"}, ""), SIGNED_IN_ONLY),
        "sheets:job_list": Route(no_object, get=SIGNED_IN_ONLY),
        "sheets:job_detail": Route(INVALID, get=JOB_READ),
        "sheets:job_progress": Route(job_a1(ImportStatus.VALIDATING), get=JOB_READ),
        # The file holds the upload's ID numbers in full: its uploader alone gets it.
        "sheets:job_error_file": Route(INVALID, get=(LOGIN, 404, 404, 200, 404, 404, 403)),
        "sheets:job_confirm": Route(job_a1(ImportStatus.VALID), get=POST_ONLY, post=JOB_DECIDE),
        "sheets:job_cancel": Route(job_a1(ImportStatus.VALID), get=POST_ONLY, post=JOB_DECIDE),
    }
)


# Audit pages -------------------------------------------------------------------------------


def audit_a1(world: World) -> tuple[dict, str]:
    from audits.models import Audit

    audit, _created = Audit.objects.get_or_create(
        campaign=world.campaign, village=world.village("a1")
    )
    return {"pk": audit.pk}, ""


def finding_a1(world: World) -> tuple[dict, str]:
    from audits.models import AuditFinding

    audit = audit_a1(world)[0]["pk"]
    finding = AuditFinding.objects.create(audit_id=audit, description="白条入账")
    return {"pk": finding.pk}, ""


def new_audit_in_a1(world: World) -> tuple[dict, str]:
    return {}, f"village={world.village('a1').pk}"


MATRIX.update(
    {
        "audits:audit_list": Route(no_object, get=SIGNED_IN_ONLY),
        "audits:audit_export": Route(no_object, get=SIGNED_IN_ONLY),
        "audits:finding_export": Route(no_object, get=SIGNED_IN_ONLY),
        "audits:audit_create": Route(new_audit_in_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "audits:audit_detail": Route(audit_a1, get=OBJECT_READ),
        "audits:audit_edit": Route(audit_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "audits:audit_done": Route(audit_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "audits:audit_reopen": Route(audit_a1, get=POST_ONLY, post=WRITE_REDIRECTS),
        "audits:finding_create": Route(audit_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "audits:finding_edit": Route(finding_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "audits:finding_delete": Route(finding_a1, get=POST_ONLY, post=WRITE_REDIRECTS),
    }
)


# Petition pages --------------------------------------------------------------------------
# The petition: registered by township A1 and not about A1, so A1 reads it and may correct
# and transfer it; county A and the city handle it; the inspector (group of A1) reads it.


def petition_a1(world: World) -> tuple[dict, str]:
    from petitions.models import Level
    from petitions.services import petition_register

    if not hasattr(world, "petition_a1"):
        registrar = TownshipUserFactory(township=world.township_a1)
        world.petition_a1 = petition_register(
            by=registrar,
            level=Level.TOWNSHIP,
            receiving_township=world.township_a1,
            received_on=datetime.date.today() - datetime.timedelta(days=2),
            channel="letter",
            category="procedure",
            real_name=False,
            content="反映甲二镇某村选举程序问题",
        )
    return {"pk": world.petition_a1.pk}, ""


def petition_attachment_a1(world: World) -> tuple[dict, str]:
    from petitions.models import PetitionAttachment

    petition = petition_a1(world)[0]["pk"]
    attachment = PetitionAttachment(
        petition_id=petition,
        original_name="a.pdf",
        content_type="application/pdf",
        size=5,
        uploaded_by=world.petition_a1.registered_by,
    )
    attachment.file.save("a.pdf", ContentFile(b"%PDF-"), save=True)
    return {"pk": attachment.pk}, ""


#                anonymous city  county_a  township_a1  township_b1  inspector  no_role
HANDLER_WRITE = (LOGIN, 200, 200, 403, 404, 403, 403)

MATRIX.update(
    {
        "petitions:petition_list": Route(no_object, get=SIGNED_IN_ONLY),
        # Masked for every reader, by GET or by POST without the reveal option.
        "petitions:petition_export": Route(no_object, get=SIGNED_IN_ONLY, post=SIGNED_IN_ONLY),
        "petitions:petition_create": Route(no_object, get=WRITERS, post=WRITERS),
        "petitions:petition_detail": Route(petition_a1, get=OBJECT_READ),
        "petitions:petition_edit": Route(petition_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "petitions:petition_reveal": Route(petition_a1, get=POST_ONLY, post=OBJECT_WRITE),
        "petitions:petition_accept": Route(petition_a1, get=POST_ONLY, post=HANDLER_WRITE),
        "petitions:petition_decline": Route(petition_a1, get=POST_ONLY, post=HANDLER_WRITE),
        "petitions:petition_transfer": Route(petition_a1, get=POST_ONLY, post=OBJECT_WRITE),
        "petitions:petition_investigate": Route(petition_a1, get=POST_ONLY, post=HANDLER_WRITE),
        "petitions:petition_answer": Route(petition_a1, get=POST_ONLY, post=HANDLER_WRITE),
        "petitions:petition_close": Route(petition_a1, get=POST_ONLY, post=HANDLER_WRITE),
        "petitions:petition_extend": Route(petition_a1, get=POST_ONLY, post=HANDLER_WRITE),
        "petitions:attachment_upload": Route(petition_a1, get=POST_ONLY, post=OBJECT_WRITE),
        "petitions:attachment_download": Route(petition_attachment_a1, get=OBJECT_READ),
    }
)


# Oversight pages ------------------------------------------------------------------------
# Risks, secretary adjustments and a training of township A1 follow the house rule. Visits are
# the one record an inspection group writes: its own group's visit in A1 is written by the
# inspector alone (403 for everyone else who reads it, 404 outside the region).


def risk_a1(world: World) -> tuple[dict, str]:
    from oversight.models import Risk

    risk = Risk.objects.create(
        village=world.village("a1"),
        campaign=world.campaign,
        category="land",
        description="土地纠纷",
        owner="王建国",
        found_on=datetime.date.today() - datetime.timedelta(days=3),
    )
    return {"pk": risk.pk}, ""


def adjustment_a1(world: World) -> tuple[dict, str]:
    from oversight.models import SecretaryAdjustment

    adjustment = SecretaryAdjustment.objects.create(
        village=world.village("a1"),
        campaign=world.campaign,
        adjusted_on=datetime.date.today() - datetime.timedelta(days=3),
        previous_secretary="李四",
        new_secretary="张三",
        reason="age",
        approved_by="甲一镇党委",
    )
    return {"pk": adjustment.pk}, ""


def own_visit_a1(world: World) -> tuple[dict, str]:
    from oversight.models import InspectionVisit

    visit = InspectionVisit.objects.create(
        group=world.inspection_group,
        township=world.township_a1,
        visited_on=datetime.date.today() - datetime.timedelta(days=3),
        findings="秩序良好",
    )
    return {"pk": visit.pk}, ""


def training_a1(world: World) -> tuple[dict, str]:
    from oversight.models import TrainingSession

    session = TrainingSession.objects.create(
        held_on=datetime.date.today() - datetime.timedelta(days=3),
        level="township",
        county=world.county_a,
        township=world.township_a1,
        title="换届业务培训",
        participants=30,
    )
    return {"pk": session.pk}, ""


def in_village_a1(world: World) -> tuple[dict, str]:
    return {}, f"village={world.village('a1').pk}"


#                anonymous city  county_a  township_a1  township_b1  inspector  no_role
VISIT_CREATE = (LOGIN, 403, 403, 403, 403, 200, 403)
OWN_VISIT_WRITE = (LOGIN, 403, 403, 403, 404, 200, 403)

MATRIX.update(
    {
        "oversight:risk_list": Route(no_object, get=SIGNED_IN_ONLY),
        "oversight:risk_export": Route(no_object, get=SIGNED_IN_ONLY),
        "oversight:risk_create": Route(in_village_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "oversight:risk_detail": Route(risk_a1, get=OBJECT_READ),
        "oversight:risk_edit": Route(risk_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "oversight:village_difficult": Route(village_a1, get=POST_ONLY, post=WRITE_REDIRECTS),
        "oversight:adjustment_list": Route(no_object, get=SIGNED_IN_ONLY),
        "oversight:adjustment_export": Route(no_object, get=SIGNED_IN_ONLY),
        "oversight:adjustment_create": Route(in_village_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "oversight:adjustment_detail": Route(adjustment_a1, get=OBJECT_READ),
        "oversight:adjustment_edit": Route(adjustment_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
        "oversight:group_list": Route(no_object, get=SIGNED_IN_ONLY),
        "oversight:visit_list": Route(no_object, get=SIGNED_IN_ONLY),
        "oversight:visit_export": Route(no_object, get=SIGNED_IN_ONLY),
        "oversight:visit_create": Route(no_object, get=VISIT_CREATE, post=VISIT_CREATE),
        "oversight:visit_detail": Route(own_visit_a1, get=OBJECT_READ),
        "oversight:visit_edit": Route(own_visit_a1, get=OWN_VISIT_WRITE, post=OWN_VISIT_WRITE),
        "oversight:training_list": Route(no_object, get=SIGNED_IN_ONLY),
        "oversight:training_export": Route(no_object, get=SIGNED_IN_ONLY),
        "oversight:training_create": Route(no_object, get=WRITERS, post=WRITERS),
        "oversight:training_detail": Route(training_a1, get=OBJECT_READ),
        "oversight:training_edit": Route(training_a1, get=OBJECT_WRITE, post=OBJECT_WRITE),
    }
)


def report_of_county_a(world: World) -> tuple[dict, str]:
    """A finished report of county A, its files in place (their content is not the point)."""
    from reports.models import Report, ReportStatus, report_dir
    from reports.statistics import compute_figures
    from tests.factories import CityUserFactory

    if not hasattr(world, "report_a"):
        city = CityUserFactory()
        report = Report.objects.create(
            campaign=world.campaign,
            county=world.county_a,
            requested_by=city,
            status=ReportStatus.DONE,
            figures=compute_figures(campaign=world.campaign, user=city, county=world.county_a),
            pdf_name="matrix.pdf",
            xlsx_name="matrix.xlsx",
        )
        report_dir().mkdir(parents=True, exist_ok=True)
        report.pdf_path.write_bytes(b"%PDF-1.7")
        report.xlsx_path.write_bytes(b"PK")
        world.report_a = report
    return {"pk": world.report_a.pk}, ""


def report_section(world: World) -> tuple[dict, str]:
    from reports.models import ReportSection
    from tests.factories import CityUserFactory

    section = ReportSection.objects.create(
        campaign=world.campaign, order=1, title="经验", body="……", updated_by=CityUserFactory()
    )
    return {"pk": section.pk}, ""


#                anonymous city  county_a  township_a1  township_b1  inspector  no_role
REPORTERS = (LOGIN, 200, 200, 403, 403, 403, 403)
REPORTERS_REDIRECT = (LOGIN, 302, 302, 403, 403, 403, 403)
CITY_POST_ONLY = (LOGIN, 405, 403, 403, 403, 403, 403)
CITY_REDIRECTS = (LOGIN, 302, 403, 403, 403, 403, 403)

MATRIX.update(
    {
        "reports:report_index": Route(no_object, get=REPORTERS, post=REPORTERS),
        "reports:report_detail": Route(report_of_county_a, get=REPORTERS),
        "reports:report_progress": Route(report_of_county_a, get=REPORTERS),
        "reports:report_pdf": Route(report_of_county_a, get=REPORTERS),
        "reports:report_xlsx": Route(report_of_county_a, get=REPORTERS),
        "reports:report_html": Route(report_of_county_a, get=REPORTERS),
        "reports:measures": Route(no_object, get=REPORTERS, post=REPORTERS_REDIRECT),
        "reports:section_list": Route(no_object, get=REPORTERS),
        "reports:section_create": Route(no_object, get=CITY_ONLY, post=CITY_ONLY),
        "reports:section_edit": Route(report_section, get=CITY_ONLY, post=CITY_ONLY),
        "reports:section_delete": Route(report_section, get=CITY_POST_ONLY, post=CITY_REDIRECTS),
    }
)


# Dashboards and progress reports --------------------------------------------------------------
# A county's or the city's dashboard shows a whole region: only that county and the city read it
# (403 for those who see the county only in part). Inspection groups read no dashboard.


def township_a1(world: World) -> tuple[dict, str]:
    return {"pk": world.township_a1.pk}, ""


#                anonymous city  county_a  township_a1  township_b1  inspector  no_role
DASH_COUNTY = (LOGIN, 200, 200, 403, 404, 403, 403)
DASH_LOCAL = (LOGIN, 200, 200, 200, 404, 403, 403)
DAILY_WRITE = (LOGIN, 403, 403, 302, 404, 403, 403)
WEEKLY_WRITE = (LOGIN, 403, 302, 403, 404, 403, 403)

MATRIX.update(
    {
        "dashboards:home": Route(no_object, get=(LOGIN, 302, 302, 302, 302, 403, 403)),
        "dashboards:city": Route(no_object, get=CITY_ONLY),
        "dashboards:county": Route(county_a, get=DASH_COUNTY),
        "dashboards:township": Route(township_a1, get=DASH_LOCAL),
        "dashboards:village": Route(village_a1, get=DASH_LOCAL),
        "dashboards:daily_report": Route(township_a1, get=DASH_LOCAL, post=DAILY_WRITE),
        "dashboards:daily_report_export": Route(township_a1, get=DASH_LOCAL),
        "dashboards:daily_board": Route(county_a, get=DASH_COUNTY),
        "dashboards:weekly_report": Route(county_a, get=DASH_COUNTY, post=WEEKLY_WRITE),
        "dashboards:weekly_report_export": Route(county_a, get=DASH_COUNTY),
        "dashboards:weekly_board": Route(no_object, get=CITY_ONLY),
    }
)


def walk(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[tuple[str | None, str]]:
    """Every route of the URLconf as (namespaced name or None, pattern)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix)
        elif entry.name:
            yield f"{namespace}{entry.name}", str(entry.pattern)
        else:
            yield None, f"{namespace}{entry.pattern}"


def in_admin(name_or_pattern: str) -> bool:
    return name_or_pattern.startswith(f"{ADMIN_NAMESPACE}:")


def cases() -> Iterator[object]:
    for name, route in MATRIX.items():
        for method, statuses in (("GET", route.get), ("POST", route.post)):
            if statuses is None:
                continue
            assert len(statuses) == len(PERSONAS), f"{name} {method}: one status per persona"
            for persona, expected in zip(PERSONAS, statuses, strict=True):
                yield pytest.param(name, method, persona, expected, id=f"{name}-{method}-{persona}")


def test_it_has_an_entry_for_every_named_route() -> None:
    # given
    routes = list(walk())
    names = {name for name, _ in routes if name and not in_admin(name)}

    # then: every page says who may see it; the admin namespace is checked as a whole below
    missing = sorted(names - MATRIX.keys())
    assert not missing, f"Add these routes to MATRIX in {__file__}: {missing}"


def test_it_has_no_entry_for_a_route_that_is_gone() -> None:
    names = {name for name, _ in walk() if name}

    stale = sorted(MATRIX.keys() - names)
    assert not stale, f"Remove these entries from MATRIX, the URLconf has no such route: {stale}"


def test_it_finds_no_unnamed_route_outside_the_admin() -> None:
    # An unnamed route could not be listed in MATRIX, so it would escape the check.
    unnamed = [pattern for name, pattern in walk() if name is None and not in_admin(pattern)]

    assert unnamed == []


def test_it_enumerates_the_admin_namespace_and_excludes_only_it() -> None:
    names = {name for name, _ in walk() if name}
    admin_names = {name for name in names if in_admin(name)}

    # The walker does see the admin (so excluding it is a choice, not blindness) ...
    assert {"admin:index", "admin:login", "admin:elections_election_change"} <= admin_names
    # ... and the exclusion does not swallow a look-alike namespace such as "administration".
    assert all(name.split(":")[0] == ADMIN_NAMESPACE for name in admin_names)
    assert names - admin_names == MATRIX.keys()


@pytest.mark.parametrize(("name", "method", "persona", "expected"), list(cases()))
def test_it_answers_each_persona_as_the_matrix_says(
    name: str,
    method: str,
    persona: str,
    expected: int | str,
    world: World,
    client_for: Callable[[str], Client],
) -> None:
    # given
    kwargs, query = MATRIX[name].target(world)
    url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
    client = client_for(persona)

    # when
    response = client.get(url) if method == "GET" else client.post(url, {})

    # then
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_staff_into_the_admin(
    persona: str, client_for: Callable[[str], Client]
) -> None:
    response = client_for(persona).get(reverse("admin:index"))

    if persona == "city":
        assert response.status_code == 200
    else:
        # Anonymous and non-staff users alike are sent to the admin's own sign-in page.
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("persona", ["anonymous", "county_a", "township_a1", "inspector"])
def test_it_keeps_non_staff_out_of_admin_model_pages(
    persona: str, world: World, client_for: Callable[[str], Client]
) -> None:
    url = reverse("admin:elections_election_change", args=[world.election("a1").pk])

    response = client_for(persona).get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
