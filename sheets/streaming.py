"""Writing an import while it is still being checked (streaming importers, ``Importer.streams``).

An import is two kinds of work: reading and checking the rows is Python (one core), writing
them is the database server (another core). Done one after the other, 100,000 new people
took about 19 s here (read and check ≈ 7 s, then the writes and the foreign-key checks at
the commit ≈ 12 s); side by side, and with the changes below, 4.5–5.7 s, as fast or slow as
the machine is that hour (bench/import_people.py, medians). calamine parses the whole
sheet (1.3–2 s) before the first block can be checked, without the GIL: the importer loads
what needs no rows meanwhile (``Importer.while_reading``, sheets/reader.py). After that,
checking and writing keep pace with each other. The people import COPYs a block of new
people straight into its tables, and leaves out the rows of a file imported again that
would change nothing (candidates/resources.py).

On PostgreSQL, outside any transaction, a writer thread with its own connection opens the
import's one transaction and writes each block of checked rows as it comes, while the main
thread reads and checks the next. Foreign keys are checked at the end of each statement
(SET CONSTRAINTS ALL IMMEDIATE) rather than all at the commit, so that those checks overlap
the reading too. The first bad row anywhere in the file stops the writing and the whole
transaction is rolled back: all or nothing holds exactly as before, and the checking goes
on so that every error is reported.

Foreign keys cost PostgreSQL a trigger per row and key: five per person at the first
import, about 40% of the writer's time. An importer that takes those keys' locks itself
(``Importer.locks_keys``: a FOR KEY SHARE statement per block over the rows it refers to,
and a check that they all exist) lets the writer turn the per-row triggers off for its own
transaction (SET LOCAL session_replication_role = replica), where the role may and
settings.SHEETS_SKIP_KEY_TRIGGERS allows. The guarantee is the one the triggers give: a
referenced row exists and cannot be deleted until the import commits. The lock triggers of
certified results are ENABLE ALWAYS (candidates/locking.py), so they fire all the same.
Measured on 100,000 new people, before the other changes of that session: 12.0 s → 7.1 s.

Elsewhere (SQLite, which has one writer at a time, or inside a transaction the caller
holds, as in most tests) the blocks are kept and written after the last row passed its
checks, by the same ``write_block`` calls in the caller's thread.
"""

import logging
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connection, transaction

from sheets.importing import Importer

QUEUE_BLOCKS = 4  # blocks checked ahead of the writer at most: bounds the memory held
MERGE_ROWS = 20_000  # blocks waiting are written together, up to this many rows
WAIT_SECONDS = 0.5  # how often finish() reports progress while the writer catches up
# While the writer runs, Python hands the GIL over every 0.5 ms instead of 5 ms: each time
# the server answers a statement, the writer (the slower side) would otherwise wait up to
# 5 ms for the checking thread to let go. Measured on 100,000 rows: about 1 s faster.
SWITCH_INTERVAL = 0.0005

logger = logging.getLogger(__name__)


class _Stop:
    def __init__(self, commit: bool) -> None:
        self.commit = commit


class _Aborted(Exception):
    """Rolls the writer's transaction back."""


class _Writer:
    """What both writers share: the counts, and the importer's three writing steps."""

    def __init__(self, importer: Importer) -> None:
        self.importer = importer
        self.written = 0
        self.created = self.updated = 0
        importer.lock_keys = False  # the database checks the foreign keys, row by row

    def _write_all(self, cursor: object, blocks: Iterable[list]) -> None:
        self.importer.write_start(cursor)
        for block in blocks:
            made, changed = self.importer.write_block(block, cursor)
            self.created += made
            self.updated += changed
            self.written += len(block)
        self.importer.write_finish(cursor)


class InlineWriter(_Writer):
    """Keeps the blocks; writes them in the caller's thread once every row is checked."""

    def __init__(self, importer: Importer) -> None:
        super().__init__(importer)
        self.blocks: list[list] = []

    def put(self, block: list) -> None:
        self.blocks.append(block)

    def abort(self) -> None:
        self.blocks.clear()

    def finish(self, waiting: Callable[[int], None] | None = None) -> tuple[int, int]:
        with transaction.atomic(), connection.cursor() as cursor:
            self._write_all(cursor, self.blocks)
        self.blocks.clear()
        return self.created, self.updated

    def close(self) -> None:
        self.blocks.clear()


class ThreadWriter(_Writer):
    """Writes each block in a thread of its own, on a connection and transaction of its own.

    The caller puts blocks, then either finish() (commit) or abort()/close() (roll back).
    The commit is the caller's decision, taken in finish() once the writer has written
    everything and waits for it: whatever goes wrong in the caller before that moment (an
    error, a time limit, a failed progress write) rolls the file back.
    """

    def __init__(self, importer: Importer) -> None:
        super().__init__(importer)
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUE_BLOCKS)
        self.failure: BaseException | None = None
        self.stopped = False  # the writer has taken a _Stop from the queue
        self.aborted = False
        self.ready = threading.Event()  # all written; the writer waits for the decision
        self.decided = threading.Event()
        self.commit = False
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._work, name="import-writer", daemon=True)
        _fast_switching(True)
        try:
            self.thread.start()
        except BaseException:
            _fast_switching(False)
            raise

    # The caller's side --------------------------------------------------------------------

    def put(self, block: list) -> None:
        if self.failure is None and not self.aborted:
            self._put(block)

    def abort(self) -> None:
        """The file has a bad row: stop writing now and roll back, whatever still comes."""
        if self.aborted:
            return
        self.aborted = True
        self.decided.set()  # commit stays False
        while True:  # the blocks waiting will not be written
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        self._put(_Stop(commit=False))

    def finish(self, waiting: Callable[[int], None] | None = None) -> tuple[int, int]:
        self._put(_Stop(commit=True))
        while not (self.ready.wait(WAIT_SECONDS) or self.done.is_set()):
            if waiting:
                try:
                    waiting(self.written)
                except (DatabaseError, InterfaceError):  # progress is best-effort
                    logger.exception("Could not report the import's progress")
        if not self.done.is_set():
            self.commit = True
            self.decided.set()
        self.done.wait()
        self.thread.join()
        if self.failure is not None:
            raise self.failure
        return self.created, self.updated

    def close(self) -> None:
        """Rolls back unless finish() decided to commit; waits for the thread either way."""
        try:
            if not self.decided.is_set():
                self.abort()
            self.thread.join()
        finally:
            _fast_switching(False)

    def _put(self, item: object) -> None:
        """Into the queue, unless the writer is gone (then nobody would take it)."""
        while self.thread.is_alive() and not self.stopped:
            try:
                self.queue.put(item, timeout=WAIT_SECONDS)
                return
            except queue.Full:
                continue

    # The writer's side --------------------------------------------------------------------

    def _work(self) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                begin(cursor, self.importer)
                self._write_all(cursor, self._blocks())
                self.ready.set()
                self.decided.wait()
                if not self.commit:
                    raise _Aborted
        except _Aborted:
            pass
        except BaseException as failure:  # handed to the caller
            self.failure = failure
            self._drain()
        finally:
            try:
                connection.close()
            finally:
                self.done.set()

    def _blocks(self) -> Iterator[list]:
        """The blocks as they come, those already waiting merged into one; stops at _Stop."""
        while True:
            item = self.queue.get()
            merged: list = []
            while not isinstance(item, _Stop):
                merged += item
                if len(merged) >= MERGE_ROWS:
                    break
                try:
                    item = self.queue.get_nowait()
                except queue.Empty:
                    break
            if isinstance(item, _Stop):
                self.stopped = True
                if not item.commit:
                    raise _Aborted
            if self.aborted:
                raise _Aborted
            if merged:
                yield merged
            if isinstance(item, _Stop):
                return

    def _drain(self) -> None:
        """After a failure, takes what the caller still puts, up to its finish() or abort(),
        so that it never waits on a full queue."""
        while not self.stopped:
            self.stopped = isinstance(self.queue.get(), _Stop)


def begin(cursor: object, importer: Importer) -> None:
    """The writer's transaction, as it starts: foreign keys checked at each statement's end,
    and by the importer itself where it can be (``importer.lock_keys``)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    importer.lock_keys = _key_triggers_off(cursor, importer)


def _key_triggers_off(cursor: object, importer: Importer) -> bool:
    """Whether the writer's transaction runs without the per-row foreign-key triggers, its
    importer taking the keys' locks instead (see the module's docstring). PostgreSQL 15 is
    the first that can grant the setting to a role that is not a superuser."""
    if not (importer.locks_keys and settings.SHEETS_SKIP_KEY_TRIGGERS):
        return False
    if connection.pg_version < 150000:
        return False
    cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def concurrent(importer: Importer) -> bool:
    """Whether this import can write in a thread of its own (see the module's docstring)."""
    return importer.streams and connection.vendor == "postgresql" and not connection.in_atomic_block


_switching_lock = threading.Lock()
_switching = {"writers": 0, "interval": 0.005}


def _fast_switching(on: bool) -> None:
    """The shorter switch interval while at least one writer of this process runs."""
    with _switching_lock:
        if on:
            if _switching["writers"] == 0:
                _switching["interval"] = sys.getswitchinterval()
                sys.setswitchinterval(min(SWITCH_INTERVAL, _switching["interval"]))
            _switching["writers"] += 1
        else:
            _switching["writers"] -= 1
            if _switching["writers"] == 0:
                sys.setswitchinterval(_switching["interval"])


@contextmanager
def writer_for(importer: Importer) -> Iterator[InlineWriter | ThreadWriter]:
    writer = ThreadWriter(importer) if concurrent(importer) else InlineWriter(importer)
    try:
        yield writer
    finally:
        writer.close()
