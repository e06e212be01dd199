"""Importing people and their candidacies from the roster sheet (人员名单).

The sheet's headers and their order are fixed (issue 4) so that rosters kept in other
systems can be pasted in. A row is a person standing in the campaign's election of a village;
选举结果 = 当选 puts them on that election's committee with the post in 职务, so a previous
campaign's committees can be loaded for comparisons.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from candidates.identity import birth_date_from_id, gender_from_id, id_problems
from candidates.models import Person, Post, Stage
from elections.models import Election, Village
from sheets import parsing
from sheets.bulk import StagingTable, existing_count
from sheets.importing import Column, Importer, Record


class VillageRow(NamedTuple):
    pk: int
    name: str
    township_id: int


# Closed lists as they appear in the sheet: Chinese labels whatever the interface language.
GENDERS = {"男": "M", "女": "F"}
EDUCATIONS = {
    "研究生": "postgraduate",
    "本科": "bachelor",
    "大专": "junior_college",
    "中专及高中": "secondary",
    "初中及以下": "junior_high",
}
# What people also write for the same levels.
EDUCATION_SYNONYMS = {
    "硕士": "postgraduate",
    "博士": "postgraduate",
    "硕士研究生": "postgraduate",
    "大学本科": "bachelor",
    "大学": "bachelor",
    "大学专科": "junior_college",
    "专科": "junior_college",
    "高中": "secondary",
    "中专": "secondary",
    "中技": "secondary",
    "职高": "secondary",
    "初中": "junior_high",
    "小学": "junior_high",
    "初中以下": "junior_high",
}
POSTS = {"书记": Post.SECRETARY, "副书记": Post.DEPUTY, "委员": Post.MEMBER}
SOURCES = {
    "本地致富带富能人": "local_capable",
    "优秀退伍转业军人": "veteran",
    "返乡创业人员": "returnee",
    "大学生村官": "graduate_official",
    "机关企事业单位派选人员": "dispatched",
    "其他": "other",
}
STAGES = {
    "初步人选": Stage.PRELIMINARY,
    "预备人选": Stage.PROSPECTIVE,
    "正式候选人": Stage.OFFICIAL,
    "当选": Stage.ELECTED,
    "落选": Stage.NOT_ELECTED,
    "退出": Stage.WITHDRAWN,
    "取消资格": Stage.DISQUALIFIED,
}
RESULTS = {"当选": Stage.ELECTED, "落选": Stage.NOT_ELECTED}
MIN_AGE, MAX_AGE = 18, 85


def _choice(labels: dict, field: str, synonyms: dict | None = None) -> Callable[[object], str]:
    merged = {**(synonyms or {}), **labels}

    def parse(value: object) -> str:
        # The message lists the official labels only, not every synonym accepted.
        return parsing.choice(value, merged, field=field, shown=labels)

    return parse


def _ethnicity(value: object) -> str:
    word = parsing.compact(value)
    if word and not word.endswith("族"):
        word += "族"
    return word


def _phone(value: object) -> str:
    phone = parsing.compact(value).replace("-", "")
    if phone and not (phone.isascii() and phone.isdigit() and 7 <= len(phone) <= 12):
        raise parsing.CellError(_("“%(value)s” is not a phone number.") % {"value": phone})
    if len(phone) == 11 and not phone.startswith("1"):
        raise parsing.CellError(_("A mobile number starts with 1."))
    return phone


def _name(value: object) -> str:
    name = parsing.text(value)
    if len(name) > 50:
        raise parsing.CellError(_("A name has at most 50 characters."))
    return name


def _bool(value: object) -> bool:
    return bool(parsing.boolean(value))


YES_NO = ("是", "否")
HELP_CODE = gettext_lazy("The 12-digit division code of the village or community.")
HELP_ID = gettext_lazy("18 characters, typed as text.")
HELP_BIRTH = gettext_lazy(
    "Optional; must agree with the ID number. 1975.03, 1975-3-12, 1975年3月 all work."
)
HELP_POST = gettext_lazy("The post sought, or held when 选举结果 is 当选.")

# repeats=True: a closed list or a value shared by many rows, parsed once per distinct value.
PEOPLE_COLUMNS = (
    Column("区划代码", "code", parsing.compact, required=True, example="320703101201",
           as_text=True, width=15, help=HELP_CODE, repeats=True),
    Column("村(社区)名称", "village_name", parsing.text, example="东山村", width=14,
           repeats=True),
    Column("姓名", "name", _name, required=True, example="张三", width=10),
    Column("性别", "gender", _choice(GENDERS, "性别"), required=True, example="男",
           choices=tuple(GENDERS), width=6, repeats=True),
    Column("民族", "ethnicity", _ethnicity, example="汉族", width=8, repeats=True),
    Column("公民身份号码", "id_number", parsing.id_number_cell, required=True,
           example="110105197503120018", as_text=True, width=21, help=HELP_ID),
    Column("出生年月", "birth", parsing.date_or_month, example="1975.03", width=11,
           help=HELP_BIRTH, repeats=True),
    Column("学历", "education", _choice(EDUCATIONS, "学历", EDUCATION_SYNONYMS), required=True,
           example="大专", choices=tuple(EDUCATIONS), width=11, repeats=True),
    Column("入党时间", "party_joined", parsing.date_or_month, example="1998.07", width=11,
           repeats=True),
    Column("职务", "post", _choice(POSTS, "职务"), example="书记", choices=tuple(POSTS), width=8,
           help=HELP_POST, repeats=True),
    Column("来源", "source", _choice(SOURCES, "来源"), example="本地致富带富能人",
           choices=tuple(SOURCES), width=20, repeats=True),
    Column("是否双强", "strong_two", _bool, example="是", choices=YES_NO, width=9, repeats=True),
    Column("是否双带", "lead_two", _bool, example="是", choices=YES_NO, width=9, repeats=True),
    Column("是否妇代会主任", "women_director", _bool, example="否", choices=YES_NO, width=9,
           repeats=True),
    Column("候选阶段", "stage", _choice(STAGES, "候选阶段"), example="正式候选人",
           choices=tuple(STAGES), width=11, repeats=True),
    Column("选举结果", "result", _choice(RESULTS, "选举结果"), example="当选",
           choices=tuple(RESULTS), width=9, repeats=True),
    Column("联系电话", "phone", _phone, example="13800138000", as_text=True, width=14),
)  # fmt: skip


class PeopleImporter(Importer):
    kind = "people"
    title = "人员名单"
    sheet_name = "人员名单"
    columns = PEOPLE_COLUMNS
    instructions = (
        "每行填写一名人员在本次换届中的情况；公民身份号码、联系电话两列须为文本格式。",
        "区划代码为村(社区)的12位统计用区划代码，须在您的管辖范围内。",
        "选举结果填“当选”的人员进入该村(社区)新一届党组织班子，职务即其任职；同一村只能有一名书记。",
        "是/否两类字段可填 是、否、√、×、Y、N；"
        "日期可填 1975.03、1975-3-12、1975/03/12、1975年3月、197503。",
        "同一文件重复导入只会更新，不会重复新增；文件中任何一行有误，整个文件都不会写入。",
    )

    def prepare(self, records: list[Record] | None) -> None:
        codes = {r.values["code"] for r in records or () if r.values.get("code")}
        visible = Village.objects.visible_to(self.user)
        # A file naming many villages: load the whole region once rather than a long IN list.
        wanted = visible if records is None or len(codes) > 2000 else visible.filter(code__in=codes)
        self.villages = {
            code: VillageRow(pk, name, township)
            for pk, code, name, township in wanted.values_list("pk", "code", "name", "township_id")
        }
        elections = (
            Election.objects.filter(campaign=self.campaign, branch__village__in=wanted)
            .order_by("-branch_id")  # the first branch of a village wins
            .values_list("branch__village_id", "pk", "locked")
        )
        self.elections = {village: (pk, locked) for village, pk, locked in elections}
        # Which codes exist outside the region, for a clearer message than "no such code".
        # A stream (records is None) cannot ask later, while its writer holds the connection.
        outside = Village.objects.exclude(pk__in=visible.values("pk"))
        if records is not None:
            unknown = codes - self.villages.keys()
            outside = outside.filter(code__in=unknown) if len(unknown) <= 2000 else outside.none()
        self.known_codes = set(outside.values_list("code", flat=True))
        self.reference = self.campaign.reference_date
        self.today = timezone.localdate()
        self._cleared: set[int] = set()  # elections whose old committee this run removed

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:
        values = record.values
        self._check_village(values, error)
        self._check_identity(values, error)
        self._check_stage(values, error)

    def _check_village(self, values: dict, error: Callable[[str, str], None]) -> None:
        code = values.get("code")
        if not code:
            return
        village = self.villages.get(code)
        if village is None:
            if len(code) != 12 or not code.isascii() or not code.isdigit():
                error("code", _("A division code has 12 digits."))
            elif code in self.known_codes:
                error("code", _("This village is outside your region."))
            else:
                error("code", _("No village or community has this code."))
            return
        name = values.get("village_name")
        if name and name != village.name:
            error(
                "village_name",
                _("The code %(code)s is %(name)s.") % {"code": code, "name": village.name},
            )
        election = self.elections.get(village.pk)
        if election is None:
            error("code", _("This village has no election in the campaign."))
        elif election[1]:
            error("code", _("This village's result is certified and locked."))
        else:
            values["election_id"] = election[0]
            values["township_id"] = village.township_id

    def _check_identity(self, values: dict, error: Callable[[str, str], None]) -> None:
        number = values.get("id_number")
        if not number:
            return
        problems = id_problems(number)
        for problem in problems:
            error("id_number", problem)
        if problems:
            return
        born = birth_date_from_id(number)
        values["birth_date"] = born
        if values.get("gender") and gender_from_id(number) != values["gender"]:
            error("gender", _("The gender does not match the ID number."))
        typed = values.get("birth")
        if typed:
            day, month_only = typed
            same = (day.year, day.month) == (born.year, born.month) and (month_only or day == born)
            if not same:
                error(
                    "birth",
                    _("The birth date does not match the ID number (%(date)s).")
                    % {"date": born.isoformat()},
                )
        age = age_on(born, self.reference)
        if not MIN_AGE <= age <= MAX_AGE:
            error(
                "id_number", _("The person would be %(age)d on the reference date.") % {"age": age}
            )
        joined = values.get("party_joined")
        if joined:
            joined_day = joined[0]
            values["party_joined"] = joined_day
            if (
                joined_day.year - born.year < 18 - (1 if joined[1] else 0)
                or joined_day > self.today
            ):
                error(
                    "party_joined",
                    _("The date of joining the Party is not plausible for this person."),
                )
        else:
            values["party_joined"] = None

    def _check_stage(self, values: dict, error: Callable[[str, str], None]) -> None:
        result, stage = values.get("result"), values.get("stage")
        if result and stage and result != stage:
            error("result", _("The result does not agree with the stage."))
        values["stage"] = result or stage or Stage.PRELIMINARY
        if values["stage"] == Stage.ELECTED and not values.get("post"):
            error("post", _("Give the post of an elected member."))

    def check_file(self, records: list[Record], error: Callable[[int, str, str], None]) -> None:
        ids = Counter(r.values.get("id_number") for r in records if r.values.get("id_number"))
        secretaries: dict[int, list[int]] = defaultdict(list)
        for record in records:
            values = record.values
            number = values.get("id_number")
            if number and ids[number] > 1:
                rows = [r.row for r in records if r.values.get("id_number") == number]
                error(
                    record.row,
                    "id_number",
                    _("The same ID number is on rows %(rows)s.")
                    % {"rows": "、".join(map(str, rows))},
                )
            if (
                values.get("stage") == Stage.ELECTED
                and values.get("post") == Post.SECRETARY
                and values.get("election_id")
            ):
                secretaries[values["election_id"]].append(record.row)
        for rows in secretaries.values():
            if len(rows) > 1:
                for row in rows:
                    error(
                        row,
                        "post",
                        _("Rows %(rows)s elect two secretaries of one village.")
                        % {"rows": "、".join(map(str, rows))},
                    )

    def count_existing(self, records: list[Record]) -> int:
        return existing_count(Person, ["id_number"], [(r.values["id_number"],) for r in records])

    def write_chunk(self, records: list[Record], cursor: object) -> tuple[int, int]:
        """One staging table, then set-based SQL: people, candidacies, committees."""
        stage = StagingTable("people", STAGE_COLUMNS, cursor).load(
            [
                (v["id_number"], v["name"], v["gender"], v["ethnicity"] or "汉族", v["birth_date"],
                 v["party_joined"], v["phone"], v["township_id"], v["election_id"],
                 v["education"], v["source"] or "other", v["strong_two"], v["lead_two"],
                 v["women_director"], v["post"] or Post.MEMBER, v["stage"])
                for v in (r.values for r in records)
            ]
        )  # fmt: skip
        now = timezone.now()
        self._clear_committees(records, stage)
        if stage.postgres:
            # One statement: every join is between the file's own rows (the stage and what the
            # inserts return), never the whole people table, whose statistics a large first
            # import leaves far behind (the planner then chose nested scans: measured).
            created, total = stage.scalar_row(PEOPLE_IN_ONE_STATEMENT, [now, now, now, now])
            stage.drop()
            return created, total - created
        updated = stage.scalar(
            "SELECT count(*) FROM {stage} s JOIN candidates_person p ON p.id_number = s.id_number"
        )
        stage.execute(UPSERT_PEOPLE, [now, now])
        stage.execute(UPSERT_CANDIDACIES, [now, now])
        stage.execute(INSERT_COMMITTEES, [Stage.ELECTED])
        stage.drop()
        return len(records) - updated, updated

    def _clear_committees(self, records: list[Record], stage: StagingTable) -> None:
        """The roster's elected rows are their election's committee: the old one goes, once
        per election even when its rows fall in several chunks."""
        elected = {r.values["election_id"] for r in records if r.values["stage"] == Stage.ELECTED}
        fresh = sorted(elected - self._cleared)
        for start in range(0, len(fresh), 5000):
            batch = fresh[start : start + 5000]
            marks = ", ".join(["%s"] * len(batch))
            stage.execute(
                f"DELETE FROM candidates_committeemember WHERE election_id IN ({marks})",  # noqa: S608
                batch,
            )
        self._cleared |= elected


PEOPLE_IN_ONE_STATEMENT = """
    WITH people AS (
        INSERT INTO candidates_person (id_number, name, gender, ethnicity, birth_date,
            party_joined, phone, township_id, created_at, updated_at)
        SELECT id_number, name, gender, ethnicity, birth_date, party_joined, phone, township_id,
            %s, %s
        FROM {stage}
        ON CONFLICT (id_number) DO UPDATE SET name = excluded.name, gender = excluded.gender,
            ethnicity = excluded.ethnicity, birth_date = excluded.birth_date,
            party_joined = excluded.party_joined, phone = excluded.phone,
            updated_at = excluded.updated_at
        RETURNING id, id_number, (xmax = 0) AS created
    ),
    candidacies AS (
        INSERT INTO candidates_candidacy (person_id, election_id, education, source,
            strong_two, lead_two, women_director, post_sought, stage, stage_reason,
            township_vote_observed, township_vote_recorded, created_at, updated_at)
        SELECT p.id, s.election_id, s.education, s.source, s.strong_two, s.lead_two,
            s.women_director, s.post, s.stage, '', false, false, %s, %s
        FROM {stage} s JOIN people p ON p.id_number = s.id_number
        ON CONFLICT (person_id, election_id) DO UPDATE SET education = excluded.education,
            source = excluded.source, strong_two = excluded.strong_two,
            lead_two = excluded.lead_two, women_director = excluded.women_director,
            post_sought = excluded.post_sought, stage = excluded.stage,
            updated_at = excluded.updated_at
        RETURNING id, election_id, stage, post_sought
    ),
    seats AS (
        INSERT INTO candidates_committeemember (election_id, candidacy_id, post)
        SELECT election_id, id, post_sought FROM candidacies WHERE stage = 'elected'
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE created), count(*) FROM people
"""


STAGE_COLUMNS = {
    "id_number": "varchar(18)",
    "name": "varchar(50)",
    "gender": "varchar(1)",
    "ethnicity": "varchar(20)",
    "birth_date": "date",
    "party_joined": "date",
    "phone": "varchar(20)",
    "township_id": "bigint",
    "election_id": "bigint",
    "education": "varchar(20)",
    "source": "varchar(20)",
    "strong_two": "boolean",
    "lead_two": "boolean",
    "women_director": "boolean",
    "post": "varchar(10)",
    "stage": "varchar(15)",
}
# "WHERE true": SQLite needs it to tell the upsert's ON CONFLICT from a join's ON.
UPSERT_PEOPLE = """
    INSERT INTO candidates_person (id_number, name, gender, ethnicity, birth_date, party_joined,
        phone, township_id, created_at, updated_at)
    SELECT id_number, name, gender, ethnicity, birth_date, party_joined, phone, township_id,
        %s, %s
    FROM {stage} WHERE true
    ON CONFLICT (id_number) DO UPDATE SET name = excluded.name, gender = excluded.gender,
        ethnicity = excluded.ethnicity, birth_date = excluded.birth_date,
        party_joined = excluded.party_joined, phone = excluded.phone,
        updated_at = excluded.updated_at
"""
UPSERT_CANDIDACIES = """
    INSERT INTO candidates_candidacy (person_id, election_id, education, source, strong_two,
        lead_two, women_director, post_sought, stage, stage_reason, township_vote_observed,
        township_vote_recorded, created_at, updated_at)
    SELECT p.id, s.election_id, s.education, s.source, s.strong_two, s.lead_two,
        s.women_director, s.post, s.stage, '', false, false, %s, %s
    FROM {stage} s JOIN candidates_person p ON p.id_number = s.id_number WHERE true
    ON CONFLICT (person_id, election_id) DO UPDATE SET education = excluded.education,
        source = excluded.source, strong_two = excluded.strong_two, lead_two = excluded.lead_two,
        women_director = excluded.women_director, post_sought = excluded.post_sought,
        stage = excluded.stage, updated_at = excluded.updated_at
"""
# The roster's elected rows are the committee of their election: it replaces the old one.
INSERT_COMMITTEES = """
    INSERT INTO candidates_committeemember (election_id, candidacy_id, post)
    SELECT s.election_id, c.id, s.post
    FROM {stage} s
    JOIN candidates_person p ON p.id_number = s.id_number
    JOIN candidates_candidacy c ON c.person_id = p.id AND c.election_id = s.election_id
    WHERE s.stage = %s
"""


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
