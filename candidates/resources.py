"""Importing people and their candidacies from the roster sheet (人员名单).

The sheet's headers and their order are fixed (issue 4) so that rosters kept in other
systems can be pasted in. A row is a person standing in the campaign's election of a village;
选举结果 = 当选 puts them on that election's committee with the post in 职务, so a previous
campaign's committees can be loaded for comparisons.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from typing import NamedTuple

from django.db import IntegrityError, connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg.errors import UniqueViolation

from candidates.identity import birth_date_from_id, gender_from_id, id_problems, well_formed_id
from candidates.models import Person, Post, Stage
from elections.models import Election, ElectionStatus, Village
from sheets import parsing
from sheets.bulk import SEPARATOR, StagingTable, copy_into, existing_count
from sheets.importing import Column, Importer, Progress, RowError

# Closed lists as they appear in the sheet: Chinese labels whatever the interface language.
GENDERS = {"男": "M", "女": "F"}
# The same words as the forms and the report (大学本科, as the user's report writes it).
EDUCATIONS = {
    "研究生": "postgraduate",
    "大学本科": "bachelor",
    "大专": "junior_college",
    "中专或高中": "secondary",
    "初中及以下": "junior_high",
}
# What people also write for the same levels, and the labels of templates before 2026-11-28.
EDUCATION_SYNONYMS = {
    "本科": "bachelor",
    "中专及高中": "secondary",
    "硕士": "postgraduate",
    "博士": "postgraduate",
    "硕士研究生": "postgraduate",
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
# For the check of each row: reading an enum's member costs more than the comparison it is
# for (Python 3.11), 100,000 times over.
ELECTED, SECRETARY, MEMBER = Stage.ELECTED, Post.SECRETARY, Post.MEMBER
MIN_AGE, MAX_AGE = 18, 85
ETHNICITY_LENGTH = Person._meta.get_field("ethnicity").max_length


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
    if len(word) > ETHNICITY_LENGTH:  # a number typed here: 10000000000000000000族
        raise parsing.CellError(_("Write at most %(n)d characters here.") % {"n": ETHNICITY_LENGTH})
    return word


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
    Column("联系电话", "phone", parsing.phone, example="13800138000", as_text=True, width=14),
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

    streams = True
    locks_keys = True

    def validate(
        self, rows: Iterator[list], progress: Progress | None = None, total: int | None = None
    ) -> tuple[list[tuple], list[RowError]]:
        errors: list[RowError] = []
        blocks = self.check_blocks(rows, errors, progress, total)
        records = [record for block in blocks for record in block]
        return records, errors

    def check_blocks(
        self,
        rows: Iterator[list],
        errors: list[RowError],
        progress: Progress | None = None,
        total: int | None = None,
    ) -> Iterator[list[tuple]]:
        """Every row checked, a block at a time; the records are tuples in the order of
        STAGE_COLUMNS, ready for the writer while the next block is read.

        The engine's per-record hooks cost more than the checks themselves at 100,000 rows
        (issue 4): the rows are parsed column by column, then checked in one loop.
        """
        plan = self._plan(self._header(rows))
        self._begin()
        _headers, at = self._errors_for(errors)
        first_rows: dict[str, int] = {}
        rows_of_id: dict[str, list[int]] = {}
        secretaries: dict[int, list[int]] = defaultdict(list)
        done = 0
        for numbers, columns in self.parse_columns(rows, plan, errors):
            codes = {code for code in set(columns[0]) if code} - self.places.keys()
            self._load(codes)
            block = [
                self._check_row(row, at, first_rows, rows_of_id, secretaries)
                for row in zip(numbers, *columns, strict=True)
            ]
            del columns
            done += len(block)
            yield block
            if progress:
                progress(done, max(done, (total or 0) - 1))
        self._check_file(rows_of_id, secretaries, at)
        self._sort(errors)

    def while_reading(self, expanded_bytes: int) -> tuple[dict, dict] | None:
        """The user's whole region, loaded while the file is parsed, where that takes no
        longer than the parse (REGION_BYTES): then no block waits for its villages."""
        visible = Village.objects.visible_to(self.user)
        if visible.count() * REGION_BYTES <= expanded_bytes:
            return self._villages(visible, region=True)
        return None

    def _begin(self) -> None:
        self.places: dict[str, Place] = {}
        self.region = self.preloaded
        self.reference = self.campaign.reference_date
        self.today = timezone.localdate()
        self.stages: dict[tuple, tuple[str, tuple]] = {}
        self.births: dict[str, tuple[date, int] | None] = {}

    def _load(self, codes: set[str]) -> None:
        """What a block's new division codes stand for: from the region loaded while the
        file was parsed, or else the block's villages and elections, each in one query (a
        block of 4,096 rows names a few hundred villages)."""
        if not codes:
            return
        visible = Village.objects.visible_to(self.user)
        villages, elections = self.region or self._villages(visible.filter(code__in=codes))
        # Which codes exist outside the region, for a clearer message than "no such code".
        unknown = codes - villages.keys()
        known_codes = set()
        if unknown:
            outside = Village.objects.exclude(pk__in=visible.values("pk"))
            known_codes = set(outside.filter(code__in=unknown).values_list("code", flat=True))
        self.places.update((code, _place(code, villages, elections, known_codes)) for code in codes)

    def _villages(self, wanted: QuerySet, *, region: bool = False) -> tuple[dict, dict]:
        """({code: (village id, name, township id)}, {village id: (election id, locked)})
        of the villages ``wanted``, in plain tuples (20,000 named tuples cost ≈ 30 ms)."""
        villages = {
            code: (pk, name, township)
            for pk, code, name, township in wanted.values_list("pk", "code", "name", "township_id")
        }
        elections = (
            Election.objects.filter(
                campaign=self.campaign,
                branch__village__in=wanted if region else [v[0] for v in villages.values()],
            )
            .order_by("-branch_id")  # the first branch of a village wins
            .values_list("branch__village_id", "pk", "locked")
        )
        return villages, {village: (pk, locked) for village, pk, locked in elections}

    def _check_row(
        self,
        row: tuple,
        at: Callable[[int, str, str], None],
        first_rows: dict[str, int],
        rows_of_id: dict[str, list[int]],
        secretaries: dict[int, list[int]],
    ) -> tuple:
        """One parsed row (its number, then its cells in the order of PEOPLE_COLUMNS) checked
        against the data; returns the row as the stage table takes it.

        Runs 100,000 times a large file: what a row repeats (its place, its stage, its birth
        date) is looked up in a dict here, and worked out only the first time.
        """
        (number, code, village_name, name, gender, ethnicity, id_number, birth, education,
         joined, post, source, strong_two, lead_two, women_director, stage, result,
         phone) = row  # fmt: skip
        election_id = township_id = None
        if code:
            place = self.places[code]
            if place.errors:
                for key, message in place.errors:
                    at(number, key, message)
            if village_name and place.name is not None and village_name != place.name:
                at(number, "village_name", _("The code %(code)s is %(name)s.") % place.shown)
            election_id, township_id = place.election_id, place.township_id
        born = joined_day = None
        if id_number:
            # The rows of an ID number seen before; a list for each of 100,000 numbers cost
            # more than the check.
            first = first_rows.setdefault(id_number, number)
            if first != number:
                rows_of_id.setdefault(id_number, [first]).append(number)
            born, joined_day = self._check_identity(number, id_number, gender, birth, joined, at)
        stage, problems = self._stage(result, stage, post)
        if problems:
            for key, message in problems:
                at(number, key, message)
        if stage == ELECTED and post == SECRETARY and election_id:
            secretaries[election_id].append(number)
        return (id_number, name, gender, ethnicity or "汉族", born, joined_day, phone,
                township_id, election_id, education, source or "other", strong_two, lead_two,
                women_director, post or MEMBER, stage)  # fmt: skip

    def _born(self, id_number: str) -> tuple[date, int] | None:
        """(birth date, age on the reference date) of a well-formed ID number, None if its
        digits are no real date; worked out once per birth date (most dates repeat)."""
        digits = id_number[6:14]
        known = self.births.get(digits, _UNSEEN)
        if known is _UNSEEN:
            try:
                born = birth_date_from_id(id_number)
            except ValueError:
                known = None
            else:
                known = (born, age_on(born, self.reference))
            self.births[digits] = known
        return known

    def _check_identity(
        self,
        number: int,
        id_number: str,
        gender: str | None,
        birth: tuple[date, bool] | None,
        joined: tuple[date, bool] | None,
        at: Callable[[int, str, str], None],
    ) -> tuple[date | None, date | None]:
        """(birth date, date of joining the Party) of a row's ID number and the dates typed."""
        known = self._born(id_number) if well_formed_id(id_number) else None
        if known is None:
            for problem in id_problems(id_number):
                at(number, "id_number", problem)
            return None, None
        born, age = known
        if gender and gender_from_id(id_number) != gender:
            at(number, "gender", _("The gender does not match the ID number."))
        if birth:
            day, month_only = birth
            if not (
                day.month == born.month and day.year == born.year and (month_only or day == born)
            ):
                at(
                    number,
                    "birth",
                    _("The birth date does not match the ID number (%(date)s).")
                    % {"date": born.isoformat()},
                )
        if not MIN_AGE <= age <= MAX_AGE:
            at(
                number,
                "id_number",
                _("The person would be %(age)d on the reference date.") % {"age": age},
            )
        if not joined:
            return born, None
        joined_day = joined[0]
        if joined_day.year - born.year < 18 - (1 if joined[1] else 0) or joined_day > self.today:
            at(
                number,
                "party_joined",
                _("The date of joining the Party is not plausible for this person."),
            )
        return born, joined_day

    def _stage(self, result: str | None, stage: str | None, post: str | None) -> tuple[str, tuple]:
        """The stage a row records and its problems, once per (result, stage, post)."""
        key = (result, stage, post)
        if key not in self.stages:
            problems = []
            if result and stage and result != stage:
                problems.append(("result", _("The result does not agree with the stage.")))
            final = result or stage or Stage.PRELIMINARY
            if final == Stage.ELECTED and not post:
                problems.append(("post", _("Give the post of an elected member.")))
            self.stages[key] = (final, tuple(problems))
        return self.stages[key]

    def _check_file(
        self,
        rows_of_id: dict[str, list[int]],
        secretaries: dict[int, list[int]],
        at: Callable[[int, str, str], None],
    ) -> None:
        """Across rows: an ID number twice, two secretaries elected in one village.

        ``rows_of_id`` holds the ID numbers on more than one row only."""
        for same, message, key in (
            (rows_of_id.values(), _("The same ID number is on rows %(rows)s."), "id_number"),
            (
                secretaries.values(),
                _("Rows %(rows)s elect two secretaries of one village."),
                "post",
            ),
        ):
            for rows in same:
                if len(rows) > 1:
                    for row in rows:
                        at(row, key, message % {"rows": "、".join(map(str, rows))})

    def count_existing(self, records: list[tuple]) -> int:
        return existing_count(Person, ["id_number"], [(r[0],) for r in records])

    def write_chunk(self, records: list[tuple], cursor: object) -> tuple[int, int]:
        self.write_start(cursor)
        counts = self.write_block(records, cursor)
        self.write_finish(cursor)
        return counts

    # Writing, a block at a time. On PostgreSQL a block of new people is COPYed straight in
    # (_copy_new), and rows that would change nothing are left out first (_leave_unchanged).
    # The rest goes through a staging table and set-based SQL, where a row whose values did
    # not change is left alone too (IS DISTINCT FROM): re-importing a file writes only what
    # it changes. No ORM here: on PostgreSQL these run in the import's writer thread.

    def write_start(self, cursor: object) -> None:
        self.now = timezone.now()
        self.mostly_there = False
        # PostgreSQL: try each block as new people first (``_copy_new``), until one is not.
        self.postgres = self.all_new = connection.vendor == "postgresql"
        if self.postgres:
            # Statements over a block are short: compiling them (JIT) cost more than it saved,
            # and the first compilation of a process ≈ 0.5 s (measured). For the import's
            # transaction only (or the caller's, where the import runs inside one).
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(SEQUENCES)
            self.sequences = cursor.fetchone()
        cursor.execute(f"DROP TABLE IF EXISTS {SEATS}")
        cursor.execute(f"CREATE TEMP TABLE {SEATS} ({SEAT_COLUMNS})")
        self.elections_written: set[int] = set()

    def write_block(self, records: list[tuple], cursor: object) -> tuple[int, int]:
        """People, then their candidacies; the elected rows' seats are kept for the finish.
        Each UPDATE runs only where the INSERT before it found rows already there."""
        total = len(records)
        if not total:
            return 0, 0
        self.elections_written.update([record[ELECTION] for record in records])
        if self.lock_keys:
            self._lock_places(records, cursor)
        if self.all_new and self._copy_new(records, cursor):
            return total, 0
        if self.postgres:
            records = self._leave_unchanged(records, cursor)
            if not records:
                self.mostly_there, self.all_new = True, False
                return 0, total
        stage = StagingTable("people", STAGE_COLUMNS, cursor)
        stage.load(records, analyze=["id_number", "election_id", "stage"])
        now = self.now
        # Where the last block's rows were mostly there already (a file imported again), the
        # rows that exist are left out before the insert: a conflict costs the insert more
        # than the lookup (measured: 85 → 25 ms for 20,000 people). Otherwise (SQLite's first
        # import; a block of mostly new people after one that was not) the insert goes
        # without the lookup, which would cost it a pass over a growing table per block.
        again = self.mostly_there
        people, candidacies_sql = (
            (INSERT_NEW_PEOPLE, INSERT_NEW_CANDIDACIES) if again
            else (INSERT_PEOPLE, INSERT_CANDIDACIES)
        )  # fmt: skip
        created = stage.execute(people, [now, now])
        if created < len(records):
            stage.execute(UPDATE_PEOPLE, [now])
        if self.postgres:  # the new candidacies' seats kept as they are inserted
            # Each new person gets a new candidacy; the others go to people already there,
            # locked (by id, as the key refers) in the same statement, after the insert. A
            # block of new people only has none of those to lock.
            lock_people = self.lock_keys and created < len(records)
            stage.execute(
                _keeping_seats(candidacies_sql, lock_people=lock_people),
                [*CANDIDACY_DEFAULTS, now, now, Stage.ELECTED] + ([now] if lock_people else []),
            )
            candidacies, people_locked = stage.cursor.fetchone()
            if lock_people:
                _refuse_missing(candidacies - created - people_locked, "person")
        else:
            candidacies = stage.execute(candidacies_sql, [*CANDIDACY_DEFAULTS, now, now])
        self.mostly_there = created * 2 < total
        self.all_new = self.postgres and created == total
        if candidacies < len(records):
            stage.execute(UPDATE_CANDIDACIES, [now])
        if not self.postgres:
            stage.execute(KEEP_SEATS, [Stage.ELECTED])
        elif candidacies < len(records):  # the seats of the candidacies already there
            stage.execute(KEEP_SEATS + KEPT_ALREADY, [Stage.ELECTED, now])
        stage.drop()
        return created, total - created

    def write_finish(self, cursor: object) -> None:
        """The file's committees, once all their seats are known (a village's rows may be
        anywhere in the file)."""
        cursor.execute(f"ANALYZE {SEATS}")
        cursor.execute(DELETE_OLD_SEATS)
        cursor.execute(INSERT_FRESH_SEATS)
        insert = INSERT_ONLY_NEW_SEATS if self.mostly_there else INSERT_NEW_SEATS
        if self.lock_keys:  # the candidacies of the seats inserted, locked after the insert
            cursor.execute(_locking_seated(insert))
            _refuse_missing(cursor.fetchone()[0], "candidacy")
        else:
            cursor.execute(insert)
        cursor.execute(f"DROP TABLE {SEATS}")
        self._mark_started(cursor)

    def _mark_started(self, cursor: object) -> None:
        """The elections the file gave people to are under way: 未启动 becomes 进行中, as when
        a township registers a nominee on its page (candidates.services.election_started),
        else the progress tables would count them not started. A status set so is not in the
        audit log entry by entry (the writer has no ORM); the import job records who imported
        which file. The ids are the file's own lookups, integers."""
        if not self.elections_written:
            return
        ids = ",".join(map(str, sorted(self.elections_written)))
        sql = f"UPDATE elections_election SET status = %s, updated_at = %s WHERE status = %s AND id IN ({ids})"  # noqa: S608, E501 - integers from our lookups
        cursor.execute(
            sql, [ElectionStatus.IN_PROGRESS.value, self.now, ElectionStatus.NOT_STARTED.value]
        )

    # What the foreign keys' triggers would do, a statement per key and block instead of a
    # trigger per row and key (sheets/streaming.py): each row referred to locked FOR KEY
    # SHARE until the commit, and an error if one is gone. Rows this transaction wrote need
    # no lock: no other transaction sees them.

    def _lock_places(self, records: list[tuple], cursor: object) -> None:
        """The townships and elections of the block, before its rows refer to them."""
        for table, position in (("elections_township", TOWNSHIP), ("elections_election", ELECTION)):
            ids = list({record[position] for record in records})
            cursor.execute(LOCK_KEYS.format(table=table), [ids])
            _refuse_missing(len(ids) - cursor.fetchone()[0], table.partition("_")[2])

    def _copy_new(self, records: list[tuple], cursor: object) -> bool:
        """PostgreSQL, a block of people not there yet (a first import): each table's rows
        COPYed straight in, their ids drawn from the tables' own sequences, with no staging
        table, conflict handling or join. Returns False, having written nothing, when one of
        the people is there already; the block then takes the general path (the statements
        below), and so do the next ones until a block is all new again.

        Measured on 100,000 new people: the writer's work before the committees' seats
        ≈ 3.6 s → ≈ 2.2–2.5 s.
        People inserted meanwhile by another import are found by the ID numbers' unique
        index as ON CONFLICT would: the COPY waits for that import, then fails if it
        committed. The people COPY runs in a savepoint so that this failure costs nothing
        but the block's COPY; a first block is small (sheets/importing.py). The people
        copied keep the savepoint's transaction id: no later statement needs to tell them
        from others (a file names each person once)."""
        now, count = self.now, len(records)
        person_ids = self._new_ids(cursor, self.sequences[0], count)
        people = zip(person_ids, records, strict=True)
        cursor.execute("SAVEPOINT huanjie_new_people")
        try:
            copy_into(cursor, "candidates_person", PERSON_COPY,
                      ((pk, *record[:ELECTION], now, now) for pk, record in people))  # fmt: skip
        except UniqueViolation as clash:
            if clash.diag.constraint_name == "candidates_person_pkey":
                raise  # the sequence is behind the table: not a person already there
            # Released too (a savepoint outlives ROLLBACK TO): else the general path would
            # write in a subtransaction, whose id is not the one by which its statements
            # tell this import's own rows (the xmin tests of _keeping_seats, KEPT_ALREADY).
            cursor.execute("ROLLBACK TO SAVEPOINT huanjie_new_people")
            cursor.execute("RELEASE SAVEPOINT huanjie_new_people")
            return False
        cursor.execute("RELEASE SAVEPOINT huanjie_new_people")
        candidacy_ids = self._new_ids(cursor, self.sequences[1], count)
        candidacies = list(zip(candidacy_ids, person_ids, records, strict=True))
        copy_into(cursor, "candidates_candidacy", CANDIDACY_COPY, (
            (pk, person, *record[ELECTION:], *CANDIDACY_DEFAULTS, now, now)
            for pk, person, record in candidacies
        ))  # fmt: skip
        self._seat_new(cursor, [
            (pk, record[ELECTION], record[POST])
            for pk, _person, record in candidacies if record[STAGE] == ELECTED
        ])  # fmt: skip
        return True

    def _seat_new(self, cursor: object, seats: list[tuple[int, int, str]]) -> None:
        """The seats of a block's new candidacies. Those of elections with no committee yet
        go straight in: a first import leaves none for the finish, which would otherwise
        come after the last row was checked (≈ 0.07 s of 0.6 s at 10,000 rows, measured).
        The others wait for their election's old committee to go (write_finish). Each is
        recorded in SEATS, so that the finish keeps it (fresh: NULL, already in)."""
        if not seats:
            return
        cursor.execute(SEATED, [list({election for _candidacy, election, _post in seats})])
        seated = {election for (election,) in cursor.fetchall()}
        copy_into(cursor, "candidates_committeemember", MEMBER_COPY,
                  [seat for seat in seats if seat[1] not in seated])  # fmt: skip
        copy_into(cursor, SEATS, SEAT_COPY,
                  [(*seat, True if seat[1] in seated else None) for seat in seats])  # fmt: skip

    @staticmethod
    def _new_ids(cursor: object, sequence: str, count: int) -> list[int]:
        cursor.execute(NEW_IDS, [sequence, count])
        return cursor.fetchone()[0]

    def _leave_unchanged(self, records: list[tuple], cursor: object) -> list[tuple]:
        """PostgreSQL: the records that would change something (a file imported again is
        mostly rows as they are stored). Each row's person and candidacy are read by their
        keys' indexes in one statement and compared here; a row that would change neither
        is left out of the writing, as the UPDATEs' IS DISTINCT FROM would leave it, and
        only its seat, if elected, is kept for the finish (KEEP_SEATS, without a join).

        Measured on 100,000 rows imported again: the general path's statements took
        ≈ 3.7 s of the server's time; the lookups take ≈ 0.9 s, and ≈ 0.8 s of the writer
        thread's Python.

        Rows another user is editing meanwhile: they are compared with what is committed
        when the lookup runs. A row equal to it is left alone, so an edit committed later
        stands; the UPDATE would have waited for that edit and written the file over it.
        Either is a valid order of the two under READ COMMITTED; neither locks the rows."""
        # Each list sent as one text, split by the server: half the client's time of arrays
        # (measured), which the checking thread would wait for. An ID number that passed its
        # checks holds no SEPARATOR.
        id_numbers = SEPARATOR.join([r[0] for r in records])
        elections = ",".join([str(r[ELECTION]) for r in records])
        cursor.execute(STORED, [id_numbers, SEPARATOR, elections])
        unchanged: set[int] = set()
        seats = []
        for stored in cursor.fetchall():
            position = stored[0] - 1
            record = records[position]
            if (
                stored[1:CANDIDACY_ID] == record[PERSON_STORED]
                and stored[CANDIDACY_ID + 1 :] == record[CANDIDACY_STORED]
            ):
                unchanged.add(position)
                if record[STAGE] == ELECTED:
                    seats.append((stored[CANDIDACY_ID], record[ELECTION], record[POST], False))
        copy_into(cursor, SEATS, SEAT_COPY, seats)
        if not unchanged:
            return records
        return [record for position, record in enumerate(records) if position not in unchanged]


def _refuse_missing(missing: int, what: str) -> None:
    if missing > 0:  # as the foreign key's own violation would: the whole file goes back
        raise IntegrityError(f"{missing} {what} row(s) the file refers to were deleted meanwhile")


_UNSEEN = object()  # not in a cache yet (None is a value there)
# A region is loaded whole while the file is parsed where it has at most a village for each
# REGION_BYTES of the unzipped workbook. Measured here: loading takes ≈ 9 µs a village
# (20,000 in 0.17 s) and calamine parses ≈ 14 µs a row of ≈ 690 bytes (100,000 rows of the
# people sheet, 69 MB, in 1.35 s): 300 bytes a village keeps the load within the parse,
# which it overlaps. Smaller files load each block's villages as the block comes.
REGION_BYTES = 300


class Place(NamedTuple):
    """What a division code in the file stands for, checked once per code."""

    errors: tuple[tuple[str, str], ...]
    name: str | None  # the village's name, when the code is one in the region
    election_id: int | None
    township_id: int | None
    shown: dict  # for the message when the name typed beside the code differs


def _place(
    code: str,
    villages: dict[str, tuple[int, str, int]],
    elections: dict[int, tuple[int, bool]],
    known_codes: set[str],
) -> Place:
    village = villages.get(code)
    if village is None:
        if len(code) != 12 or not code.isascii() or not code.isdigit():
            message = _("A division code has 12 digits.")
        elif code in known_codes:
            message = _("This village is outside your region.")
        else:
            message = _("No village or community has this code.")
        return Place((("code", message),), None, None, None, {})
    pk, name, township = village
    shown = {"code": code, "name": name}
    election = elections.get(pk)
    if election is None:
        problem = _("This village has no election in the campaign.")
    elif election[1]:
        problem = _("This village's result is certified and locked.")
    else:
        return Place((), name, election[0], township, shown)
    return Place((("code", problem),), name, None, None, shown)


# Positions in a checked record (the order of STAGE_COLUMNS).
TOWNSHIP, ELECTION, POST, STAGE = 7, 8, 14, 15
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
# A block of new people COPYed straight into the tables (PeopleImporter._copy_new): each
# table's columns, as a record gives them (a person: the record up to the township).
TIMESTAMPS = {"created_at": "timestamptz", "updated_at": "timestamptz"}
PERSON_COPY = {"id": "bigint", **dict(list(STAGE_COLUMNS.items())[:ELECTION]), **TIMESTAMPS}
CANDIDACY_COPY = {
    "id": "bigint",
    "person_id": "bigint",
    **{
        "post_sought" if column == "post" else column: kind
        for column, kind in list(STAGE_COLUMNS.items())[ELECTION:]
    },
    "stage_reason": "text",
    "township_vote_observed": "boolean",
    "township_vote_recorded": "boolean",
    **TIMESTAMPS,
}
# What an import sets of a new candidacy beyond the sheet's columns (stage_reason and the
# two township vote flags), in both ways of inserting one.
CANDIDACY_DEFAULTS = ("", False, False)
# An id for each new person and candidacy, from their tables' own sequences (named once per
# import: looking the name up for each row took 10 times as long as drawing the id).
SEQUENCES = (
    "SELECT pg_get_serial_sequence('candidates_person', 'id'),"
    " pg_get_serial_sequence('candidates_candidacy', 'id')"
)
NEW_IDS = "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)"
# The columns an import sets, as (column of the table, column of the stage).
PERSON_SET = [
    (c, c) for c in ("name", "gender", "ethnicity", "birth_date", "party_joined", "phone")
]
CANDIDACY_SET = [
    (c, c) for c in ("education", "source", "strong_two", "lead_two", "women_director")
]
CANDIDACY_SET += [("post_sought", "post"), ("stage", "stage")]
# What is stored of each row's person and candidacy, where both are there (ordinality: the
# row's position in the block, from 1); the columns as a record has them, but the township.
# Each looked up by its unique index (LATERAL … LIMIT 1, which the planner cannot turn into
# a join): a cost that grows with the block, where a hash join read the whole table for
# each block, 160 against 120 ms for 16,384 rows among 100,000 people (measured).
STORED = f"""
    SELECT f.position, {", ".join(f"p.{column}" for column, _ in PERSON_SET)},
        c.id, {", ".join(f"c.{column}" for column, _ in CANDIDACY_SET)}
    FROM unnest(string_to_array(%s, %s), string_to_array(%s, ',')::bigint[])
        WITH ORDINALITY AS f(id_number, election_id, position)
    CROSS JOIN LATERAL (
        SELECT * FROM candidates_person p WHERE p.id_number = f.id_number LIMIT 1
    ) p
    CROSS JOIN LATERAL (
        SELECT * FROM candidates_candidacy c
        WHERE c.person_id = p.id AND c.election_id = f.election_id LIMIT 1
    ) c
"""  # noqa: S608 - constants only
# ...compared with a record where the columns set lie: a person's from the name to the
# phone, a candidacy's after the election (checked here, so that the two cannot drift).
PERSON_STORED, CANDIDACY_STORED = slice(1, TOWNSHIP), slice(ELECTION + 1, None)
CANDIDACY_ID = 1 + len(PERSON_SET)  # in a STORED row: its position, the person's columns, …
if [stage for _, stage in PERSON_SET] != list(STAGE_COLUMNS)[PERSON_STORED] or [
    stage for _, stage in CANDIDACY_SET
] != list(STAGE_COLUMNS)[CANDIDACY_STORED]:
    raise ValueError("PERSON_SET and CANDIDACY_SET must follow STAGE_COLUMNS")


def _changed(table: str, stage: str, columns: list[tuple[str, str]]) -> str:
    return " OR ".join(f"{table}.{a} IS DISTINCT FROM {stage}.{b}" for a, b in columns)


def _set(stage: str, columns: list[tuple[str, str]]) -> str:
    return ", ".join(f"{a} = {stage}.{b}" for a, b in columns)


# Each table: an INSERT of the rows that do not exist yet (ON CONFLICT DO NOTHING takes no
# lock), then an UPDATE of those that differ: a row whose values did not change is neither
# written nor locked (an upsert of 100,000 unchanged rows locks each one: measured). No
# statement joins the table it writes to: rows it adds as it goes would make any nested loop
# over that table quadratic (a first import of 100,000 rows took minutes: measured).
# A person's township stays the one of their first import (a move is not an import's call).
UPDATE_PEOPLE = f"""
    UPDATE candidates_person AS p SET {_set("s", PERSON_SET)}, updated_at = %s
    FROM {{stage}} s
    WHERE p.id_number = s.id_number AND ({_changed("p", "s", PERSON_SET)})
"""  # noqa: S608 - constants only
INSERT_PEOPLE = """
    INSERT INTO candidates_person (id_number, name, gender, ethnicity, birth_date, party_joined,
        phone, township_id, created_at, updated_at)
    SELECT id_number, name, gender, ethnicity, birth_date, party_joined, phone, township_id,
        %s, %s
    FROM {stage} WHERE true
    ON CONFLICT (id_number) DO NOTHING
"""
UPDATE_CANDIDACIES = f"""
    UPDATE candidates_candidacy AS c SET {_set("s", CANDIDACY_SET)}, updated_at = %s
    FROM {{stage}} s JOIN candidates_person p ON p.id_number = s.id_number
    WHERE c.person_id = p.id AND c.election_id = s.election_id
        AND ({_changed("c", "s", CANDIDACY_SET)})
"""  # noqa: S608 - constants only
INSERT_CANDIDACIES = """
    INSERT INTO candidates_candidacy (person_id, election_id, education, source, strong_two,
        lead_two, women_director, post_sought, stage, stage_reason, township_vote_observed,
        township_vote_recorded, created_at, updated_at)
    SELECT p.id, s.election_id, s.education, s.source, s.strong_two, s.lead_two,
        s.women_director, s.post, s.stage, %s, %s, %s, %s, %s
    FROM {stage} s JOIN candidates_person p ON p.id_number = s.id_number WHERE true
    ON CONFLICT (person_id, election_id) DO NOTHING
"""
# The roster's elected rows are the committee of their election: it replaces the old one.
# Seats the file keeps as they are stay; the others go, and the new ones come in. The seats
# are gathered block by block into a table of their own, analysed before use: joined in one
# statement, the planner misjudged the anti-join's size and chose a nested loop that ran for
# minutes (measured). New candidacies' seats in elections with no committee yet are written
# with their block (PeopleImporter._seat_new), and only recorded here.
SEATS = "huanjie_stage_seats"
# fresh: the candidacy is one this import inserted, so no seat can refer to it yet; NULL:
# the seat is in already (written with its block).
MEMBER_COPY = {"candidacy_id": "bigint", "election_id": "bigint", "post": "varchar(10)"}
SEAT_COPY = {**MEMBER_COPY, "fresh": "boolean"}
SEATED = "SELECT DISTINCT election_id FROM candidates_committeemember WHERE election_id = ANY(%s)"
SEAT_COLUMNS = ", ".join(f"{column} {kind}" for column, kind in SEAT_COPY.items())
KEEP_SEATS = f"""
    INSERT INTO {SEATS} (candidacy_id, election_id, post, fresh)
    SELECT c.id, s.election_id, s.post, false
    FROM {{stage}} s
    JOIN candidates_person p ON p.id_number = s.id_number
    JOIN candidates_candidacy c ON c.person_id = p.id AND c.election_id = s.election_id
    WHERE s.stage = %s
"""  # noqa: S608 - constants only


# The same, for the rows not there yet only (ON CONFLICT stays for concurrent imports).
# Used where most rows are there already, so that the table read is never an empty one
# that the insert fills as it goes: a nested loop over it would be quadratic.
def _variant(sql: str, old: str, new: str) -> str:
    """``sql`` with ``old`` replaced; fails at import time if ``sql`` no longer holds it."""
    if old not in sql:
        raise ValueError(f"{old!r} is not in the statement")
    return sql.replace(old, new)


INSERT_NEW_PEOPLE = _variant(
    INSERT_PEOPLE,
    "FROM {stage} WHERE true",
    "FROM {stage} s WHERE NOT EXISTS "
    "(SELECT 1 FROM candidates_person p WHERE p.id_number = s.id_number)",
)
INSERT_NEW_CANDIDACIES = _variant(
    INSERT_CANDIDACIES,
    "WHERE true",
    "WHERE NOT EXISTS (SELECT 1 FROM candidates_candidacy c "
    "WHERE c.person_id = p.id AND c.election_id = s.election_id)",
)


def _keeping_seats(insert: str, *, lock_people: bool = False) -> str:
    """PostgreSQL: the new candidacies' seats taken from what their insert returns (one
    pass less over the block); then how many were inserted, and, with
    ``lock_people``, how many of the people they refer to were locked FOR KEY SHARE, by id
    as the key refers, in the same statement. People this transaction inserted are left
    out (its xid and this import's timestamp, which no older row of a wrapped-around xid
    can have): no other transaction sees them."""
    locked = "0"
    if lock_people:
        locked = """(SELECT count(*) FROM (
            SELECT p.id FROM candidates_person p
            WHERE p.id IN (SELECT person_id FROM inserted)
                AND NOT (p.xmin = pg_current_xact_id()::xid AND p.created_at = %s)
            FOR KEY SHARE OF p) l)"""
    return f"""
        WITH inserted AS ({insert} RETURNING id, person_id, election_id, post_sought, stage),
        seats AS (
            INSERT INTO {SEATS} (candidacy_id, election_id, post, fresh)
            SELECT id, election_id, post_sought, true FROM inserted WHERE stage = %s
        )
        SELECT (SELECT count(*) FROM inserted), {locked}
    """  # noqa: S608 - constants only


# ...then the seats of the others: the rows this transaction inserted for this import are
# left out (its xid, and the import's timestamp, which no older row can share).
KEPT_ALREADY = " AND NOT (c.xmin = pg_current_xact_id()::xid AND c.created_at = %s)"
# The old committees' seats the file does not keep go. An election whose seats were all
# written with their blocks had no committee then: nothing of it to replace.
DELETE_OLD_SEATS = f"""
    DELETE FROM candidates_committeemember AS m
    WHERE m.election_id IN (SELECT election_id FROM {SEATS} WHERE fresh IS NOT NULL)
    AND NOT EXISTS (
        SELECT 1 FROM {SEATS} k WHERE k.candidacy_id = m.candidacy_id AND k.post = m.post
    )
"""  # noqa: S608 - constants only
# The seats of candidacies this import inserted cannot be there yet: a plain insert, which
# costs less than one that looks for a conflict (0.64 s against 0.84 s for 100,000 seats).
INSERT_FRESH_SEATS = f"""
    INSERT INTO candidates_committeemember (candidacy_id, election_id, post)
    SELECT candidacy_id, election_id, post FROM {SEATS} WHERE fresh
"""  # noqa: S608 - constants only
INSERT_NEW_SEATS = f"""
    INSERT INTO candidates_committeemember (candidacy_id, election_id, post)
    SELECT candidacy_id, election_id, post FROM {SEATS} WHERE NOT fresh
    ON CONFLICT (candidacy_id) DO NOTHING
"""  # noqa: S608 - constants only
INSERT_ONLY_NEW_SEATS = _variant(
    INSERT_NEW_SEATS,
    "WHERE NOT fresh",
    "k WHERE NOT fresh AND NOT EXISTS "
    "(SELECT 1 FROM candidates_committeemember m WHERE m.candidacy_id = k.candidacy_id)",
)


# The locks that foreign keys take (FOR KEY SHARE), taken a statement per block instead of
# a trigger per row and key (sheets/streaming.py); how many rows were locked.
LOCK_KEYS = "SELECT count(*) FROM (SELECT id FROM {table} WHERE id = ANY(%s) FOR KEY SHARE) l"


def _locking_seated(insert: str) -> str:
    """The seats' insert, then the candidacies of the seats it added locked, as the key's
    trigger does at the end of the statement: one deleted meanwhile is not locked, and the
    count falls short. (Seats of candidacies this import inserted go in apart: "fresh".)"""
    return f"""
        WITH added AS ({insert} RETURNING candidacy_id)
        SELECT (SELECT count(*) FROM added) - count(*) FROM (
            SELECT c.id FROM candidates_candidacy c
            WHERE c.id IN (SELECT candidacy_id FROM added)
            FOR KEY SHARE OF c
        ) locked
    """  # noqa: S608 - constants only


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
