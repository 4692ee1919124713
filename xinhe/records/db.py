"""The SQLCipher connection of an unlocked vault.

One thread owns the connection: the thread that opened it. Every call checks this, so a
stray call from the UI thread fails loudly instead of racing the owner.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import sqlcipher3

from xinhe.errors import DamageFound, StorageError, VaultDamaged, VaultTooNew, WrongThread
from xinhe.records.migrations import MIGRATIONS

# SQLite's page cache, a ceiling (it grows only with the pages read): the default 2 MB made
# the encrypted 100,000-case list decrypt its pages again on every pass (BENCHMARKS.md).
PAGE_CACHE_KIB = 128 * 1024
# While a backup or the integrity check reads the whole file (see _small_page_cache).
WHOLE_FILE_CACHE_KIB = 2 * 1024

Row = sqlcipher3.Row
Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")


def _is_disk_full(exc: Exception) -> bool:
    text = str(exc).lower()
    return "disk is full" in text or "disk i/o error" in text


def _disk_full() -> StorageError:
    return StorageError("磁盘已满或无法写入", "the disk is full or not writable")


# One SQLCipher page: no vault file is smaller.
MIN_FILE_BYTES = 4096
# SQLITE_CORRUPT and SQLITE_NOTADB: what SQLCipher reports when a page fails its HMAC.
_DAMAGE_CODES = (11, 26)


def is_damage(exc: BaseException) -> bool:
    """Whether a database error means the file is damaged (not busy, full or misused)."""
    if not isinstance(exc, sqlcipher3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _DAMAGE_CODES:
        return True
    # sqlcipher_export() passes the inner error on as a plain SQLITE_ERROR with its text.
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text



@dataclass(frozen=True)
class IntegrityResult:
    """What the two checks of the whole file found (counts only; nothing of the content)."""

    damaged_pages: int  # pages failing SQLCipher's HMAC check
    problems: int  # findings of SQLite's integrity check

    @property
    def ok(self) -> bool:
        return self.damaged_pages == 0 and self.problems == 0


class Database:
    """An open, keyed vault database. Create it on the thread that will own it."""

    dialect: Literal["sqlite"] = "sqlite"

    def __init__(self, path: Path, key: bytes) -> None:
        self._connect(path)
        self._apply_key(key)
        self._configure()

    def _connect(self, path: Path) -> None:
        self.path = Path(path)
        self._owner = threading.get_ident()
        self._depth = 0
        # Once a page failed its check, SQLCipher refuses writes on this connection too.
        self.damage_seen = False
        self.threads_seen: set[int] = {self._owner}
        if self.path.is_file() and self.path.stat().st_size < MIN_FILE_BYTES:
            # SQLite would take a (nearly) empty file for a new database and build one in it.
            raise VaultDamaged("数据库文件 vault.db 是空的或被截断了",
                               "vault.db is empty or cut short")
        try:
            self._conn = sqlcipher3.connect(str(self.path), isolation_level=None,
                                            check_same_thread=True)
        except sqlcipher3.Error as exc:
            raise VaultDamaged("无法打开数据库文件", "the database file cannot be opened") from exc
        self._conn.row_factory = sqlcipher3.Row

    def _apply_key(self, key: bytes, memory_security: bool = False) -> None:
        """`memory_security` (SQLCipher wiping every freed allocation) is off: it broke the
        speed targets (BENCHMARKS.md); xinhe.crypto.process keeps memory out of dumps
        instead. The benchmarks turn it on to measure it."""
        conn = self._conn
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            if memory_security:
                conn.execute("PRAGMA cipher_memory_security = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            # The key came out of an authenticated key slot, so it is right: the file is not.
            raise VaultDamaged("数据库文件 vault.db 无法解密或格式不对",
                               "vault.db cannot be decrypted or is not a vault") from exc

    def _configure(self) -> None:
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                       "secure_delete = ON", "temp_store = MEMORY", "busy_timeout = 5000",
                       f"cache_size = -{PAGE_CACHE_KIB}"):
            self._conn.execute(f"PRAGMA {pragma}")

    @contextlib.contextmanager
    def translated_errors(self) -> Iterator[None]:
        """Errors a user can act on become XinheErrors: a full disk, a damaged file."""
        try:
            yield
        except sqlcipher3.DatabaseError as exc:
            if is_damage(exc) or self.damage_seen:
                self.damage_seen = True
                raise DamageFound() from exc
            if isinstance(exc, sqlcipher3.OperationalError) and _is_disk_full(exc):
                raise _disk_full() from exc
            raise

    # -- thread discipline -------------------------------------------------------------
    def _check(self) -> None:
        me = threading.get_ident()
        self.threads_seen.add(me)
        if me != self._owner:
            raise WrongThread("the vault database was used from a thread that does not own it")

    def execute(self, sql: str, params: Params = ()) -> sqlcipher3.Cursor:
        self._check()
        with self.translated_errors():
            return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._check()
        with self.translated_errors():
            self._conn.executemany(sql, rows)

    def all(self, sql: str, params: Params = ()) -> list[sqlcipher3.Row]:
        with self.translated_errors():
            return list(self.execute(sql, params).fetchall())

    def one(self, sql: str, params: Params = ()) -> sqlcipher3.Row | None:
        with self.translated_errors():
            row: sqlcipher3.Row | None = self.execute(sql, params).fetchone()
        return row

    def scalar(self, sql: str, params: Params = ()) -> Any:
        with self.translated_errors():
            row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT of one row; the new row's id."""
        return int(self.execute(sql, params).lastrowid or 0)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """All-or-nothing block; nests with savepoints."""
        self._check()
        if self._depth == 0:
            self.execute("BEGIN IMMEDIATE")
        else:
            self.execute(f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._conn.execute("ROLLBACK")
            else:
                self._conn.execute(f"ROLLBACK TO sp{self._depth}")
                self._conn.execute(f"RELEASE sp{self._depth}")
            raise
        self._depth -= 1
        if self._depth == 0:
            self.execute("COMMIT")
        else:
            self.execute(f"RELEASE sp{self._depth}")

    @property
    def schema_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def migrate(self, before: Callable[[int, int], None] | None = None) -> list[int]:
        """Apply pending numbered migrations, each in its own transaction.

        `before(current, target)` runs once before the first migration of an existing
        vault (the vault uses it to take a backup). Returns the versions applied."""
        current = self.schema_version
        latest = MIGRATIONS[-1].version
        if current > latest:
            from xinhe import __version__

            raise VaultTooNew(current, latest, __version__)
        pending = [m for m in MIGRATIONS if m.version > current]
        if pending and current > 0 and before is not None:
            self.checkpoint()  # so that vault.db alone holds everything for the copy
            before(current, latest)
        applied = []
        for migration in pending:
            with self.transaction():
                for statement in migration.statements():
                    self.execute(statement)
                if migration.fill is not None:
                    migration.fill(self)
                self.execute(f"PRAGMA user_version = {int(migration.version)}")
            applied.append(migration.version)
        return applied

    # -- lifecycle -----------------------------------------------------------------------
    def checkpoint(self) -> None:
        self.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def export_to(self, path: Path, key: bytes,
                  in_snapshot: Callable[[], T] | None = None) -> T | None:
        """Write an encrypted copy of the whole database under `key` (sqlcipher_export).

        The copy is one consistent snapshot: it is made inside a single transaction, in
        which `in_snapshot()` also runs (to count what was copied); its result is returned."""
        self._check()
        if self._depth:
            raise RuntimeError("export_to cannot run inside a transaction")
        self._conn.execute("ATTACH DATABASE ? AS export_target KEY ?",
                           (str(path), f"x'{key.hex()}'"))
        try:
            with self._small_page_cache():
                return self._export_snapshot(in_snapshot)
        except sqlcipher3.DatabaseError as exc:
            with self.translated_errors():
                raise exc
        finally:
            self._conn.execute("DETACH DATABASE export_target")

    def _export_snapshot(self, in_snapshot: Callable[[], T] | None) -> T | None:
        self._conn.execute("BEGIN")
        self._depth += 1
        try:
            self._conn.execute("SELECT sqlcipher_export('export_target')")
            version = self.schema_version
            self._conn.execute(f"PRAGMA export_target.user_version = {version}")
            result = in_snapshot() if in_snapshot is not None else None
            self._conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlcipher3.Error):
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._depth -= 1
        return result

    @contextlib.contextmanager
    def _small_page_cache(self) -> Iterator[None]:
        """For a read of the whole file (a backup, the integrity check): with the usual
        page cache it would end up holding all of the file, up to PAGE_CACHE_KIB, and the
        memory stays with the process after it is freed — on the 10,000-case benchmark
        ~90 MB of the app's 265 MB (BENCHMARKS.md). The screens' pages are read back as
        they are needed."""
        self._conn.execute(f"PRAGMA cache_size = -{WHOLE_FILE_CACHE_KIB}")
        try:
            yield
        finally:
            with contextlib.suppress(sqlcipher3.Error):
                self._conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")

    def check_integrity(self) -> IntegrityResult:
        """Read every page: SQLCipher's HMAC check, then SQLite's integrity check.

        Slow on a large vault (it reads the whole file); run it on the database thread."""
        self._check()
        with self._small_page_cache():
            with self.translated_errors():
                pages = len(self._conn.execute("PRAGMA cipher_integrity_check").fetchall())
            try:
                with self.translated_errors():
                    rows = self._conn.execute("PRAGMA integrity_check").fetchall()
                problems = sum(1 for r in rows if str(r[0]) != "ok")
            except DamageFound:
                problems = 1  # the check itself could not read the file
        result = IntegrityResult(pages, problems)
        self.damage_seen = self.damage_seen or not result.ok
        return result

    def close(self) -> None:
        self._check()
        with contextlib.suppress(sqlcipher3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.close()

    def column_names(self, table: str) -> list[str]:
        return [r["name"] for r in self.all(f"PRAGMA table_info({table})")]
