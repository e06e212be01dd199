"""The people import writes while it checks (sheets/streaming.py): on PostgreSQL a writer
thread with a connection and transaction of its own, elsewhere the same blocks after the
checks. Either way a file lands whole or not at all.

These tests commit (transaction=True), as the import does in a worker, and use blocks of a
few rows so that a small file spans many blocks.
"""

import sys
import time
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from candidates.models import Candidacy, Certification, CommitteeMember, Person, Post
from candidates.resources import PeopleImporter
from elections.models import Election
from sheets import importing, streaming
from tests.conftest import World
from tests.sheets.rosters import HEADERS, person
from tests.sheets.test_people_import_properties import CELLS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BLOCK_ROWS", 2)
    monkeypatch.setattr(streaming, "MERGE_ROWS", 3)


def _cells(rows: list[dict]) -> list[list]:
    return [HEADERS] + [[row[h] for h in HEADERS] for row in rows]


def _counts() -> tuple[int, int, int]:
    return Person.objects.count(), Candidacy.objects.count(), CommitteeMember.objects.count()


def _roster(world: World) -> list[dict]:
    """Nine rows over two villages; each village's committee spread over several blocks."""
    rows = [person(world.village("a1", n % 2), n) for n in range(9)]
    for n, post in ((0, "书记"), (1, "书记"), (6, "委员"), (7, "副书记")):
        rows[n].update(候选阶段="当选", 选举结果="当选", 职务=post)
    return rows


def test_the_writer_runs_in_its_own_thread_on_postgresql_only(world: World, city: User) -> None:
    importer = PeopleImporter(user=city, campaign=world.campaign)
    assert streaming.concurrent(importer) is (connection.vendor == "postgresql")
    with transaction.atomic():  # a transaction of the caller's: its own thread could not see it
        assert streaming.concurrent(importer) is False


def test_a_file_of_many_blocks_lands_whole(world: World, city: User) -> None:
    # when
    outcome = PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(_roster(world))))

    # then
    assert outcome.ok, outcome.errors
    assert (outcome.rows, outcome.created, outcome.updated) == (9, 9, 0)
    assert _counts() == (9, 9, 4)
    seats = set(CommitteeMember.objects.values_list("candidacy__person__name", "post"))
    assert seats == {
        ("测试0", Post.SECRETARY),
        ("测试1", Post.SECRETARY),
        ("测试6", Post.MEMBER),
        ("测试7", Post.DEPUTY),
    }
    assert all(m.election_id == m.candidacy.election_id for m in CommitteeMember.objects.all())


def test_the_same_file_again_updates_and_keeps_every_row(world: World, city: User) -> None:
    rows = _roster(world)
    assert PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows))).ok
    before = dict(CommitteeMember.objects.values_list("candidacy__person__name", "pk"))

    # when: again, with one secretary now a member and another member elected secretary
    rows[0].update(职务="委员")
    rows[2].update(候选阶段="当选", 选举结果="当选", 职务="书记")
    outcome = PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows)))

    # then
    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (0, 9)
    after = dict(CommitteeMember.objects.values_list("candidacy__person__name", "post"))
    assert after == {
        "测试0": Post.MEMBER,
        "测试2": Post.SECRETARY,
        "测试1": Post.SECRETARY,
        "测试6": Post.MEMBER,
        "测试7": Post.DEPUTY,
    }
    # the seats the file kept as they were are the same rows as before
    kept = dict(CommitteeMember.objects.values_list("candidacy__person__name", "pk"))
    assert [kept[name] for name in ("测试1", "测试6", "测试7")] == [
        before[name] for name in ("测试1", "测试6", "测试7")
    ]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda rows: rows[8].update(性别="女"), id="last block"),
        pytest.param(lambda rows: rows[7].update(公民身份号码=rows[0]["公民身份号码"]), id="dup"),
        pytest.param(lambda rows: rows[5].update(候选阶段="当选", 选举结果="当选", 职务="书记"),
                     id="a second secretary, found once the file is read"),
    ],
)  # fmt: skip
def test_a_bad_row_late_in_the_file_writes_nothing(world: World, city: User, spoil: object) -> None:
    # given: a file whose early blocks are fine and already on their way to the database
    rows = _roster(world)
    spoil(rows)

    # when
    outcome = PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows)))

    # then: the errors, and not one row of the earlier blocks
    assert not outcome.ok and outcome.rows == 9
    assert _counts() == (0, 0, 0)


class FailingWriter(PeopleImporter):
    """Fails while writing its third block, as a lost connection or a server error would."""

    def write_block(self, records: list[tuple], cursor: object) -> tuple[int, int]:
        self.blocks = getattr(self, "blocks", 0) + 1
        if self.blocks == 3:
            raise RuntimeError("the server went away")
        return super().write_block(records, cursor)


def test_a_failure_while_writing_reaches_the_caller_and_writes_nothing(
    world: World, city: User
) -> None:
    with pytest.raises(RuntimeError, match="went away"):
        FailingWriter(user=city, campaign=world.campaign).run(iter(_cells(_roster(world))))
    assert _counts() == (0, 0, 0)

    # and the next import runs normally
    outcome = PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(_roster(world))))
    assert outcome.ok and _counts() == (9, 9, 4)


@pytest.mark.parametrize("skip_key_triggers", [True, False], ids=["keys locked", "per row"])
def test_a_locked_result_stops_the_writer_and_nothing_lands(
    world: World, city: User, settings: object, skip_key_triggers: bool
) -> None:
    """The checks passed, then the county certified a village while the file was written:
    the database's lock trigger refuses the write, and the whole file goes back (also where
    the writer turned the per-row foreign-key triggers off: the lock triggers fire always)."""
    settings.SHEETS_SKIP_KEY_TRIGGERS = skip_key_triggers
    rows = _roster(world)
    election = Election.objects.get(branch__village=world.village("a1", 1))

    def lock_after_first_block() -> Iterator[list]:
        cells = iter(_cells(rows))
        for number, row in enumerate(cells):
            if number == 4:  # the first blocks were checked with the election open
                Election.objects.filter(pk=election.pk).update(locked=True)
            yield row

    with pytest.raises(Exception, match="locked"):
        PeopleImporter(user=city, campaign=world.campaign).run(lock_after_first_block())
    assert _counts() == (0, 0, 0)

    # the county's recorded unlock (SQLite's flush after the test deletes row by row, and
    # the lock triggers refuse to delete a locked election)
    Certification.objects.create(election=election, action="unlock", by=city)
    Election.objects.filter(pk=election.pk).update(locked=False)


def test_progress_is_reported_as_rows_are_checked_and_written(world: World, city: User) -> None:
    seen: list[tuple[int, int]] = []
    rows = _roster(world)

    outcome = PeopleImporter(user=city, campaign=world.campaign).run(
        iter(_cells(rows)), progress=lambda done, total: seen.append((done, total)), total=10
    )

    assert outcome.ok
    assert seen and all(total == 9 and 0 <= done <= 9 for done, total in seen)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    column=st.sampled_from(HEADERS),
    value=CELLS,
    bad_row=st.integers(min_value=0, max_value=8),
)
def test_any_cell_in_any_block_writes_all_or_nothing(
    world: World, city: User, column: str, value: object, bad_row: int
) -> None:
    rows = _roster(world)
    rows[bad_row][column] = value

    outcome = PeopleImporter(user=city, campaign=world.campaign).run(iter(_cells(rows)))

    assert outcome.rows == 9
    if outcome.ok:
        assert _counts()[:2] == (9, 9)
    else:
        assert _counts() == (0, 0, 0)
        assert all(error.row == bad_row + 2 and error.message for error in outcome.errors)
    for model in (CommitteeMember, Candidacy, Person):  # a clean slate for the next example
        model.objects.all()._raw_delete("default")


class SlowFinish(PeopleImporter):
    def write_finish(self, cursor: object) -> None:
        super().write_finish(cursor)
        time.sleep(0.5)  # the caller waits here, reporting progress


def test_a_failure_in_the_caller_while_the_writer_finishes_writes_nothing(
    world: World, city: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer has written every block and waits for the caller's word to commit; the
    caller fails meanwhile (here its progress report): the file goes back."""
    if not streaming.concurrent(PeopleImporter(user=city, campaign=world.campaign)):
        pytest.skip("only the writer thread (PostgreSQL) reports progress while it writes")
    monkeypatch.setattr(streaming, "WAIT_SECONDS", 0.02)
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) > 5:  # five blocks checked; now the caller waits for the writer
            raise RuntimeError("the job row could not be written")

    with pytest.raises(RuntimeError, match="job row"):
        SlowFinish(user=city, campaign=world.campaign).run(
            iter(_cells(_roster(world))), progress=progress, total=10
        )
    assert _counts() == (0, 0, 0)


def test_the_switch_interval_comes_back_when_the_last_writer_closes() -> None:
    before = sys.getswitchinterval()
    streaming._fast_switching(True)
    streaming._fast_switching(True)
    streaming._fast_switching(False)  # the first to start closes first
    assert sys.getswitchinterval() == streaming.SWITCH_INTERVAL
    streaming._fast_switching(False)
    assert sys.getswitchinterval() == before
