"""Writing an import while it is still being checked (streaming importers, ``Importer.streams``).

An import is two kinds of work: reading and checking the rows is Python (one core), writing
them is the database server (another core). Done one after the other, 100,000 new people
took about 19 s here (read and check ≈ 7 s, then the writes and the foreign-key checks at
the commit ≈ 12 s); side by side, 13.8 s (bench/import_people.py, medians of 3). The
writing is the slower side: the reading of the whole sheet by calamine (≈ 2.5 s) comes
before the first block, and the writes take the rest.

On PostgreSQL, outside any transaction, a writer thread with its own connection opens the
import's one transaction and writes each block of checked rows as it comes, while the main
thread reads and checks the next. Foreign keys are checked at the end of each statement
(SET CONSTRAINTS ALL IMMEDIATE) rather than all at the commit, so that those checks overlap
the reading too. The first bad row anywhere in the file stops the writing and the whole
transaction is rolled back: all or nothing holds exactly as before, and the checking goes
on so that every error is reported.

Elsewhere (SQLite, which has one writer at a time, or inside a transaction the caller
holds, as in most tests) the blocks are kept and written after the last row passed its
checks, by the same ``write_block`` calls in the caller's thread.
"""

import queue
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from sheets.importing import Importer

QUEUE_BLOCKS = 4  # blocks checked ahead of the writer at most: bounds the memory held
MERGE_ROWS = 20_000  # blocks waiting are written together, up to this many rows
WAIT_SECONDS = 0.5  # how often finish() reports progress while the writer catches up
# While the writer runs, Python hands the GIL over every 0.5 ms instead of 5 ms: each time
# the server answers a statement, the writer (the slower side) would otherwise wait up to
# 5 ms for the checking thread to let go. Measured on 100,000 rows: about 1 s faster.
SWITCH_INTERVAL = 0.0005


class _Stop:
    def __init__(self, commit: bool) -> None:
        self.commit = commit


class _Aborted(Exception):
    """Rolls the writer's transaction back."""


class InlineWriter:
    """Keeps the blocks; writes them in the caller's thread once every row is checked."""

    def __init__(self, importer: Importer) -> None:
        self.importer = importer
        self.blocks: list[list] = []
        self.written = 0

    def put(self, block: list) -> None:
        self.blocks.append(block)

    def finish(self, waiting: Callable[[int], None] | None = None) -> tuple[int, int]:
        created = updated = 0
        with transaction.atomic(), connection.cursor() as cursor:
            self.importer.write_start(cursor)
            for block in self.blocks:
                made, changed = self.importer.write_block(block, cursor)
                created, updated = created + made, updated + changed
                self.written += len(block)
            self.blocks.clear()
            self.importer.write_finish(cursor)
        return created, updated

    def close(self) -> None:
        self.blocks.clear()


class ThreadWriter:
    """Writes each block in a thread of its own, on a connection and transaction of its own."""

    def __init__(self, importer: Importer) -> None:
        self.importer = importer
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUE_BLOCKS)
        self.written = 0
        self.created = self.updated = 0
        self.failure: BaseException | None = None
        self.stopped = False  # the caller's finish() or close() was taken from the queue
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._work, name="import-writer", daemon=True)
        self.switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(SWITCH_INTERVAL, self.switch_interval))
        self.thread.start()

    def put(self, block: list) -> None:
        if self.failure is None:
            self.queue.put(block)

    def finish(self, waiting: Callable[[int], None] | None = None) -> tuple[int, int]:
        self.queue.put(_Stop(commit=True))
        while not self.done.wait(WAIT_SECONDS):
            if waiting:
                waiting(self.written)
        self.thread.join()
        if self.failure is not None:
            raise self.failure
        return self.created, self.updated

    def close(self) -> None:
        """Rolls back unless finish() committed; waits for the thread either way."""
        if not self.done.is_set():
            self.queue.put(_Stop(commit=False))
        self.thread.join()
        sys.setswitchinterval(self.switch_interval)

    def _work(self) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self.importer.write_start(cursor)
                for block in self._blocks():
                    made, changed = self.importer.write_block(block, cursor)
                    self.created += made
                    self.updated += changed
                    self.written += len(block)
                self.importer.write_finish(cursor)
        except _Aborted:
            pass
        except BaseException as failure:  # handed to the main thread
            self.failure = failure
            self._drain()
        finally:
            connection.close()
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
            if merged:
                yield merged
            if isinstance(item, _Stop):
                return

    def _drain(self) -> None:
        """After a failure, takes what the caller still puts, up to its finish() or close(),
        so that it never waits on a full queue."""
        while not self.stopped:
            self.stopped = isinstance(self.queue.get(), _Stop)


def concurrent(importer: Importer) -> bool:
    """Whether this import can write in a thread of its own (see the module's docstring)."""
    return importer.streams and connection.vendor == "postgresql" and not connection.in_atomic_block


@contextmanager
def writer_for(importer: Importer) -> Iterator[InlineWriter | ThreadWriter]:
    writer = ThreadWriter(importer) if concurrent(importer) else InlineWriter(importer)
    try:
        yield writer
    finally:
        writer.close()
