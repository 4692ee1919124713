"""The storage seam: what every records service may ask of the database, on both homes.

`Database` (records/db.py, the local SQLCipher vault) and `PgDatabase` (pg_store.py, the
studio PostgreSQL server) implement `Store`. Services write one portable SQL dialect:

- placeholders `?` (positional) or `:name` (a dict of parameters), never `%s`;
- the column `"user"` always quoted (a reserved word in PostgreSQL, where bare `user`
  means the login role);
- upserts as `INSERT … ON CONFLICT (cols) DO UPDATE SET …` / `DO NOTHING`, never
  `INSERT OR IGNORE` / `INSERT OR REPLACE`;
- a new row's id from `store.insert(sql, params)`, never `cursor.lastrowid`;
- booleans as 0/1 integers, timestamps as ISO 8601 text (they sort as text on both);
- no SQLite-only functions (json_extract, strftime, julianday, printf, group_concat,
  PRAGMA); full-text search stays behind `search_index` (FTS5 in the vault, blind tokens
  on the server);
- on the server, values of the columns in sealing.SEALED are sealed and opened by the seam
  itself: services bind them as plain parameters (`?`, `:name`), never splice them in SQL.

Every store is owned by the thread that opened it (`threads_seen`, WrongThread).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal, Protocol

Params = Sequence[Any] | dict[str, Any]
Dialect = Literal["sqlite", "postgres"]


class RowLike(Protocol):
    """A result row: by column name, by position, and its column names."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class CursorLike(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Store(Protocol):
    """An open database of either home, used from its owner thread only."""

    threads_seen: set[int]

    @property
    def dialect(self) -> Dialect: ...

    def execute(self, sql: str, params: Params = ()) -> Any: ...

    def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    def all(self, sql: str, params: Params = ()) -> list[Any]: ...

    def one(self, sql: str, params: Params = ()) -> Any: ...

    def scalar(self, sql: str, params: Params = ()) -> Any: ...

    def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT of one row and return the new row's id."""
        ...

    def transaction(self) -> contextlib.AbstractContextManager[Any]: ...

    def close(self) -> None: ...
