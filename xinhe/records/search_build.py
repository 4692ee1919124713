"""`search.rebuild`'s second thread: the gram index built beside the trigram index.

SQLite lets go of Python's lock while it works, so the gram index (its text and its FTS5
tokenizing, about 40% of a build) is made on a second thread, in a private in-memory
database (nothing reaches a file, so nothing of the notes leaves the encrypted vault),
while the vault's own connection builds the trigram index. The finished gram index is
then copied into the vault's shadow tables of a freshly created `search_gram`, so FTS5 in
the vault's connection holds no cached view of the table it replaces.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

import sqlcipher3

from xinhe.records.search_text import gram_text

# Shadow tables of a contentless FTS5 table with contentless_delete (columns in order).
_SHADOWS = ("data", "idx", "docsize")
# Above this much text the in-memory index (~1.6 bytes a character, twice that while it
# is merged) would take too much memory: the build then stays on one thread.
MAX_TEXT_CHARS = 100_000_000


class _Db(Protocol):
    def execute(self, sql: str, params: Any = ()) -> Any: ...

    def scalar(self, sql: str, params: Any = ()) -> Any: ...

    def executemany(self, sql: str, rows: Iterable[Any]) -> Any: ...


def gram_builder(db: _Db, create_sql: str, settings: dict[str, int]) -> GramBuilder | None:
    """A started builder for the gram index of the documents in `db`, or None if their
    text is too large to index in memory."""
    chars = db.scalar("SELECT sum(length(title) + length(body)) FROM search_doc") or 0
    if chars > MAX_TEXT_CHARS:
        return None
    return GramBuilder("search_gram", create_sql, settings)


class GramBuilder:
    """Builds `table` (the gram index, `create_sql`) from (rowid, folded text) batches
    given to `add`, on its own thread; `copy_into` moves the result into the vault."""

    def __init__(self, table: str, create_sql: str, settings: dict[str, int]) -> None:
        self._table = table
        self._create_sql = create_sql
        self._settings = settings
        self._batches: queue.Queue[list[tuple[int, str]] | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._cancelled = threading.Event()
        self._conn: sqlcipher3.Connection | None = None
        self._thread = threading.Thread(target=self._run, name="xinhe-search-build",
                                        daemon=True)
        self._thread.start()

    def add(self, batch: list[tuple[int, str]]) -> None:
        self._batches.put(batch)

    def _run(self) -> None:
        conn = sqlcipher3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA temp_store = MEMORY")  # sorts too stay off the disk
            conn.execute(self._create_sql)
            for key, value in self._settings.items():
                conn.execute(f"INSERT INTO {self._table}({self._table}, rank) VALUES (?, ?)",
                             (key, value))
            conn.execute("BEGIN")
            while (batch := self._batches.get()) is not None:
                conn.executemany(f"INSERT INTO {self._table}(rowid, grams) VALUES (?, ?)",
                                 [(rowid, gram_text(text)) for rowid, text in batch])
            if self._cancelled.is_set():
                conn.close()
                return
            conn.execute(f"INSERT INTO {self._table}({self._table}) VALUES ('optimize')")
            conn.execute("COMMIT")
            self._conn = conn
        except BaseException as exc:  # handed to the vault's thread in `finish`
            self._error = exc
            conn.close()
            while self._batches.get() is not None:  # let `add` go on until `finish`
                pass

    def finish(self) -> None:
        """Wait for the index to be complete; raises what failed on the thread."""
        self._batches.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def discard(self) -> None:
        """Stop the thread and drop its database (after an error in the vault's build)."""
        if self._thread.is_alive():
            self._cancelled.set()
            self._batches.put(None)
            self._thread.join()
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def copy_into(self, db: _Db) -> None:
        """Replace the vault's gram index by the one built here, keeping its settings.
        Inside the caller's transaction; the old table's pages are freed (and zeroed, the
        vault having secure_delete on) by DROP TABLE."""
        assert self._conn is not None
        table = self._table
        settings = [tuple(r) for r in db.execute(
            f"SELECT k, v FROM {table}_config WHERE k != 'version'").fetchall()]
        db.execute(f"DROP TABLE {table}")
        db.execute(self._create_sql)  # a new FTS5 object: nothing cached about the old one
        for shadow in _SHADOWS:
            name = f"{table}_{shadow}"
            db.execute(f"DELETE FROM {name}")
            columns = len(self._conn.execute(f"PRAGMA table_info({name})").fetchall())
            marks = ", ".join("?" * columns)
            db.executemany(f"INSERT INTO {name} VALUES ({marks})",
                           _rows(self._conn.execute(f"SELECT * FROM {name}")))
        for key, value in settings:
            db.execute(f"INSERT INTO {table}({table}, rank) VALUES (?, ?)", (key, value))
        self.close()


def _rows(cursor: sqlcipher3.Cursor) -> Iterator[Sequence[Any]]:
    while rows := cursor.fetchmany(256):
        yield from rows
