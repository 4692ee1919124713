"""Backups of the whole vault, made while it is open, and the reminder to make them.

A backup is one file (see backup_file.py): a consistent snapshot of the database copied
by SQLCipher's own export under a fresh random key, and the key slots resealed to that
key. It is written under a temporary name, read back and checked (structure, checksum,
SQLCipher page HMACs, SQLite integrity, record counts, the recovery slot), and only then
renamed to its final name. No plaintext of the vault ever touches a disk.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlcipher3

from xinhe import __version__
from xinhe.crypto import keyslots as ks
from xinhe.crypto.files import fsync_dir, sha256_file
from xinhe.errors import InvalidInput, StorageError, XinheError
from xinhe.i18n import pick
from xinhe.records import backup_file as bf
from xinhe.records.audit import iso
from xinhe.records.migrations import MIGRATIONS
from xinhe.records.vault import Vault

REMIND_DAYS_DEFAULT = 7
AUTO_KEEP_DEFAULT = 7
TEMP_PREFIX = ".backup-"
S_LAST_AT = "backup.last_at"
S_LAST_PATH = "backup.last_path"
S_LAST_SIZE = "backup.last_size"
S_REMIND_DAYS = "backup.remind_days"
S_AUTO_FOLDER = "backup.auto_folder"
S_AUTO_KEEP = "backup.auto_keep"
S_AUTO_ON_LOCK = "backup.auto_on_lock"
S_AUTO_ON_EXIT = "backup.auto_on_exit"
S_AUTO_ERROR = "backup.auto_error"
S_AUTO_ERROR_AT = "backup.auto_error_at"


def latest_schema() -> int:
    return MIGRATIONS[-1].version


@dataclass(frozen=True)
class Snapshot:
    """What the copy must hold, read in the same transaction as the export."""

    schema_version: int
    vault_id: str
    org_name: str
    counts: dict[str, int]
    audit_seq: int
    audit_hash: str


def _record_tables(conn: Any) -> list[str]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                        " AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    return [str(r[0]) for r in rows if not str(r[1] or "").upper().startswith("CREATE VIRTUAL")]


def read_snapshot(conn: Any) -> Snapshot:
    """Counts of every table, the audit head and the identity of a vault database.
    `conn` is a Database or a raw connection."""
    counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
              for t in _record_tables(conn)}
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    head = conn.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    return Snapshot(int(conn.execute("PRAGMA user_version").fetchone()[0]),
                    str(meta.get("vault_id", "")), str(meta.get("org_name", "")), counts,
                    int(head[0]) if head else 0, str(head[1]) if head else "")


def open_readonly(path: Path, key: bytes) -> Any:
    """A read-only connection to an encrypted database file (for checking a copy)."""
    conn = sqlcipher3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True,
                              isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def check_database(path: Path, key: bytes, expected: Snapshot | None = None) -> Snapshot:
    """Open a copy and check it: SQLCipher's page HMACs, SQLite's integrity check, and
    (when given) the counts and audit head it must have. Raises BackupDamaged."""
    damaged = bf.BackupDamaged
    try:
        conn = open_readonly(path, key)
    except sqlcipher3.Error:
        raise damaged("数据库部分无法打开", "its database part cannot be opened") from None
    try:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            cipher_problems = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
            found = read_snapshot(conn)
        except sqlcipher3.Error:
            raise damaged("数据库部分无法解密或读取", "its database part cannot be decrypted "
                          "or read") from None
    finally:
        conn.close()
    if cipher_problems:
        raise damaged("数据库页校验失败", "pages of its database fail their check")
    if integrity != ["ok"]:
        raise damaged("数据库完整性检查未通过", "its database fails the integrity check")
    if expected is not None and (found.counts != expected.counts
                                 or (found.audit_seq, found.audit_hash)
                                 != (expected.audit_seq, expected.audit_hash)
                                 or found.vault_id != expected.vault_id):
        raise damaged("记录数量与备份时不符", "its record counts differ from the vault's")
    return found


def snapshot_from_json(data: dict[str, Any]) -> Snapshot:
    return Snapshot(int(data["schema_version"]), str(data["vault_id"]), str(data["org_name"]),
                    {str(k): int(v) for k, v in data["counts"].items()},
                    int(data["audit_seq"]), str(data["audit_hash"]))


def _snapshot_json(s: Snapshot) -> dict[str, Any]:
    return {"schema_version": s.schema_version, "vault_id": s.vault_id,
            "org_name": s.org_name, "counts": s.counts, "audit_seq": s.audit_seq,
            "audit_hash": s.audit_hash}


def _backup_slots(vault: Vault, backup_key: bytes) -> ks.KeySlotFile:
    """This vault's key slots with the backup's key sealed in them instead of the vault's."""
    slots = ks.KeySlotFile.load(vault.folder.slots_path)
    gen = slots.generation
    users = {name: replace(s, db_key=ks.seal(slots.vault_id, name, s.public_key, backup_key,
                                             gen), next_db_key=None)
             for name, s in slots.users.items()}
    rec = ks.RecoverySlot(slots.recovery.public_key,
                          ks.seal(slots.vault_id, "recovery", slots.recovery.public_key,
                                  backup_key, gen))
    return replace(slots, users=users, recovery=rec)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    created_at: str
    counts: dict[str, int]
    same_disk: bool  # the copy would not survive the vault's disk failing


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


def _same_disk(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False


def _check_destination(vault: Vault, dest: Path, overwrite: bool) -> Path:
    dest = Path(dest).expanduser().absolute()
    vault_dir = vault.folder.path.absolute()
    if dest.parent == vault_dir or vault_dir in dest.parents:
        raise InvalidInput("备份不能放在数据库文件夹里，请选择另一个位置"
                           "（最好是另一块磁盘或U盘）。",
                           "A backup cannot go inside the vault folder. Choose another place, "
                           "best another disk or a USB stick.")
    if not dest.parent.is_dir():
        raise InvalidInput(f"文件夹 {dest.parent} 不存在。",
                           f"The folder {dest.parent} does not exist.")
    if dest.exists() and (not overwrite or dest.is_dir()):
        raise InvalidInput(f"{dest} 已存在，不会覆盖它。", f"{dest} already exists; it will not "
                           "be overwritten.")
    return dest


def make_backup(vault: Vault, dest: Path, *, overwrite: bool = False,
                trigger: str = "manual") -> BackupResult:
    """Write a verified backup of the whole vault to `dest`. Admin only, except the
    automatic backup on lock or exit, which runs for whoever is signed in.

    Run on the database thread. On any failure nothing is left under `dest`."""
    if trigger == "manual":
        vault.require_role("admin")
    dest = _check_destination(vault, dest, overwrite)
    # Encrypted leftovers of a backup that was killed half-way.
    stale = _temp_files(vault.folder.path) + [
        p for p in dest.parent.iterdir() if p.name.startswith(f".{dest.name}.partial-")]
    for path in stale:
        with contextlib.suppress(OSError):
            path.unlink()
    backup_key = secrets.token_bytes(32)
    tmp_db = vault.folder.path / f"{TEMP_PREFIX}{secrets.token_hex(8)}.db"
    partial = dest.with_name(f".{dest.name}.partial-{secrets.token_hex(6)}")
    created_at = iso(vault.now())
    try:
        snap = vault.db.export_to(tmp_db, backup_key, lambda: read_snapshot(vault.db))
        assert snap is not None
        os.chmod(tmp_db, 0o600)
        check_database(tmp_db, backup_key, snap)
        slots = _backup_slots(vault, backup_key)
        header: dict[str, Any] = {
            "format": bf.FORMAT, "format_version": bf.FORMAT_VERSION,
            "app_version": __version__, "schema_version": snap.schema_version,
            "created_at": created_at, "vault_id": snap.vault_id,
            "recovery": slots.recovery.to_json(),
            # Readable without a key: `audit verify` compares the chain with it (witnesses.py).
            "audit_head": {"seq": snap.audit_seq, "hash": snap.audit_hash},
            "database": {"length": tmp_db.stat().st_size,
                         "sha256": sha256_file(tmp_db), "cipher": "sqlcipher4"},
        }
        inner = {"keyslots": slots.to_json(), "snapshot": _snapshot_json(snap),
                 "made_by": vault.actor.username, "workstation": vault.folder.workstation,
                 "trigger": trigger}
        bf.seal_inner(header, inner, backup_key)
        written = bf.write_backup(partial, header, tmp_db)
        # Read back what is on disk before it gets its final name.
        info = bf.read_backup(partial, latest_schema())
        if written != info.db_sha256 or bf.open_inner(info.header, backup_key) != inner or \
                info.header["recovery"]["public_key"] != bf.b64(vault.slots.recovery.public_key):
            raise bf.BackupDamaged("写入后读回的内容不一致", "what was read back differs from "
                                   "what was written")
        os.replace(partial, dest)
        fsync_dir(dest.parent)
    except OSError as exc:
        raise _storage_error(exc, dest) from None
    finally:
        for path in (partial, tmp_db, tmp_db.with_name(tmp_db.name + "-journal")):
            with contextlib.suppress(OSError):
                path.unlink()
    size = dest.stat().st_size
    vault.set_setting(S_LAST_AT, created_at)
    vault.set_setting(S_LAST_PATH, str(dest))
    vault.set_setting(S_LAST_SIZE, str(size))
    vault.audit_event("backup.create", "backup", dest.name, f"verified:{trigger}")
    return BackupResult(dest, size, created_at, snap.counts, _same_disk(dest.parent,
                                                                         vault.folder.path))


def _storage_error(exc: OSError, dest: Path) -> StorageError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError("磁盘已满，备份没有完成，没有留下不完整的文件",
                            "the disk is full; the backup was not made and no partial file "
                            "was left")
    return StorageError(f"{dest.name}（{exc.strerror}）", f"{dest.name} ({exc.strerror})")


# -- settings, reminder, automatic backups ------------------------------------------------

@dataclass(frozen=True)
class BackupSettings:
    remind_days: int = REMIND_DAYS_DEFAULT
    auto_folder: str = ""
    auto_keep: int = AUTO_KEEP_DEFAULT
    auto_on_lock: bool = False
    auto_on_exit: bool = False


def _int_setting(vault: Vault, key: str, default: int, low: int, high: int) -> int:
    try:
        value = int(vault.setting(key) or default)
    except ValueError:
        return default
    return min(max(value, low), high)


def settings(vault: Vault) -> BackupSettings:
    return BackupSettings(
        _int_setting(vault, S_REMIND_DAYS, REMIND_DAYS_DEFAULT, 1, 365),
        vault.setting(S_AUTO_FOLDER, "") or "",
        _int_setting(vault, S_AUTO_KEEP, AUTO_KEEP_DEFAULT, 1, 100),
        vault.setting(S_AUTO_ON_LOCK) == "1", vault.setting(S_AUTO_ON_EXIT) == "1")


def save_settings(vault: Vault, new: BackupSettings) -> BackupSettings:
    """Admin: the reminder and the automatic backup."""
    vault.require_role("admin")
    if not 1 <= new.remind_days <= 365:
        raise InvalidInput("提醒天数应在 1 到 365 之间。",
                           "The reminder needs between 1 and 365 days.")
    if not 1 <= new.auto_keep <= 100:
        raise InvalidInput("保留份数应在 1 到 100 之间。", "Keep between 1 and 100 backups.")
    folder = new.auto_folder.strip()
    if (new.auto_on_lock or new.auto_on_exit) and not folder:
        raise InvalidInput("请先选择自动备份的文件夹。",
                           "Choose a folder for the automatic backups first.")
    if folder:
        path = Path(folder).expanduser().absolute()
        vault_dir = vault.folder.path.absolute()
        if path == vault_dir or vault_dir in path.parents:
            raise InvalidInput("自动备份不能放在数据库文件夹里。",
                               "Automatic backups cannot go inside the vault folder.")
    with vault.db.transaction():
        for key, value in ((S_REMIND_DAYS, str(new.remind_days)), (S_AUTO_FOLDER, folder),
                           (S_AUTO_KEEP, str(new.auto_keep)),
                           (S_AUTO_ON_LOCK, "1" if new.auto_on_lock else "0"),
                           (S_AUTO_ON_EXIT, "1" if new.auto_on_exit else "0")):
            vault.set_setting(key, value)
        vault.audit_event("backup.settings", "settings", "backup")
    return settings(vault)


@dataclass(frozen=True)
class BackupStatus:
    last_at: datetime | None
    last_path: str
    last_size: int
    remind_days: int
    age_days: int | None  # whole days since the last verified backup
    overdue: bool
    auto_error: str  # why the last automatic backup failed ("" when it did not)
    auto_error_at: datetime | None


def status(vault: Vault) -> BackupStatus:
    """When and where the last verified backup was made, and whether to remind."""
    last = vault.setting(S_LAST_AT)
    last_at = datetime.fromisoformat(last) if last else None
    remind = settings(vault).remind_days
    age = (vault.now() - last_at).days if last_at else None
    overdue = last_at is None or vault.now() - last_at > timedelta(days=remind)
    error_at = vault.setting(S_AUTO_ERROR_AT)
    error = json.loads(vault.setting(S_AUTO_ERROR) or "{}")
    return BackupStatus(last_at, vault.setting(S_LAST_PATH, "") or "",
                        int(vault.setting(S_LAST_SIZE, "0") or 0), remind, age, overdue,
                        pick(error["zh"], error["en"]) if error else "",
                        datetime.fromisoformat(error_at) if error_at else None)


def auto_name(folder: Path, vault_id: str, when: datetime) -> str:
    """A new file name in `folder` that sorts after this vault's earlier automatic backups
    (a sequence number keeps two backups of the same second apart)."""
    stamp = f"xinhe-{vault_id[:8]}-{when.strftime('%Y%m%d-%H%M%S')}"
    number = 1
    while (folder / f"{stamp}-{number:02d}{bf.SUFFIX}").exists():
        number += 1
    return f"{stamp}-{number:02d}{bf.SUFFIX}"


def _rotate(folder: Path, vault_id: str, keep: int, just_made: Path) -> list[Path]:
    """Delete this vault's oldest automatic backups beyond `keep` (never the new one)."""
    prefix = f"xinhe-{vault_id[:8]}-"
    mine = sorted(p for p in folder.iterdir()
                  if p.is_file() and p.name.startswith(prefix) and p.name.endswith(bf.SUFFIX))
    removed = []
    for old in mine[:max(0, len(mine) - keep)]:
        if old != just_made:
            with contextlib.suppress(OSError):
                old.unlink()
                removed.append(old)
    return removed


def auto_backup(vault: Vault, when: str,
                on_error: Callable[[BaseException], None] | None = None) -> BackupResult | None:
    """The automatic backup on "lock" or "exit", if it is switched on. A failure is kept
    in the vault (shown after the next unlock) instead of stopping the lock."""
    conf = settings(vault)
    if not conf.auto_folder or not (conf.auto_on_lock if when == "lock" else
                                    conf.auto_on_exit):
        return None
    folder = Path(conf.auto_folder).expanduser()
    try:
        if not folder.is_dir():
            raise InvalidInput(f"自动备份文件夹 {folder} 不存在（U盘是否已插好？）。",
                               f"The automatic backup folder {folder} is not there (is the "
                               "USB stick plugged in?).")
        result = make_backup(vault, folder / auto_name(folder, vault.vault_id, vault.now()),
                             trigger=f"auto:{when}")
        _rotate(folder, vault.vault_id, conf.auto_keep, result.path)
    except Exception as exc:  # noqa: BLE001 (recorded and shown later; the lock goes on)
        reason = {"zh": exc.zh, "en": exc.en} if isinstance(exc, XinheError) else {
            "zh": "发生了意外错误", "en": "an unexpected error occurred"}
        with contextlib.suppress(Exception):
            vault.set_setting(S_AUTO_ERROR, json.dumps(reason, ensure_ascii=False))
            vault.set_setting(S_AUTO_ERROR_AT, iso(vault.now()))
            vault.audit_event("backup.create", "backup", "auto", f"failed:auto:{when}")
        if on_error is not None:
            on_error(exc)
        return None
    vault.set_setting(S_AUTO_ERROR, "")
    vault.set_setting(S_AUTO_ERROR_AT, "")
    return result

