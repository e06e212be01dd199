"""People, candidacies and committees as workbooks, ID numbers and phones masked by default.

The people export is the 人员名单 import sheet (same headers, same labels): exported with
ID numbers in full, it imports again without an error and only updates. Rows are read with
one query each (values_list().iterator()), however many people.
"""

from collections.abc import Iterator, Sequence

from django.db.models import Case, IntegerField, QuerySet, Value, When

from candidates.models import Candidacy, CommitteeMember, Post
from candidates.resources import (
    EDUCATIONS,
    GENDERS,
    PEOPLE_COLUMNS,
    POSTS,
    RESULTS,
    SOURCES,
    STAGES,
    PeopleImporter,
    age_on,
)
from elections.exports import labels
from elections.models import Campaign
from sheets.exports import Export, identity

YES_NO = {True: "是", False: "否"}
PEOPLE_FIELDS = (
    "election__branch__village__code",
    "election__branch__village__name",
    "person__name",
    "person__gender",
    "person__ethnicity",
    "person__id_number",
    "person__birth_date",
    "education",
    "person__party_joined",
    "post_sought",
    "seat__post",
    "source",
    "strong_two",
    "lead_two",
    "women_director",
    "stage",
    "person__phone",
)


def people_export(candidacies: QuerySet[Candidacy], *, reveal: bool, subject: str = "") -> Export:
    return Export(
        title=PeopleImporter.sheet_name,
        headers=[column.header for column in PEOPLE_COLUMNS],
        rows=_people_rows(candidacies, reveal=reveal),
        text_columns=[i for i, column in enumerate(PEOPLE_COLUMNS) if column.as_text],
        subject=subject,
    )


def _people_rows(candidacies: QuerySet[Candidacy], *, reveal: bool) -> Iterator[Sequence[object]]:
    genders, educations, posts = labels(GENDERS), labels(EDUCATIONS), labels(POSTS)
    sources, stages, results = labels(SOURCES), labels(STAGES), labels(RESULTS)
    rows = candidacies.order_by(
        "election__branch__village__code", "election__branch__name", "person__name", "pk"
    ).values_list(*PEOPLE_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        (code, village, name, gender, ethnicity, number, born, education, joined, sought, seat,
         source, strong, lead, women, stage, phone) = row  # fmt: skip
        number, phone = identity(number, phone, reveal=reveal)
        # An elected member's post is the seat held (what 职务 means when 选举结果 is 当选).
        post = posts[seat or sought]
        yield (
            code, village, name, genders[gender], ethnicity, number, born, educations[education],
            joined, post, sources[source], YES_NO[strong], YES_NO[lead], YES_NO[women],
            stages[stage], results.get(stage, ""), phone,
        )  # fmt: skip


COMMITTEE_TITLE = "党组织班子成员"
COMMITTEE_HEADERS = (
    "区划代码", "村(社区)名称", "所属乡镇(街道)", "党组织名称", "职务", "姓名", "性别", "民族",
    "公民身份号码", "出生日期", "年龄", "学历", "入党时间", "来源", "联系电话",
)  # fmt: skip
COMMITTEE_FIELDS = (
    "election__branch__village__code",
    "election__branch__village__name",
    "election__branch__village__township__name",
    "election__branch__name",
    "post",
    "candidacy__person__name",
    "candidacy__person__gender",
    "candidacy__person__ethnicity",
    "candidacy__person__id_number",
    "candidacy__person__birth_date",
    "candidacy__education",
    "candidacy__person__party_joined",
    "candidacy__source",
    "candidacy__person__phone",
)
POST_ORDER = Case(
    When(post=Post.SECRETARY, then=Value(0)),
    When(post=Post.DEPUTY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def committee_export(
    members: QuerySet[CommitteeMember], *, campaign: Campaign, reveal: bool
) -> Export:
    return Export(
        title=COMMITTEE_TITLE,
        headers=COMMITTEE_HEADERS,
        rows=_committee_rows(members, campaign=campaign, reveal=reveal),
        text_columns=[0, 8, 14],
        subject=campaign.name,
    )


def _committee_rows(
    members: QuerySet[CommitteeMember], *, campaign: Campaign, reveal: bool
) -> Iterator[Sequence[object]]:
    genders, educations, posts, sources = (
        labels(GENDERS), labels(EDUCATIONS), labels(POSTS), labels(SOURCES)
    )  # fmt: skip
    rows = members.order_by(
        "election__branch__village__code", "election__branch__name", POST_ORDER,
        "candidacy__person__name",
    ).values_list(*COMMITTEE_FIELDS)  # fmt: skip
    for row in rows.iterator(chunk_size=2000):
        (code, village, township, branch, post, name, gender, ethnicity, number, born,
         education, joined, source, phone) = row  # fmt: skip
        number, phone = identity(number, phone, reveal=reveal)
        yield (
            code, village, township, branch, posts[post], name, genders[gender], ethnicity,
            number, born, age_on(born, campaign.reference_date), educations[education], joined,
            sources[source], phone,
        )  # fmt: skip
