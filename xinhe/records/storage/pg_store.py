"""The studio server's connection: a `Store` over psycopg 3, TLS verified, RLS in force.

The services' portable SQL (see base.py) is translated here: `?` and `:name` become
psycopg's `%s` and `%(name)s`, a literal `%` becomes `%%`. PostgreSQL errors a user can act
on become XinheErrors; a lost or refused connection is `ServerUnreachable`, never a trace.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from xinhe.errors import AccessDenied, Conflict, InvalidInput, ServerUnreachable, WrongThread
from xinhe.records.storage.base import Params
from xinhe.records.storage.sealing import LABELS, SEALED, Sealer, seal_params

SCHEMA = "xinhe"


class Row:
    """A result row like sqlite3.Row: `row["col"]`, `row[0]`, `keys()`, `dict(row)`."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: tuple[Any, ...], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values
        return isinstance(other, tuple) and self._values == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Row({', '.join(self._index)})"  # column names only: values may be client text


def _row_factory(sealer: Sealer | None, sources: dict[tuple[int, int], str]) -> Any:
    """Rows with every sealed value opened. A column read straight from a table opens only
    under that table.column (the server says which: PQftable, PQftablecol), so a value moved
    there from another column does not open; a computed one (a function's result) under the
    labels its name may carry."""
    def factory(cursor: Any) -> Any:
        names = [c.name for c in cursor.description or ()]
        index = {name: i for i, name in enumerate(names)}
        result = cursor.pgresult
        labels: list[tuple[int, tuple[str, ...]]] = []
        for i, name in enumerate(names):
            table = result.ftable(i) if result is not None else 0
            if table:
                exact = sources.get((table, result.ftablecol(i)))
                if exact is not None:
                    labels.append((i, (exact,)))
            elif name in LABELS:
                labels.append((i, LABELS[name]))

        def make(values: Any) -> Row:
            if not labels or sealer is None:  # before sign-in nothing sealed is read
                return Row(tuple(values), index)
            row = list(values)
            for i, can_be in labels:
                row[i] = sealer.open(can_be, row[i])
            return Row(tuple(row), index)
        return make
    return factory


class _BoolAsInt(Dumper):
    """Booleans travel as 0/1 integers, as the vault's columns hold them (base.py)."""

    oid = psycopg.adapters.types["int4"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


def translate(sql: str, named: bool) -> str:
    """The portable dialect's placeholders in psycopg's form; quoted strings, quoted
    identifiers and `::` casts are left as they are."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:  # '' or "" inside
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1].replace("%", "%%"))
            i = end + 1
        elif ch == "%":
            out.append("%%")
            i += 1
        elif ch == "?" and not named:
            out.append("%s")
            i += 1
        elif ch == ":" and i + 1 < n and sql[i + 1] == ":":
            out.append("::")
            i += 2
        elif ch == ":" and named and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            end = i + 1
            while end < n and (sql[end].isalnum() or sql[end] == "_"):
                end += 1
            out.append(f"%({sql[i + 1:end]})s")
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def check_dsn(dsn: str) -> dict[str, str]:
    """The DSN's parts; refused unless TLS verifies the server against the studio's CA."""
    try:
        parts = {k: str(v) for k, v in conninfo_to_dict(dsn).items()}
    except psycopg.ProgrammingError:
        raise InvalidInput("服务器地址（DSN）的格式不对。",
                           "The server address (DSN) cannot be read.") from None
    if parts.get("sslmode") != "verify-full" or not parts.get("sslrootcert"):
        raise InvalidInput(
            "连接工作室服务器必须校验服务器证书：地址中需要 sslmode=verify-full 和 "
            "sslrootcert=工作室 CA 证书文件。",
            "The studio server must be reached with its certificate verified: the address "
            "needs sslmode=verify-full and sslrootcert=the studio's CA file.")
    return parts


def where(parts: dict[str, str]) -> str:
    """host:port/dbname for messages (never a password)."""
    return f"{parts.get('host', 'localhost')}:{parts.get('port', '5432')}/" \
           f"{parts.get('dbname', '')}"


class PgDatabase:
    """An open connection to the studio database as one Xinhe user's login role."""

    dialect: Literal["postgres"] = "postgres"

    def __init__(self, dsn: str, workstation: str = "") -> None:
        parts = check_dsn(dsn)
        self.where = where(parts)
        self._owner = threading.get_ident()
        self.threads_seen: set[int] = {self._owner}
        self._depth = 0
        self._sealer: Sealer | None = None
        extra = {} if "connect_timeout" in parts else {"connect_timeout": "10"}
        try:
            self._conn = psycopg.connect(make_conninfo(dsn, application_name="xinhe", **extra),
                                         autocommit=True, row_factory=_row_factory(None, {}))
        except psycopg.OperationalError as exc:
            raise self._connect_error(exc) from None
        self._conn.adapters.register_dumper(bool, _BoolAsInt)
        self._conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        with self.translated_errors():
            self._conn.execute("SELECT set_config('search_path', %s, false),"
                               " set_config('xinhe.workstation', %s, false)",
                               (SCHEMA, workstation))

    @property
    def sealer(self) -> Sealer | None:
        """The signed-in user's keys; the seam seals, opens and blinds with them."""
        return self._sealer

    @sealer.setter
    def sealer(self, sealer: Sealer | None) -> None:
        self._sealer = sealer
        sources = {(int(r[0]), int(r[1])): f"{r[2]}.{r[3]}" for r in self._conn.execute(
            "SELECT c.oid, a.attnum, c.relname, a.attname FROM pg_class c JOIN pg_attribute a"
            " ON a.attrelid = c.oid WHERE c.relnamespace = %s::regnamespace AND a.attnum > 0",
            (SCHEMA,)).fetchall() if r[3] in SEALED.get(r[2], ())}
        self._conn.row_factory = _row_factory(sealer, sources)

    def _connect_error(self, exc: psycopg.OperationalError) -> Exception:
        if exc.sqlstate == "28P01" or "password authentication failed" in str(exc):
            from xinhe.errors import ServerLoginRefused

            return ServerLoginRefused(self.where.rsplit("/", 1)[-1])
        if exc.sqlstate == "28000" or "not permitted to log in" in str(exc):
            from xinhe.errors import AccountDisabled  # the login role is NOLOGIN

            return AccountDisabled()
        return ServerUnreachable(self.where)

    @contextlib.contextmanager
    def translated_errors(self) -> Iterator[None]:
        """Errors a user can act on become XinheErrors (zh/en, no SQL, no values)."""
        try:
            yield
        except pg_errors.InsufficientPrivilege:
            raise AccessDenied() from None
        except pg_errors.UniqueViolation:
            raise Conflict("这条记录刚刚已由他人保存，您的内容没有保存，但仍保留在表单中。请重试。",
                           "Someone saved this record at the same moment. Your text was not "
                           "saved but is still in the form; try again.") from None
        except psycopg.OperationalError as exc:
            if self._conn.broken or self._conn.closed:
                raise ServerUnreachable(self.where) from None
            raise exc

    def _check(self) -> None:
        me = threading.get_ident()
        self.threads_seen.add(me)
        if me != self._owner:
            raise WrongThread("the server connection was used from a thread that does not own it")

    def execute(self, sql: str, params: Params = ()) -> psycopg.Cursor[Any]:
        self._check()
        with self.translated_errors():
            sql, params = seal_params(self._sealer, sql, params)
            return self._conn.execute(translate(sql, isinstance(params, dict)), params or None)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._check()
        batch = list(rows)
        if not batch:
            return
        sealed = [seal_params(self._sealer, sql, row) for row in batch]
        with self.translated_errors(), self._conn.cursor() as cursor:
            cursor.executemany(translate(sealed[0][0], isinstance(batch[0], dict)),
                               [params for _, params in sealed])

    def all(self, sql: str, params: Params = ()) -> list[Any]:
        return list(self.execute(sql, params).fetchall())

    def one(self, sql: str, params: Params = ()) -> Any:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT of one row; the new row's id (RETURNING id)."""
        row = self.execute(sql.rstrip().rstrip(";") + " RETURNING id", params).fetchone()
        return int(row[0]) if row is not None else 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgDatabase]:
        """All-or-nothing block; nests with savepoints."""
        self._check()
        with self.translated_errors(), self._conn.transaction():
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1

    @property
    def broken(self) -> bool:
        """The connection was lost (server restarted, network cut): open a new one."""
        return bool(self._conn.broken)

    def close(self) -> None:
        self._check()
        with contextlib.suppress(psycopg.Error):
            self._conn.close()
