"""On PostgreSQL the people import's writer may turn the per-row foreign-key triggers off for
its transaction and take the keys' locks itself (sheets/streaming.py). These tests hold it to
the triggers' guarantee: every row referred to is locked against deletion until the commit, a
row gone meanwhile fails the import, the lock triggers of certified results still fire, and
without the privilege or the setting the database checks each row as before.
"""

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from accounts.models import User
from candidates import locking
from candidates.models import Candidacy, CommitteeMember, Person
from candidates.resources import PeopleImporter
from elections.models import Election
from sheets import importing, streaming
from tests.conftest import World
from tests.sheets.test_import_streaming import _cells, _counts, _roster
from tests.sheets.test_people_import import _seats

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
        reason="runs in the PostgreSQL pass: session_replication_role and row locks are "
        "PostgreSQL's",
    ),
]

ELECTION, TOWNSHIP = 8, 7  # positions in a checked record (STAGE_COLUMNS)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many blocks from a small file: the second block on takes the other inserts."""
    monkeypatch.setattr(importing, "BLOCK_ROWS", 2)
    monkeypatch.setattr(streaming, "MERGE_ROWS", 3)


def _privileged() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        return cursor.fetchone()[0]


@contextmanager
def another_session() -> Iterator[psycopg.Connection]:
    """A second connection, as another user's request would be, that gives up on a lock
    after a moment instead of waiting for the import."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    ) as other:
        other.execute("SET lock_timeout = '300ms'")
        other.commit()
        yield other


def _deletable(other: psycopg.Connection, table: str, pk: int) -> bool:
    """Whether another session could delete the row now; rolled back either way."""
    try:
        other.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test tables
    except psycopg.errors.LockNotAvailable:
        return False
    except psycopg.errors.ForeignKeyViolation:  # not locked: only other rows stopped it
        return True
    finally:
        other.rollback()
    return True


@contextmanager
def writing(importer: PeopleImporter, *, replica: bool = True) -> Iterator[object]:
    """The writer's transaction as the thread opens it (with the per-row triggers or
    without), rolled back at the end."""
    with (
        override_settings(SHEETS_SKIP_KEY_TRIGGERS=replica),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        streaming.begin(cursor, importer)
        assert importer.lock_keys is replica
        yield cursor
        transaction.set_rollback(True)


class Interrupted:
    """The writer's cursor, with another session's work done just before the first
    statement that holds ``marker``: the moment between two of the writer's statements."""

    def __init__(self, cursor: object, marker: str, meanwhile: object) -> None:
        self.cursor, self.marker, self.meanwhile = cursor, marker, meanwhile

    def execute(self, sql: str, params: object = ()) -> object:
        if self.meanwhile and self.marker in sql:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()
        return self.cursor.execute(sql, params)

    def __getattr__(self, name: str) -> object:
        return getattr(self.cursor, name)


def _write_all(importer: PeopleImporter, records: list, cursor: object) -> None:
    importer.write_start(cursor)
    importer.write_block(records, cursor)
    importer.write_finish(cursor)


def _dangling_seats() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM candidates_committeemember m WHERE NOT EXISTS "
            "(SELECT 1 FROM candidates_candidacy c WHERE c.id = m.candidacy_id)"
        )
        return cursor.fetchone()[0]


def test_a_postgresql_superuser_writes_without_the_per_row_triggers(
    world: World, city: User
) -> None:
    importer = PeopleImporter(user=city, campaign=world.campaign)

    outcome = importer.run(iter(_cells(_roster(world))))

    assert outcome.ok, outcome.errors
    assert importer.lock_keys is _privileged()  # the writer took the keys over where it may
    assert _counts() == (9, 9, 4)
    assert all(m.election_id == m.candidacy.election_id for m in CommitteeMember.objects.all())


def test_without_the_setting_the_database_checks_each_row(
    world: World, city: User, settings: object
) -> None:
    settings.SHEETS_SKIP_KEY_TRIGGERS = False
    importer = PeopleImporter(user=city, campaign=world.campaign)

    outcome = importer.run(iter(_cells(_roster(world))))

    assert outcome.ok, outcome.errors
    assert importer.lock_keys is False
    assert _counts() == (9, 9, 4)


def test_a_role_without_the_privilege_keeps_the_per_row_triggers(world: World, city: User) -> None:
    importer = PeopleImporter(user=city, campaign=world.campaign)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:  # a superuser may become a role that has no such grant
            cursor.execute("SET LOCAL ROLE pg_monitor")
        elif _privileged():
            pytest.skip("the tests' role has the grant and cannot take on a role without it")
        assert streaming._key_triggers_off(cursor, importer) is False
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        transaction.set_rollback(True)


def test_every_row_the_file_refers_to_is_locked_until_the_commit(world: World, city: User) -> None:
    # given: the roster imported once; then one person's candidacy and one member's seat
    # removed, so that the file gives an existing person a candidacy and an existing
    # candidacy a seat: the rows the per-row triggers would have locked
    rows = _roster(world)
    assert PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows))).ok
    person = Person.objects.get(name="测试2")
    Candidacy.objects.filter(person=person).delete()
    member = CommitteeMember.objects.select_related("candidacy").get(
        candidacy__person__name="测试6"
    )
    candidacy = member.candidacy
    member.delete()
    election = Election.objects.select_related("branch__village").get(pk=candidacy.election_id)
    township = election.branch.village.township_id
    importer = PeopleImporter(user=city, campaign=world.campaign)
    records, errors = importer.validate(iter(_cells(rows)))
    assert not errors

    # when: the writer's steps, in its transaction, left open
    with another_session() as other, writing(importer) as cursor:
        importer.write_start(cursor)
        importer.write_block(records, cursor)
        importer.write_finish(cursor)

        # then: another session cannot delete what the file refers to
        assert not _deletable(other, "elections_election", election.pk)
        assert not _deletable(other, "elections_township", township)
        assert not _deletable(other, "candidates_person", person.pk)
        assert not _deletable(other, "candidates_candidacy", candidacy.pk)


@pytest.mark.parametrize("position", [ELECTION, TOWNSHIP], ids=["election", "township"])
def test_a_row_referred_to_that_is_gone_fails_the_import(
    world: World, city: User, position: int
) -> None:
    importer = PeopleImporter(user=city, campaign=world.campaign)
    records, errors = importer.validate(iter(_cells(_roster(world))))
    assert not errors
    gone = list(records[3])
    gone[position] = 10**12  # deleted after the checks: no such row any more
    records[3] = tuple(gone)

    with pytest.raises(IntegrityError, match="deleted meanwhile"), writing(importer) as cursor:
        importer.write_start(cursor)
        importer.write_block(records, cursor)
    assert _counts() == (0, 0, 0)


def test_the_lock_triggers_fire_whatever_the_replication_role() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgname LIKE 'huanjie_lock%%'"
        )
        states = dict(cursor.fetchall())
    assert len(states) == 1 + 3 * len(locking.GUARDED)
    assert set(states.values()) == {"A"}  # ENABLE ALWAYS


@pytest.mark.parametrize("replica", [True, False], ids=["keys locked", "per row"])
def test_a_seat_s_candidacy_deleted_just_before_the_seats_go_in_fails_the_import(
    world: World, city: User, replica: bool
) -> None:
    """The file keeps 测试6's seat; between the checks and the seats' insert another user
    deletes that seat and its candidacy. The seat must not come back pointing at nothing."""
    rows = _roster(world)
    assert PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows))).ok
    member = CommitteeMember.objects.get(candidacy__person__name="测试6")
    importer = PeopleImporter(user=city, campaign=world.campaign)
    records, errors = importer.validate(iter(_cells(rows)))
    assert not errors

    def delete_seat_and_candidacy() -> None:
        with another_session() as other:
            other.execute("DELETE FROM candidates_committeemember WHERE id = %s", [member.pk])
            other.execute("DELETE FROM candidates_candidacy WHERE id = %s", [member.candidacy_id])
            other.commit()

    # when / then: the seats' insert of the candidacies already there
    with pytest.raises(IntegrityError), writing(importer, replica=replica) as cursor:
        meanwhile = Interrupted(cursor, "ON CONFLICT (candidacy_id)", delete_seat_and_candidacy)
        _write_all(importer, records, meanwhile)
    assert _dangling_seats() == 0


@pytest.mark.parametrize("replica", [True, False], ids=["keys locked", "per row"])
def test_a_person_gaining_a_candidacy_is_locked_by_id_not_by_id_number(
    world: World, city: User, replica: bool
) -> None:
    """An official corrects the ID number of a person the file gives a new candidacy, while
    the file is written: the import holds the person as the key's trigger would, so the
    correction waits (and the import is not refused for a person "deleted")."""
    rows = _roster(world)
    assert PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows))).ok
    person = Person.objects.get(name="测试2")
    Candidacy.objects.filter(person=person).delete()
    importer = PeopleImporter(user=city, campaign=world.campaign)
    records, errors = importer.validate(iter(_cells(rows)))
    assert not errors
    correction: list[str] = []

    def correct_the_id_number() -> None:
        with another_session() as other:
            try:
                other.execute(
                    "UPDATE candidates_person SET id_number = '11010519491231002X' WHERE id = %s",
                    [person.pk],
                )
                other.commit()
                correction.append("committed")
            except psycopg.errors.LockNotAvailable:
                other.rollback()
                correction.append("waits for the import")

    # when: after the new candidacy went in, as the committees' seats are written
    with writing(importer, replica=replica) as cursor:
        _write_all(importer, records, Interrupted(cursor, "ANALYZE huanjie_stage_seats",
                                                  correct_the_id_number))  # fmt: skip

    # then
    assert correction == ["waits for the import"]


def _paths_taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which way each block was written: "copy" (all new, straight into the tables) or
    "general" (the statements over a staging table)."""
    taken: list[str] = []
    copy_new = PeopleImporter._copy_new

    def recording(self: PeopleImporter, records: list, cursor: object) -> bool:
        copied = copy_new(self, records, cursor)
        taken.append("copy" if copied else "general")
        return copied

    monkeypatch.setattr(PeopleImporter, "_copy_new", recording)
    return taken


def _checked(world: World, city: User, rows: list[dict]) -> tuple[PeopleImporter, list]:
    """An importer and the file's records, every row passed."""
    importer = PeopleImporter(user=city, campaign=world.campaign)
    records, errors = importer.validate(iter(_cells(rows)))
    assert not errors
    return importer, records


def _written_in_blocks(
    importer: PeopleImporter,
    records: list,
    size: int,
    before_finish: Callable[[object], None] | None = None,
) -> list[tuple[int, int]]:
    """The writer's transaction as its thread runs it, the records ``size`` at a time, then
    committed; the (created, updated) of each block."""
    with transaction.atomic(), connection.cursor() as cursor:
        streaming.begin(cursor, importer)
        importer.write_start(cursor)
        counts = [
            importer.write_block(records[i : i + size], cursor)
            for i in range(0, len(records), size)
        ]
        if before_finish:
            before_finish(cursor)
        importer.write_finish(cursor)
    return counts


def _add_person(other: psycopg.Connection, id_number: str, township: int) -> None:
    """Another import's person with this ID number, in the other session's transaction."""
    other.execute(
        "INSERT INTO candidates_person (id_number, name, gender, ethnicity, birth_date,"
        " phone, township_id, created_at, updated_at) VALUES"
        " (%s, '别处', 'M', '汉族', '1970-01-01', '', %s, now(), now())",
        [id_number, township],
    )


def test_a_file_partly_there_already_takes_each_block_the_right_way(
    world: World, city: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the first four rows imported already
    rows = _roster(world)
    assert PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows[:4]))).ok
    before = dict(Person.objects.values_list("id_number", "pk"))
    taken = _paths_taken(monkeypatch)
    importer, records = _checked(world, city, rows)

    # when: written a few rows at a time, as the writer's blocks come
    counts = _written_in_blocks(importer, records, 2)

    # then: the first block was tried as new people and went back; its rows, as they are
    # stored, were left out, and so were the next block's; the next block of new people
    # went the general way (not tried after a block that was not new); the blocks after
    # it, all new again, were copied
    assert counts == [(0, 2), (0, 2), (2, 0), (2, 0), (1, 0)]
    assert taken == ["general", "copy", "copy"]
    assert _counts() == (9, 9, 4)
    after = dict(Person.objects.values_list("id_number", "pk"))
    assert {k: after[k] for k in before} == before  # the same rows, updated in place
    seats = _seats()
    assert seats == {("测试0", "secretary"), ("测试1", "secretary"), ("测试6", "member"),
                     ("测试7", "deputy")}  # fmt: skip


@pytest.mark.parametrize("replica", [True, False], ids=["keys locked", "per row"])
def test_a_person_added_meanwhile_by_another_import_is_updated_not_duplicated(
    world: World, city: User, replica: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the checks and the writing, another import adds one of the file's people:
    the block's COPY meets the ID number's unique index, and the block is written the
    general way (ON CONFLICT), which updates that person."""
    importer, records = _checked(world, city, _roster(world))
    taken = _paths_taken(monkeypatch)

    def another_import_adds_the_first_person() -> None:
        with another_session() as other:
            _add_person(other, records[0][0], records[0][TOWNSHIP])
            other.commit()

    # when
    with writing(importer, replica=replica) as cursor:
        meanwhile = Interrupted(cursor, "SAVEPOINT", another_import_adds_the_first_person)
        importer.write_start(meanwhile)
        counts = importer.write_block(records, meanwhile)
        importer.write_finish(meanwhile)

        # then: one person updated (with the file's name), the others created, once each
        assert taken == ["general"]
        assert counts == (8, 1)
        assert Person.objects.filter(id_number=records[0][0]).get().name == "测试0"
        assert _counts() == (9, 9, 4)
    Person.objects.filter(id_number=records[0][0]).delete()


def test_the_new_people_s_ids_come_from_their_tables_sequences(world: World, city: User) -> None:
    # given: the sequences moved on past what the file will need
    importer = PeopleImporter(user=city, campaign=world.campaign)
    assert importer.run(iter(_cells(_roster(world)))).ok
    last = Person.objects.order_by("-pk").first().pk

    # when: a person saved through the ORM afterwards
    extra = Person.objects.create(
        id_number="11010519491231002X", name="后来", gender="M", birth_date="1949-12-31",
        township_id=Person.objects.first().township_id,
    )  # fmt: skip

    # then: the sequence knows the ids the import drew
    assert extra.pk > last


def test_a_block_of_new_changed_and_unchanged_rows_is_written_whole(
    world: World, city: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After its COPY went back, a block holds a person as stored (elected), one whose
    phone changed (elected) and a new one (elected): each is written its own way."""
    rows = _roster(world)
    rows[2].update(候选阶段="当选", 选举结果="当选", 职务="委员")
    assert PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows[:2]))).ok
    rows[1]["联系电话"] = "13900000001"
    taken = _paths_taken(monkeypatch)
    importer, records = _checked(world, city, rows)

    counts = _written_in_blocks(importer, records, 3)

    assert taken == ["general", "copy"]
    assert counts == [(1, 2), (3, 0), (3, 0)]
    assert _counts() == (9, 9, 5)
    assert Person.objects.get(name="测试1").phone == "13900000001"
    seats = _seats()
    assert seats == {("测试0", "secretary"), ("测试1", "secretary"), ("测试2", "member"),
                     ("测试6", "member"), ("测试7", "deputy")}  # fmt: skip
    assert all(m.election_id == m.candidacy.election_id for m in CommitteeMember.objects.all())


def test_a_block_s_copy_waits_for_another_import_of_the_same_person(
    world: World, city: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another import has inserted one of the file's people and not committed yet: the
    COPY waits for it; when it rolls back, the block is copied whole."""
    importer, records = _checked(world, city, _roster(world))
    taken = _paths_taken(monkeypatch)

    with another_session() as other:
        other.execute("SET lock_timeout = 0")
        _add_person(other, records[0][0], records[0][TOWNSHIP])
        rollback = threading.Timer(0.5, other.rollback)
        rollback.start()
        started = time.monotonic()
        [counts] = _written_in_blocks(importer, records, len(records))
        waited = time.monotonic() - started
        rollback.join()

    assert waited >= 0.4  # the COPY waited for the other import
    assert taken == ["copy"]
    assert counts == (9, 0)
    assert _counts() == (9, 9, 4)


def test_seats_written_with_their_block_stay_when_the_finish_replaces_the_committee(
    world: World, city: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first block's seats go straight in (their elections had no committee); later
    blocks add seats to the same elections, one of them for a person already there, so
    that the finish replaces those committees: it keeps the seats already written."""
    rows = _roster(world)
    assert PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows[8:]))).ok
    rows[8].update(候选阶段="当选", 选举结果="当选", 职务="委员")
    taken = _paths_taken(monkeypatch)
    importer, records = _checked(world, city, rows)
    in_before_the_finish: list[int] = []

    def count_seats(cursor: object) -> None:
        cursor.execute("SELECT count(*) FROM candidates_committeemember")
        in_before_the_finish.append(cursor.fetchone()[0])

    counts = _written_in_blocks(importer, records, 4, before_finish=count_seats)
    [written_with_blocks] = in_before_the_finish

    assert taken == ["copy", "copy", "general"]
    assert counts == [(4, 0), (4, 0), (0, 1)]
    assert written_with_blocks == 2  # the first block's two; the others waited
    seats = _seats()
    assert seats == {("测试0", "secretary"), ("测试1", "secretary"), ("测试6", "member"),
                     ("测试7", "deputy"), ("测试8", "member")}  # fmt: skip
