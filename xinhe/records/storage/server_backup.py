"""Backups of a studio server database (`xinhe server backup`).

The backup is read as the IT person's set-up role acting as the owner `xinhe_owner`: under
row-level security an administrator sees no case content, so only the owner can copy every
row. The owner holds no data key, and needs none: the person-describing columns are sealed
on the workstations and are copied still sealed, and the file's own random key is sealed to
the studio's recovery public key (read from the recovery slot), which takes no secret.

The file is the local backup's container (backup_file.py: magic, header, checksummed body)
with `"home": "studio-server"` in its header. Its body is a run of AES-256-GCM frames, each
one table's rows in PostgreSQL's COPY text form, bound to its place in the run, the last
one saying where the run ends. Every table of the studio is in it (meta with the schema
version, users, key slots, the recovery slot, login verifiers, the audit chain, blind search
tokens and all records), read in one REPEATABLE READ snapshot. It is written under a
temporary name, read back, decrypted, its rows counted and its audit chain walked, and only
then renamed. Nothing is written in clear: not the rows, not a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from xinhe import __version__
from xinhe.crypto import keyslots as ks
from xinhe.crypto.files import fsync_dir, sha256_file, write_all
from xinhe.errors import InvalidInput, ServerUnreachable, StorageError
from xinhe.records import backup_file as bf
from xinhe.records.audit import FIELDS, GENESIS, entry_hash, iso, utcnow
from xinhe.records.storage import pg_policies, pg_schema, pg_setup
from xinhe.records.storage.pg_store import check_dsn

HOME = "studio-server"
CIPHER = "aes-256-gcm-frames"
FRAME_BYTES = 1024 * 1024
LENGTH = struct.Struct(">I")
COPY_ESCAPES = {b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t",
                b"v": b"\v", b"\\": b"\\"}


def latest_schema() -> int:
    return int(pg_setup.SCHEMA_VERSION)


@dataclass(frozen=True)
class ServerSnapshot:
    """What the backup must hold, read in the same snapshot as the rows."""

    studio_id: str
    org_name: str
    schema_version: int
    tables: dict[str, list[str]]  # in an order that satisfies the foreign keys; columns
    counts: dict[str, int]
    audit_seq: int
    audit_hash: str
    logins: dict[str, str]  # login role -> its group role

    def to_json(self) -> dict[str, Any]:
        return {"studio_id": self.studio_id, "org_name": self.org_name,
                "schema_version": self.schema_version,
                "tables": [[t, cols] for t, cols in self.tables.items()],
                "counts": self.counts, "audit_seq": self.audit_seq,
                "audit_hash": self.audit_hash, "logins": self.logins}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerSnapshot:
        return cls(str(data["studio_id"]), str(data["org_name"]),
                   int(data["schema_version"]),
                   {str(t): [str(c) for c in cols] for t, cols in data["tables"]},
                   {str(k): int(v) for k, v in data["counts"].items()},
                   int(data["audit_seq"]), str(data["audit_hash"]),
                   {str(k): str(v) for k, v in data["logins"].items()})


def connect(dsn: str, dbname: str | None = None) -> psycopg.Connection[Any]:
    """The set-up role's connection (TLS verified, autocommit: transactions are explicit),
    to `dbname` when given."""
    check_dsn(dsn)
    try:
        return psycopg.connect(make_conninfo(dsn, dbname=dbname) if dbname else dsn,
                               autocommit=True)
    except psycopg.OperationalError:
        parts = conninfo_to_dict(dsn)
        raise ServerUnreachable(f"{parts.get('host', '')}:{parts.get('port', '')}") from None


def as_owner(conn: psycopg.Connection[Any]) -> None:
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(pg_policies.OWNER)))


def has_studio(conn: psycopg.Connection[Any]) -> bool:
    return conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                        (pg_schema.SCHEMA,)).fetchone() is not None


def studio_tables(conn: psycopg.Connection[Any]) -> dict[str, list[str]]:
    """Every table of the studio with its columns, referenced tables before the tables that
    reference them (so rows load in this order with every foreign key checked)."""
    names = [str(r[0]) for r in conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname", (pg_schema.SCHEMA,))]
    needs: dict[str, set[str]] = {name: set() for name in names}
    for child, parent in conn.execute(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c"
            " JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE n.nspname = %s AND c.contype = 'f'", (pg_schema.SCHEMA,)):
        child, parent = str(child).split(".")[-1], str(parent).split(".")[-1]
        if child != parent and child in needs:
            needs[child].add(parent)
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, parents in needs.items() if parents <= set(ordered))
        if not ready:  # a cycle cannot be loaded row by row; no schema of ours has one
            raise bf.BackupDamaged("数据表之间有循环引用", "its tables reference each other")
        ordered += ready
        for table in ready:
            del needs[table]
    return {table: [str(r[0]) for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s"
        " AND table_name = %s ORDER BY ordinal_position", (pg_schema.SCHEMA, table))]
        for table in ordered}


def _order_by(conn: psycopg.Connection[Any], table: str) -> list[str]:
    """The primary key's columns (a stable row order; the audit chain in sequence)."""
    return [str(r[0]) for r in conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
        " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary"
        " ORDER BY array_position(i.indkey, a.attnum)", (f"{pg_schema.SCHEMA}.{table}",))]


def read_snapshot(conn: psycopg.Connection[Any], studio_id: str) -> ServerSnapshot:
    """Tables, counts, the audit head and the login roles' groups, as the owner."""
    tables = studio_tables(conn)
    counts = {t: int(conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
        sql.Identifier(pg_schema.SCHEMA, t))).fetchone()[0])  # type: ignore[index]
        for t in tables}
    meta = dict(conn.execute("SELECT key, value FROM xinhe.meta").fetchall())
    head = conn.execute("SELECT seq, hash FROM xinhe.audit_event ORDER BY seq DESC LIMIT 1"
                        ).fetchone()
    logins = dict(conn.execute(
        "SELECT u.pg_role, g.rolname FROM xinhe.users u JOIN pg_roles r ON r.rolname ="
        " u.pg_role JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON"
        " g.oid = m.roleid WHERE g.rolname = ANY(%s)",
        (list(pg_policies.GROUPS.values()),)).fetchall())
    return ServerSnapshot(studio_id, str(meta.get("org_name", "")),
                          int(meta.get("schema_version", "0")), tables, counts,
                          int(head[0]) if head else 0, str(head[1]) if head else GENESIS,
                          {str(k): str(v) for k, v in logins.items()})


# -- the encrypted frames -----------------------------------------------------------------

def frame_key(file_key: bytes, studio_id: str) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=studio_id.encode(),
                info=b"xinhe server backup frames v1").derive(file_key)


def _frame_aad(studio_id: str, index: int, table: str, last: bool) -> bytes:
    return ks.canonical_json({"purpose": "server-backup-frame", "studio": studio_id,
                              "index": index, "table": table, "last": last})


class FrameWriter:
    """Writes the body: per frame its length, the table's name, a flag for the last frame,
    the nonce and the ciphertext of up to FRAME_BYTES of COPY text."""

    def __init__(self, fd: int, key: bytes, studio_id: str) -> None:
        self._fd, self._aes, self._studio, self._index = fd, AESGCM(key), studio_id, 0

    def write(self, table: str, data: bytes, last: bool = False) -> None:
        nonce = os.urandom(12)
        sealed = self._aes.encrypt(nonce, data, _frame_aad(self._studio, self._index, table,
                                                           last))
        name = table.encode()
        write_all(self._fd, LENGTH.pack(len(sealed)) + bytes([len(name), int(last)]) + name
                  + nonce + sealed)
        self._index += 1


def read_frames(info: bf.BackupInfo, key: bytes) -> Iterator[tuple[str, bytes]]:
    """The body's frames, decrypted and checked in order: (table, COPY text). Raises
    BackupDamaged for a frame that does not open or a run that ends early."""
    aes = AESGCM(key)
    with open(info.path, "rb") as handle:
        handle.seek(info.db_offset)
        remaining, index, ended = info.db_length, 0, False
        while remaining:
            if ended:
                raise bf.BackupDamaged("数据在结束标记之后还有内容",
                                       "its data goes on past its end")
            length, name_length, last = _read_head(handle)
            name = _read_exact(handle, name_length).decode("ascii", "replace")
            nonce, sealed = _read_exact(handle, 12), _read_exact(handle, length)
            remaining -= LENGTH.size + 2 + name_length + 12 + length
            try:
                plain = aes.decrypt(nonce, sealed, _frame_aad(info.vault_id, index, name, last))
            except InvalidTag:
                raise bf.BackupDamaged(f"第 {index + 1} 段数据无法解密",
                                       f"data part {index + 1} does not decrypt") from None
            index, ended = index + 1, last
            if not last:
                yield name, plain
        if not ended:
            raise bf.BackupDamaged("数据缺少结束标记", "its data has no end marker")


def _read_head(handle: BinaryIO) -> tuple[int, int, bool]:
    head = _read_exact(handle, LENGTH.size + 2)
    (length,) = LENGTH.unpack(head[:LENGTH.size])
    if length > FRAME_BYTES + 64:
        raise bf.BackupDamaged("数据段长度不对", "a data part has a wrong length")
    return length, head[LENGTH.size], bool(head[LENGTH.size + 1])


def _read_exact(handle: BinaryIO, size: int) -> bytes:
    data = handle.read(size)
    if len(data) < size:
        raise bf.BackupTruncated()
    return data


def copy_fields(line: bytes) -> list[str | None]:
    """One row of COPY text: fields split at tabs, backslash escapes undone, \\N is NULL."""
    return [None if f == b"\\N" else re.sub(rb"\\(.)", lambda m: COPY_ESCAPES.get(
        m.group(1), m.group(1)), f).decode("utf-8") for f in line.split(b"\t")]


@dataclass(frozen=True)
class BodyCheck:
    counts: dict[str, int]
    audit_seq: int
    audit_hash: str
    chain_ok: bool


def check_body(info: bf.BackupInfo, key: bytes, snap: ServerSnapshot) -> BodyCheck:
    """Decrypt the whole body: count every table's rows and walk the audit chain. Raises
    BackupDamaged if the counts or the head differ from what the backup says it holds."""
    counts = dict.fromkeys(snap.tables, 0)
    columns = snap.tables.get("audit_event", [])
    seq, prev, chain_ok, tail = 0, GENESIS, True, b""
    for table, data in read_frames(info, key):
        if table not in counts:
            raise bf.BackupDamaged("数据中有未知的表", "its data names an unknown table")
        counts[table] += data.count(b"\n")
        if table != "audit_event":
            continue
        lines = (tail + data).split(b"\n")
        tail = lines.pop()
        for line in lines:
            event = dict(zip(columns, copy_fields(line), strict=True))
            number = int(str(event["seq"]))
            fields = {**{k: event[k] for k in FIELDS}, "seq": number}
            chain_ok &= (number == seq + 1 and event["prev_hash"] == prev
                         and entry_hash(fields) == event["hash"])
            seq, prev = number, str(event["hash"])
    if counts != snap.counts or (seq, prev) != (snap.audit_seq, snap.audit_hash):
        raise bf.BackupDamaged("记录数量或审计链头与备份时不符",
                               "its record counts or audit head differ from the server's")
    return BodyCheck(counts, seq, prev, chain_ok)


# -- making a backup ----------------------------------------------------------------------

@dataclass(frozen=True)
class ServerBackupResult:
    path: Path
    size: int
    created_at: str
    counts: dict[str, int]
    audit_seq: int
    audit_hash: str
    chain_ok: bool


def _destination(dest: Path, overwrite: bool) -> Path:
    dest = Path(dest).expanduser().absolute()
    if not dest.parent.is_dir():
        raise InvalidInput(f"文件夹 {dest.parent} 不存在。",
                           f"The folder {dest.parent} does not exist.")
    if dest.exists() and (not overwrite or dest.is_dir()):
        raise InvalidInput(f"{dest} 已存在，不会覆盖它。",
                           f"{dest} already exists; it will not be overwritten.")
    return dest


def make_server_backup(setup_dsn: str, dbname: str, dest: Path, *,
                       overwrite: bool = False) -> ServerBackupResult:
    """Write a verified, encrypted backup of the studio database `dbname` to `dest`, read
    as the owner through the IT person's set-up role. On failure nothing is left at `dest`."""
    dest = _destination(dest, overwrite)
    for stale in dest.parent.glob(f".{dest.name}.partial-*"):
        with contextlib.suppress(OSError):
            stale.unlink()
    file_key = secrets.token_bytes(32)
    partial = dest.with_name(f".{dest.name}.partial-{secrets.token_hex(6)}")
    body = dest.with_name(f".{dest.name}.partial-{secrets.token_hex(6)}.body")
    created_at = iso(utcnow())
    try:
        with connect(setup_dsn, dbname) as conn:
            if not has_studio(conn):
                raise InvalidInput(f"数据库 {dbname} 不是馨和工作室数据库。",
                                   f"The database {dbname} does not hold a Xinhe studio.")
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.transaction():
                as_owner(conn)
                snap = read_snapshot(conn, dbname)
                rescue = ks.RecoverySlot.from_json(conn.execute(
                    "SELECT slot FROM xinhe.recovery_slot").fetchone()[0])  # type: ignore[index]
                _write_body(conn, body, frame_key(file_key, dbname), snap)
            conn.read_only = False
        header: dict[str, Any] = {
            "format": bf.FORMAT, "format_version": bf.FORMAT_VERSION, "home": HOME,
            "app_version": __version__, "schema_version": snap.schema_version,
            "created_at": created_at, "vault_id": dbname,
            "recovery": ks.RecoverySlot(rescue.public_key, ks.seal(
                dbname, "recovery", rescue.public_key, file_key,
                rescue.db_key.generation)).to_json(),
            "audit_head": {"seq": snap.audit_seq, "hash": snap.audit_hash},
            "database": {"length": body.stat().st_size, "sha256": sha256_file(body),
                         "cipher": CIPHER}}
        inner = {"snapshot": snap.to_json(), "made_by": conninfo_to_dict(setup_dsn).get(
            "user", "")}
        bf.seal_inner(header, inner, file_key)
        bf.write_backup(partial, header, body)
        # Read back what is on disk before it gets its final name.
        info = bf.read_backup(partial, latest_schema())
        if bf.open_inner(info.header, file_key) != inner:
            raise bf.BackupDamaged("写入后读回的内容不一致",
                                   "what was read back differs from what was written")
        checked = check_body(info, frame_key(file_key, dbname), snap)
        os.replace(partial, dest)
        fsync_dir(dest.parent)
    except OSError as exc:
        raise StorageError(f"{dest.name}（{exc.strerror}）",
                           f"{dest.name} ({exc.strerror})") from None
    finally:
        for path in (partial, body):
            with contextlib.suppress(OSError):
                path.unlink()
    with connect(setup_dsn, dbname) as conn, conn.transaction():
        as_owner(conn)
        conn.execute("SELECT xinhe.audit_append('server.backup', 'backup', %s, 'verified')",
                     (dest.name,))
    return ServerBackupResult(dest, dest.stat().st_size, created_at, checked.counts,
                              checked.audit_seq, checked.audit_hash, checked.chain_ok)


def _write_body(conn: psycopg.Connection[Any], body: Path, key: bytes,
                snap: ServerSnapshot) -> None:
    fd = os.open(body, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                 0o600)
    try:
        frames = FrameWriter(fd, key, snap.studio_id)
        for table, columns in snap.tables.items():
            query = sql.SQL("COPY (SELECT {} FROM {} ORDER BY {}) TO STDOUT").format(
                sql.SQL(", ").join(sql.Identifier(c) for c in columns),
                sql.Identifier(pg_schema.SCHEMA, table),
                sql.SQL(", ").join(sql.Identifier(c) for c in _order_by(conn, table) or
                                   columns))
            pending = bytearray()
            with conn.cursor().copy(query) as copy:
                for block in copy:
                    pending += block
                    while len(pending) >= FRAME_BYTES:
                        frames.write(table, bytes(pending[:FRAME_BYTES]))
                        del pending[:FRAME_BYTES]
            if pending:
                frames.write(table, bytes(pending))
        frames.write("", b"", last=True)
        os.fsync(fd)
    finally:
        os.close(fd)
