"""Reports built from the test world for the document, PDF and Excel tests.

The world (tests/conftest.py) gets results: most elections completed by various methods, one
postponed, committees of three with known ages, sources and education; part 2 texts for both
counties and two part 3 sections. Reports are then snapshots of ``compute_figures``, as the
pipeline stores them (Decimals as strings).
"""

import itertools
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.models import User
from candidates.models import Candidacy, CommitteeMember, Education, Person, Post, Source, Stage
from elections.models import Election, ElectionStatus, Method, Mode
from reports.models import MeasureHeading, MeasureText, Report, ReportSection
from reports.statistics import compute_figures

TEXT_A = "甲县成立5个县级调研组，对全县村(社区)进行摸底调研，建立重难点村动态管理档案。"
TEXT_B = "乙县在县信访局挂牌成立换届信访接待办公室，集中受理、妥善处置换届信访件。"
SECTION_BODY = (
    "巩固基层组织建设年工作成果，在基层党组织中实施星级化管理，使全市基层党组织知位次、"
    "明方向、定目标、增活力。\n星级评定坚持实事求是、严格标准，做到先进不封顶、后进不保底。"
)
_ids = itertools.count(1)

# (township, index) → method, or postponed; the rest stay not started.
RESULTS = {
    ("a1", 0): Method.PUBLIC_DIRECT,
    ("a1", 1): Method.TWO_NOMINATIONS,
    ("a2", 0): Method.PUBLIC_DIRECT,
    ("b1", 0): Method.PUBLIC_DIRECT,
    ("b1", 1): Method.CONVENTIONAL,
    ("b2", 0): ElectionStatus.POSTPONED,
}


def _seat(election: Election, post: str, age: int, *, source: str, education: str, woman=False):
    n = next(_ids)
    reference = election.campaign.reference_date
    person = Person.objects.create(
        name=f"成员{n}",
        gender="F" if woman else "M",
        birth_date=date(reference.year - age, 1, 1),
        id_number=f"9{n:017d}",
        township=election.branch.village.township,
    )
    candidacy = Candidacy.objects.create(
        person=person,
        election=election,
        education=education,
        source=source,
        strong_two=post == Post.SECRETARY,
        post_sought=post,
        stage=Stage.ELECTED,
    )
    CommitteeMember.objects.create(election=election, candidacy=candidacy, post=post)


def give_results(world) -> None:
    for (township, index), outcome in RESULTS.items():
        election = world.election(township, index)
        if outcome == ElectionStatus.POSTPONED:
            election.status = ElectionStatus.POSTPONED
            election.postponement_reason = "整体拆迁"
            election.save()
            continue
        election.status = ElectionStatus.COMPLETED
        election.method = outcome
        election.mode = Mode.INDIRECT if outcome == Method.CONVENTIONAL else Mode.DIRECT
        election.held_date = timezone.localdate()
        election.save()
        ages = (38 + index, 52, 31 + index)
        _seat(election, Post.SECRETARY, ages[0], source=Source.LOCAL_CAPABLE,
              education=Education.BACHELOR)  # fmt: skip
        _seat(election, Post.MEMBER, ages[1], source=Source.VETERAN,
              education=Education.SECONDARY)  # fmt: skip
        _seat(election, Post.MEMBER, ages[2], source=Source.RETURNEE,
              education=Education.JUNIOR_COLLEGE, woman=True)  # fmt: skip


def write_texts(world, author: User) -> None:
    survey = MeasureHeading.objects.get(slug="survey")
    petitions = MeasureHeading.objects.get(slug="petitions")
    for county, text, heading in (
        (world.county_a, TEXT_A, survey),
        (world.county_b, TEXT_B, petitions),
    ):
        MeasureText.objects.create(
            campaign=world.campaign, county=county, heading=heading, text=text, updated_by=author
        )
    for order, title in enumerate(("一、实施星级化管理，夯实基层组织", "二、试行职业化培养"), 1):
        ReportSection.objects.create(
            campaign=world.campaign, order=order, title=title, body=SECTION_BODY, updated_by=author
        )


def snapshot(figures: dict) -> dict:
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


def city_report(world, city: User) -> Report:
    counties = (world.county_a, world.county_b)
    units = [
        {
            "code": c.code,
            "name": c.name,
            "figures": snapshot(compute_figures(campaign=world.campaign, user=city, county=c)),
        }
        for c in counties
    ]
    return Report.objects.create(
        campaign=world.campaign,
        requested_by=city,
        figures=snapshot(compute_figures(campaign=world.campaign, user=city)),
        units=units,
        counted_at=timezone.now(),
    )


def county_report(world, user: User) -> Report:
    townships = (world.township_a1, world.township_a2)
    units = [
        {
            "code": t.code,
            "name": t.name,
            "figures": snapshot(compute_figures(campaign=world.campaign, user=user, township=t)),
        }
        for t in townships
    ]
    figures = compute_figures(campaign=world.campaign, user=user, county=world.county_a)
    return Report.objects.create(
        campaign=world.campaign,
        county=world.county_a,
        requested_by=user,
        figures=snapshot(figures),
        units=units,
        counted_at=timezone.now(),
    )


# Reading the PDF back ----------------------------------------------------------------------

A4_HEIGHT = 842  # points
TOP, BOTTOM = 62, 57  # the page margins (22 mm, 20 mm): running header and footer live there


def poppler(tool: str) -> str:
    """The full path of a poppler-utils tool (scripts/install-system-packages.sh installs them)."""
    path = shutil.which(tool)
    assert path, f"{tool} is not installed (poppler-utils)"
    return path


def squeeze(text: str) -> str:
    """Text without whitespace: line breaks fall differently in a PDF and in HTML."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path, *, page: int | None = None, body_only: bool = False) -> str:
    command = [poppler("pdftotext"), "-enc", "UTF-8"]
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    if body_only:  # crop the margins away: no running header, no footer
        command += ["-x", "0", "-y", str(TOP), "-W", "595", "-H", str(A4_HEIGHT - TOP - BOTTOM)]
    return subprocess.run(  # noqa: S603 - poppler's own tool on a file the test wrote
        [*command, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(  # noqa: S603 - poppler's own tool on a file the test wrote
        [poppler("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    )
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
