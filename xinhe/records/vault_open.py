"""Creating, unlocking and recovering a vault: the key slots, SQLCipher and the accounts
at work. `VaultFolder` (vault.py) calls these; they load with the first unlock, so the
unlock window shows without the cipher and database modules."""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import shutil
import uuid
from typing import Any

from xinhe.crypto import keyslots as ks
from xinhe.crypto import recovery
from xinhe.crypto.files import private_mkdir
from xinhe.errors import (
    AccountDisabled,
    AccountLocked,
    DeviceBindingUnavailable,
    InvalidInput,
    UnknownUser,
    VaultDamaged,
    VaultExists,
    WrongPassword,
)
from xinhe.records import accounts
from xinhe.records.accounts import User, check_password, user_from_row
from xinhe.records.audit import AuditLog, iso
from xinhe.records.db import Database
from xinhe.records.vault import VaultFolder
from xinhe.records.vault_locks import SessionLock, is_lock_file
from xinhe.records.vault_session import Actor, Vault, drop_next_keys, promote_next_keys


def create(folder: VaultFolder, org_name: str, admin_username: str, admin_display_name: str,
           admin_password: str) -> tuple[Vault, str]:
    """Make a new vault. Returns it unlocked for the admin, and the recovery key
    (shown once, never stored)."""
    if folder.exists():
        raise VaultExists(str(folder.path))
    if folder.path.exists() and any(not is_lock_file(p.name) for p in folder.path.iterdir()):
        raise VaultExists(str(folder.path))
    org_name = org_name.strip()
    if not org_name:
        raise InvalidInput("请填写机构名称。", "Please enter the studio's name.")
    if not admin_display_name.strip():
        raise InvalidInput("请填写管理员姓名。", "Please enter the administrator's name.")
    username = ks.validate_username(admin_username)
    check_password(admin_password)
    private_mkdir(folder.path)
    vault_id = str(uuid.uuid4())
    db_key = secrets.token_bytes(32)
    recovery_key = recovery.generate()
    device_secret = folder.binding.ensure_secret(vault_id)
    slots = ks.KeySlotFile(
        vault_id=vault_id,
        generation=1,
        users={username: ks.new_user_slot(vault_id, username, admin_password, db_key, 1,
                                          folder.kdf, device_secret)},
        recovery=ks.new_recovery_slot(vault_id, recovery.secret_bytes(recovery_key),
                                      db_key, 1),
    )
    now = iso(folder.clock())
    session = SessionLock.open(folder.path)
    try:
        db = Database(folder.db_path, db_key)
    except BaseException:
        session.close()
        raise
    try:
        os.chmod(folder.db_path, 0o600)
        db.migrate()
        with db.transaction():
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                           [("vault_id", vault_id), ("org_name", org_name),
                            ("created_at", now)])
            db.execute("INSERT INTO users (username, display_name, role, created_at)"
                       " VALUES (?, ?, 'admin', ?)",
                       (username, admin_display_name.strip(), now))
            AuditLog(db, folder.workstation, folder.clock).append(
                user=username, role="admin", action="vault.create", object_type="vault",
                object_id=vault_id)
        slots.save(folder.slots_path)
    except BaseException:
        db.close()
        session.close()
        raise
    vault = Vault(folder, db, slots, db_key, _actor(db, username), session)
    vault.audit_event("login")
    return vault, recovery_key


def unlock(folder: VaultFolder, username: str, password: str) -> Vault:
    """Open the vault as `username`. Raises WrongPassword, AccountLocked,
    AccountDisabled, DeviceBindingUnavailable, VaultBusy or VaultDamaged."""
    folder.load_slots()
    if not folder.db_path.exists():
        raise VaultDamaged("缺少数据库文件 vault.db", "vault.db is missing")
    attempt = accounts.Attempt(username.strip().lower())
    now = folder.clock()
    slots = folder.update_slots(
        lambda fresh: accounts.reserve_attempt(fresh, attempt, now, folder.workstation))
    slot = attempt.raise_if_refused()
    try:
        private = _open_slot(folder, slots.vault_id, slot, password)
    except WrongPassword:
        if attempt.locks_until is None:
            raise
        folder.update_slots(lambda fresh: accounts.attempt_locked(
            fresh, attempt, folder.clock(), folder.workstation))
        raise AccountLocked(attempt.locks_until) from None
    except BaseException:
        folder.update_slots(lambda fresh: accounts.attempt_cancelled(fresh, attempt))
        raise
    try:
        session = SessionLock.open(folder.path)
        try:
            return _open_session(folder, session, attempt, slot, private, password)
        except BaseException:
            session.close()
            raise
    except WrongPassword:  # the slot was replaced meanwhile and this password is old
        raise
    except BaseException:
        with contextlib.suppress(Exception):  # the password was right: not a failure
            folder.update_slots(lambda fresh: accounts.attempt_settled(fresh, attempt))
        raise


def _open_slot(folder: VaultFolder, vault_id: str, slot: ks.UserSlot, password: str) -> Any:
    device_secret = None
    if slot.device_bound:
        device_secret = folder.binding.get_secret(vault_id)
        if device_secret is None:
            raise DeviceBindingUnavailable()
    return ks.open_private(vault_id, slot, password, device_secret)


def _open_session(folder: VaultFolder, session: SessionLock, attempt: accounts.Attempt,
                  seen: ks.UserSlot, private: Any, password: str) -> Vault:
    """The password opened `seen`; now, as a registered session, open the database."""
    username = attempt.username
    fresh = folder.load_slots()
    slot = fresh.users.get(username)
    if slot is None:
        raise UnknownUser()
    if slot.public_key != seen.public_key:  # a new slot (password reset) meanwhile
        private = _open_slot(folder, fresh.vault_id, slot, password)
    db, db_key, slots = _open_database(folder, username, private)
    try:
        user = _user_row(db, username)
        slot = slots.users[username]
        bound = None
        if user.active and not slot.device_bound and folder.binding.enabled:
            # Bind a slot made where no keyring was (or restored from elsewhere).
            device_secret = folder.binding.ensure_secret(slots.vault_id)
            if device_secret is not None:
                bound = ks.wrap_private(slots.vault_id, username, private, password,
                                        slot.kdf, device_secret, slot.db_key)

        def settle(fresh: ks.KeySlotFile) -> None:
            accounts.attempt_settled(fresh, attempt)
            if not user.active:
                accounts.pending(fresh, folder.clock(), username, folder.workstation, "login",
                                 "refused:disabled")
            elif bound is not None and fresh.users.get(username) == slot:
                fresh.users[username] = bound
            _flush_pending(folder, db, fresh)
        slots = folder.update_slots(settle)
        if not user.active:
            raise AccountDisabled()
        db.execute("UPDATE users SET last_login_at = ? WHERE id = ?",
                   (iso(folder.clock()), user.id))
    except BaseException:
        db.close()
        raise
    vault = Vault(folder, db, slots, db_key, _actor(db, username), session)
    vault.audit_event("login")
    return vault


def recover(folder: VaultFolder, recovery_key: str, username: str, new_password: str) -> Vault:
    """Set a new password for `username` with the recovery key, and unlock as them."""
    check_password(new_password)
    slots = folder.load_slots()
    secret = recovery.secret_bytes(recovery_key)
    private = ks.open_recovery(slots.vault_id, slots.recovery, secret)
    username = username.strip().lower()
    session = SessionLock.open(folder.path)
    try:
        db, db_key, slots = _open_database(folder, "recovery", private)
    except BaseException:
        session.close()
        raise
    try:
        user = _user_row(db, username)
        if not user.active:
            raise AccountDisabled()
        device_secret = folder.binding.ensure_secret(slots.vault_id)
        slot = ks.new_user_slot(slots.vault_id, username, new_password, db_key,
                                slots.generation, folder.kdf, device_secret)

        def change(fresh: ks.KeySlotFile) -> None:
            fresh.users[username] = slot
            fresh.lockout.pop(username, None)
            _flush_pending(folder, db, fresh)
        slots = folder.update_slots(change)
        vault = Vault(folder, db, slots, db_key, _actor(db, username), session)
    except BaseException:
        db.close()
        session.close()
        raise
    vault.audit_event("password.recover", "user", username)
    vault.audit_event("login")
    return vault


def check_recovery_key(folder: VaultFolder, recovery_key: str) -> None:
    """Raise BadRecoveryKey unless `recovery_key` opens this vault."""
    slots = folder.load_slots()
    ks.open_recovery(slots.vault_id, slots.recovery, recovery.secret_bytes(recovery_key))


def _open_database(folder: VaultFolder, slot_id: str,
                   private: Any) -> tuple[Database, bytes, ks.KeySlotFile]:
    """Open vault.db with the key sealed in the slot, finishing an interrupted re-key.
    Call as a registered session: no re-key runs then, so next keys found here are
    those of a re-key whose process died."""
    slots = folder.load_slots()
    slot = slots.recovery if slot_id == "recovery" else slots.users[slot_id]
    if slot.next_db_key is not None:
        next_key = ks.unseal_generation(slots.vault_id, slot_id, private, slot.next_db_key)
        try:
            db = Database(folder.db_path, next_key)
        except VaultDamaged:
            db = None
        if db is not None:
            slots = folder.update_slots(promote_next_keys)
            folder.remove_rekey_staging()
            return _finish_open(folder, db, slots), next_key, slots
        folder.remove_rekey_staging()
        slots = folder.update_slots(drop_next_keys)
        slot = slots.recovery if slot_id == "recovery" else slots.users[slot_id]
    db_key = ks.unseal_generation(slots.vault_id, slot_id, private, slot.db_key)
    return _finish_open(folder, Database(folder.db_path, db_key), slots), db_key, slots


def _finish_open(folder: VaultFolder, db: Database, slots: ks.KeySlotFile) -> Database:
    try:
        if db.schema_version > 0:
            stored = db.scalar("SELECT value FROM meta WHERE key = 'vault_id'")
            if stored != slots.vault_id:
                raise VaultDamaged("keyslots.json 与 vault.db 不属于同一个数据库",
                                   "keyslots.json and vault.db belong to different vaults")
        db.migrate(before=functools.partial(_backup_before_migration, folder))
        from xinhe.records import search  # the index depends on Unicode tables

        search.ensure_current(db)
    except BaseException:
        db.close()
        raise
    return db


def _backup_before_migration(folder: VaultFolder, current: int, target: int) -> None:
    """Copy the encrypted files aside before changing the schema."""
    private_mkdir(folder.backups_path)
    stamp = folder.clock().strftime("%Y%m%dT%H%M%SZ")
    for name in (folder.DB_NAME, folder.SLOTS_NAME):
        source = folder.path / name
        if source.exists():
            target_path = folder.backups_path / f"pre-migration-v{current}-{stamp}-{name}"
            shutil.copy2(source, target_path)
            os.chmod(target_path, 0o600)


def _flush_pending(folder: VaultFolder, db: Database, slots: ks.KeySlotFile) -> None:
    """Move queued events into the audit chain. Runs inside `update_slots`: events
    queued meanwhile by another program are in `slots` and go too, none twice."""
    audit = AuditLog(db, folder.workstation, folder.clock)
    roles = {r["username"]: r["role"] for r in db.all("SELECT username, role FROM users")}
    for event in slots.pending_audit:
        audit.append(user=str(event["user"]), role=roles.get(str(event["user"]), "unknown"),
                     action=str(event["action"]), object_type="user",
                     object_id=str(event["user"]), outcome=str(event["outcome"]),
                     ts=str(event["ts"]), workstation=str(event["workstation"]))
    slots.pending_audit.clear()


def _user_row(db: Database, username: str) -> User:
    row = db.one("SELECT * FROM users WHERE username = ?", (username,))
    if row is None or row["removed_at"]:
        raise UnknownUser()
    return user_from_row(row)


def _actor(db: Database, username: str) -> Actor:
    user = _user_row(db, username)
    return Actor(user.id, user.username, user.display_name, user.role)
