"""Restoring a vault from a backup file with the recovery key, here or on another machine.

The backup is checked completely before anything is touched: structure and checksum
(no key needed), then the recovery key, then the database is written, still encrypted,
into a staging folder beside the target and checked again (page HMACs, integrity,
record counts). Only then is a marker written and the folders swapped: the old vault
goes aside into `<name>.replaced-<time>`, the staging folder becomes the vault.

A restore killed at any point leaves a usable vault: before the marker, the old vault
is untouched and the staging folder is discarded at the next start; after it,
`finish_interrupted_restore` (run at every start) completes the two renames.

Workstation binding: a password slot bound to this workstation's keyring secret keeps
working here (same machine, same keyring). Slots bound to another workstation cannot
open here and are dropped; those accounts get a new password from an administrator, or
through the recovery key. The keyring secret for the vault is set up anew.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag

from xinhe.crypto import keyslots as ks
from xinhe.crypto import recovery
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.files import atomic_write, private_mkdir
from xinhe.errors import StorageError, VaultDamaged, VaultExists
from xinhe.records import backup_file as bf
from xinhe.records.audit import AuditLog, utcnow
from xinhe.records.backup import (
    Snapshot,
    check_database,
    latest_schema,
    snapshot_from_json,
)
from xinhe.records.db import Database
from xinhe.records.restore_finish import READY as READY
from xinhe.records.restore_finish import aside_path as _aside_path
from xinhe.records.restore_finish import discard as _discard
from xinhe.records.restore_finish import finish_interrupted_restore as finish_interrupted_restore
from xinhe.records.restore_finish import staging_dir as staging_dir
from xinhe.records.restore_finish import target_state as target_state
from xinhe.records.vault import Clock, VaultFolder
from xinhe.records.vault_locks import exclusive


@dataclass(frozen=True)
class OpenedBackup:
    info: bf.BackupInfo
    key: bytes
    snapshot: Snapshot
    keyslots: dict[str, object]


def open_backup(path: Path, recovery_key: str) -> OpenedBackup:
    """Check a backup's structure, then open it with the recovery key. Raises the
    BackupRefused kinds, or BadRecoveryKey (a typo, or the key of another vault)."""
    info = bf.read_backup(path, latest_schema())
    if info.header.get("home") == "studio-server":  # server_backup.HOME (no psycopg here)
        raise bf.ServerBackupGiven()
    secret = recovery.secret_bytes(recovery_key)
    try:
        slot = ks.RecoverySlot.from_json(info.header["recovery"])
    except (ValueError, KeyError, TypeError):
        raise bf.BackupDamaged("恢复密钥槽格式不对", "its recovery slot is malformed") from None
    private = ks.open_recovery(info.vault_id, slot, secret)
    try:
        key = ks.unseal(info.vault_id, "recovery", private, slot.db_key)
    except InvalidTag:
        raise bf.BackupDamaged("恢复密钥槽已损坏", "its recovery slot is damaged") from None
    inner = bf.open_inner(info.header, key)
    try:
        snapshot = snapshot_from_json(inner["snapshot"])
        keyslots = inner["keyslots"]
        if not isinstance(keyslots, dict) or keyslots.get("vault_id") != info.vault_id \
                or snapshot.vault_id != info.vault_id:
            raise ValueError("mismatch")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise bf.BackupDamaged("加密部分的内容不对", "its encrypted part is wrong") from None
    return OpenedBackup(info, key, snapshot, keyslots)


def _stage(opened: OpenedBackup, folder: Path) -> ks.KeySlotFile:
    """Write the backup's database and key slots into `folder` and check them there."""
    private_mkdir(folder)
    bf.copy_database(opened.info, folder / VaultFolder.DB_NAME)
    check_database(folder / VaultFolder.DB_NAME, opened.key, opened.snapshot)
    slots_path = folder / VaultFolder.SLOTS_NAME
    atomic_write(slots_path, json.dumps(opened.keyslots, indent=1, ensure_ascii=False).encode())
    try:
        slots = ks.KeySlotFile.load(slots_path)
    except VaultDamaged:
        raise bf.BackupDamaged("其中的密钥文件已损坏", "the key slots in it are damaged") from None
    if slots.recovery.public_key != ks.RecoverySlot.from_json(
            opened.info.header["recovery"]).public_key:
        raise bf.BackupDamaged("恢复密钥槽不一致", "its recovery slots disagree")
    return slots


@dataclass(frozen=True)
class BackupCheck:
    """A backup that was opened with the recovery key and fully checked."""

    path: Path
    created_at: str
    org_name: str
    schema_version: int
    counts: dict[str, int]
    usernames: tuple[str, ...]


def verify_backup(path: Path, recovery_key: str) -> BackupCheck:
    """Check a backup completely with the recovery key, touching no vault. The database
    is checked in a private temporary folder, encrypted as it is in the file."""
    opened = open_backup(path, recovery_key)
    with tempfile.TemporaryDirectory(prefix="xinhe-check-") as tmp:
        os.chmod(tmp, 0o700)
        slots = _stage(opened, Path(tmp) / "vault")
    snap = opened.snapshot
    return BackupCheck(Path(path), opened.info.created_at, snap.org_name, snap.schema_version,
                       snap.counts, tuple(sorted(slots.users)))


@dataclass(frozen=True)
class RestoreResult:
    target: Path
    aside: Path | None  # where the vault that was there before now is
    created_at: str  # when the backup was made
    org_name: str
    counts: dict[str, int]
    keep_password: tuple[str, ...]  # accounts whose password works on this workstation
    need_new_password: tuple[str, ...]  # accounts bound to another workstation
    admins: tuple[str, ...]
    binding_on: bool


def restore_backup(path: Path, recovery_key: str, target: Path, binding: DeviceBinding, *,
                   replace: bool = False, clock: Clock = utcnow,
                   workstation: str | None = None) -> RestoreResult:
    """Restore the vault in backup file `path` into the folder `target`.

    A vault (or anything else) already at `target` is never overwritten: without
    `replace` this raises VaultExists; with it, the old folder is kept aside. A vault
    there that is open in another window or program is not replaced (VaultInUse)."""
    target = Path(target).expanduser().absolute()
    finish_interrupted_restore(target)
    state = target_state(target)
    if state in ("vault", "other") and not replace:
        raise VaultExists(str(target))
    with contextlib.ExitStack() as alone:
        if state == "vault":  # refused at once if open elsewhere; none opens until swapped
            alone.enter_context(exclusive(target))
        return _restore(path, recovery_key, target, state, binding, clock, workstation, alone)


def _restore(path: Path, recovery_key: str, target: Path, state: str, binding: DeviceBinding,
             clock: Clock, workstation: str | None,
             alone: contextlib.ExitStack) -> RestoreResult:
    opened = open_backup(path, recovery_key)
    staging = staging_dir(target)
    shutil.rmtree(staging, ignore_errors=True)
    vault_id = opened.info.vault_id
    aside = _aside_path(target, clock().strftime("%Y%m%d-%H%M%S")) \
        if state in ("vault", "other") else None
    try:
        slots = _stage(opened, staging)
        keep: list[str] = []
        drop: list[str] = []
        here = binding.get_secret(vault_id) if binding.enabled else None
        for name, slot in sorted(slots.users.items()):
            (keep if not slot.device_bound or here is not None else drop).append(name)
        for name in drop:
            del slots.users[name]
            slots.lockout.pop(name, None)
        binding.ensure_secret(vault_id)
        slots.save(staging / VaultFolder.SLOTS_NAME)
        db = Database(staging / VaultFolder.DB_NAME, opened.key)
        try:
            admins = tuple(r["username"] for r in db.all(
                "SELECT username FROM users WHERE role = 'admin' AND active = 1"
                " AND removed_at IS NULL ORDER BY username"))
            AuditLog(db, workstation or socket.gethostname(), clock).append(
                user="(recovery key)", role="recovery", action="vault.restore",
                object_type="vault", object_id=vault_id,
                outcome=f"from backup of {opened.info.created_at}")
        finally:
            db.close()
        atomic_write(staging / READY, json.dumps({"aside": aside.name if aside else None})
                     .encode())
    except BaseException:
        _discard(staging)
        raise
    if os.name == "nt":
        alone.close()  # Windows renames no folder with a file open in it
    _swap(target, staging, aside)
    snap = opened.snapshot
    return RestoreResult(target, aside, opened.info.created_at, snap.org_name, snap.counts,
                         tuple(keep), tuple(drop), admins, binding.enabled)


def _swap(target: Path, staging: Path, aside: Path | None) -> None:
    try:
        if target.exists():
            if aside is None:
                target.rmdir()  # an empty folder
            else:
                os.rename(target, aside)
        os.rename(staging, target)
    except OSError as exc:
        if not target.exists() and staging.exists() and aside is not None and aside.exists():
            with contextlib.suppress(OSError):
                os.rename(aside, target)
        _discard(staging)
        raise StorageError(f"{target.name}（{exc.strerror}）。请关闭正在使用该数据库的程序后再试",
                           f"{target.name} ({exc.strerror}). Close any program using the "
                           "vault and try again") from None
    with contextlib.suppress(OSError):
        (target / READY).unlink()
