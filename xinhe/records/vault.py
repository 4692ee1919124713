"""A vault folder: `vault.db` (SQLCipher) and `keyslots.json`, and the unlocked vault.

Unlocking goes slot first: a wrong password fails at the key slot, before the database
is touched, so a wrong password and a damaged vault are always told apart.

Several programs may use one vault at once (the app and a backup, say): keyslots.json
has one writer at a time, each applying its change to the file as it is on disk then;
every open vault holds a session lock, and a re-key runs only while no other session is
open (vault_locks.py). Accounts and their lockout live in accounts.py.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from xinhe.crypto import keyslots as ks
from xinhe.crypto import recovery
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.files import private_mkdir
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import (
    AccountDisabled,
    AccountLocked,
    DeviceBindingUnavailable,
    InvalidInput,
    UnknownUser,
    VaultDamaged,
    VaultExists,
    VaultMissing,
    WrongPassword,
)
from xinhe.records import accounts
from xinhe.records.accounts import User, check_password, user_from_row
from xinhe.records.audit import AuditLog, iso, utcnow
from xinhe.records.db import Database
from xinhe.records.vault_locks import SLOTS_LOCK, FolderLock, SessionLock, is_lock_file
from xinhe.records.vault_session import Actor as Actor
from xinhe.records.vault_session import SlotChange, drop_next_keys, promote_next_keys
from xinhe.records.vault_session import Vault as Vault

Clock = Callable[[], datetime]


class VaultFolder:
    """A vault on disk, locked. Creates, unlocks and recovers vaults."""

    DB_NAME = "vault.db"
    SLOTS_NAME = "keyslots.json"
    REKEY_NAME = "vault.db.rekey"

    def __init__(self, path: Path, binding: DeviceBinding, *, kdf: KdfParams | None = None,
                 clock: Clock = utcnow, workstation: str | None = None) -> None:
        self.path = Path(path)
        self.binding = binding
        self.kdf = kdf or KdfParams.default()
        self.clock = clock
        self.workstation = workstation or socket.gethostname()
        self.slots_lock = FolderLock(self.path / SLOTS_LOCK)

    @property
    def db_path(self) -> Path:
        return self.path / self.DB_NAME

    @property
    def slots_path(self) -> Path:
        return self.path / self.SLOTS_NAME

    @property
    def backups_path(self) -> Path:
        return self.path / "backups"

    def exists(self) -> bool:
        return self.db_path.exists() or self.slots_path.exists()

    def load_slots(self) -> ks.KeySlotFile:
        if not self.exists():
            raise VaultMissing(str(self.path))
        return ks.KeySlotFile.load(self.slots_path)

    def update_slots(self, change: SlotChange) -> ks.KeySlotFile:
        """Apply `change` to keyslots.json as it is on disk now, holding the writer lock
        from the read to the atomic write. Returns the file as written; a `change` that
        raises writes nothing."""
        if not self.exists():
            raise VaultMissing(str(self.path))
        with self.slots_lock.held():
            slots = ks.KeySlotFile.load(self.slots_path)
            change(slots)
            slots.save(self.slots_path)
        return slots

    def usernames(self) -> list[str]:
        """Login names that have a key slot here (for the unlock window)."""
        return sorted(self.load_slots().users)

    def lockout_until(self, username: str) -> datetime | None:
        """When `username`'s lockout after wrong passwords ends; None if not locked."""
        return accounts.locked_until(self.load_slots(), username, self.clock())

    # -- creation ------------------------------------------------------------------------
    def create(self, org_name: str, admin_username: str, admin_display_name: str,
               admin_password: str) -> tuple[Vault, str]:
        """Make a new vault. Returns it unlocked for the admin, and the recovery key
        (shown once, never stored)."""
        if self.exists():
            raise VaultExists(str(self.path))
        if self.path.exists() and any(not is_lock_file(p.name) for p in self.path.iterdir()):
            raise VaultExists(str(self.path))
        org_name = org_name.strip()
        if not org_name:
            raise InvalidInput("请填写机构名称。", "Please enter the studio's name.")
        if not admin_display_name.strip():
            raise InvalidInput("请填写管理员姓名。", "Please enter the administrator's name.")
        username = ks.validate_username(admin_username)
        check_password(admin_password)
        private_mkdir(self.path)
        vault_id = str(uuid.uuid4())
        db_key = secrets.token_bytes(32)
        recovery_key = recovery.generate()
        device_secret = self.binding.ensure_secret(vault_id)
        slots = ks.KeySlotFile(
            vault_id=vault_id,
            generation=1,
            users={username: ks.new_user_slot(vault_id, username, admin_password, db_key, 1,
                                              self.kdf, device_secret)},
            recovery=ks.new_recovery_slot(vault_id, recovery.secret_bytes(recovery_key),
                                          db_key, 1),
        )
        now = iso(self.clock())
        session = SessionLock.open(self.path)
        try:
            db = Database(self.db_path, db_key)
        except BaseException:
            session.close()
            raise
        try:
            os.chmod(self.db_path, 0o600)
            db.migrate()
            with db.transaction():
                db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                               [("vault_id", vault_id), ("org_name", org_name),
                                ("created_at", now)])
                db.execute("INSERT INTO users (username, display_name, role, created_at)"
                           " VALUES (?, ?, 'admin', ?)",
                           (username, admin_display_name.strip(), now))
                AuditLog(db, self.workstation, self.clock).append(
                    user=username, role="admin", action="vault.create", object_type="vault",
                    object_id=vault_id)
            slots.save(self.slots_path)
        except BaseException:
            db.close()
            session.close()
            raise
        vault = Vault(self, db, slots, db_key, self._actor(db, username), session)
        vault.audit_event("login")
        return vault, recovery_key

    # -- unlocking -----------------------------------------------------------------------
    def unlock(self, username: str, password: str) -> Vault:
        """Open the vault as `username`. Raises WrongPassword, AccountLocked,
        AccountDisabled, DeviceBindingUnavailable, VaultBusy or VaultDamaged."""
        self.load_slots()
        if not self.db_path.exists():
            raise VaultDamaged("缺少数据库文件 vault.db", "vault.db is missing")
        attempt = accounts.Attempt(username.strip().lower())
        now = self.clock()
        slots = self.update_slots(
            lambda fresh: accounts.reserve_attempt(fresh, attempt, now, self.workstation))
        slot = attempt.raise_if_refused()
        try:
            private = self._open_slot(slots.vault_id, slot, password)
        except WrongPassword:
            if attempt.locks_until is None:
                raise
            self.update_slots(lambda fresh: accounts.attempt_locked(
                fresh, attempt, self.clock(), self.workstation))
            raise AccountLocked(attempt.locks_until) from None
        except BaseException:
            self.update_slots(lambda fresh: accounts.attempt_cancelled(fresh, attempt))
            raise
        try:
            session = SessionLock.open(self.path)
            try:
                return self._open_session(session, attempt, slot, private, password)
            except BaseException:
                session.close()
                raise
        except WrongPassword:  # the slot was replaced meanwhile and this password is old
            raise
        except BaseException:
            with contextlib.suppress(Exception):  # the password was right: not a failure
                self.update_slots(lambda fresh: accounts.attempt_settled(fresh, attempt))
            raise

    def _open_slot(self, vault_id: str, slot: ks.UserSlot, password: str) -> Any:
        device_secret = None
        if slot.device_bound:
            device_secret = self.binding.get_secret(vault_id)
            if device_secret is None:
                raise DeviceBindingUnavailable()
        return ks.open_private(vault_id, slot, password, device_secret)

    def _open_session(self, session: SessionLock, attempt: accounts.Attempt, seen: ks.UserSlot,
                      private: Any, password: str) -> Vault:
        """The password opened `seen`; now, as a registered session, open the database."""
        username = attempt.username
        fresh = self.load_slots()
        slot = fresh.users.get(username)
        if slot is None:
            raise UnknownUser()
        if slot.public_key != seen.public_key:  # a new slot (password reset) meanwhile
            private = self._open_slot(fresh.vault_id, slot, password)
        db, db_key, slots = self._open_database(username, private)
        try:
            user = self._user_row(db, username)
            slot = slots.users[username]
            bound = None
            if user.active and not slot.device_bound and self.binding.enabled:
                # Bind a slot made where no keyring was (or restored from elsewhere).
                device_secret = self.binding.ensure_secret(slots.vault_id)
                if device_secret is not None:
                    bound = ks.wrap_private(slots.vault_id, username, private, password,
                                            slot.kdf, device_secret, slot.db_key)

            def settle(fresh: ks.KeySlotFile) -> None:
                accounts.attempt_settled(fresh, attempt)
                if not user.active:
                    accounts.pending(fresh, self.clock(), username, self.workstation, "login",
                                     "refused:disabled")
                elif bound is not None and fresh.users.get(username) == slot:
                    fresh.users[username] = bound
                self._flush_pending(db, fresh)
            slots = self.update_slots(settle)
            if not user.active:
                raise AccountDisabled()
            db.execute("UPDATE users SET last_login_at = ? WHERE id = ?",
                       (iso(self.clock()), user.id))
        except BaseException:
            db.close()
            raise
        vault = Vault(self, db, slots, db_key, self._actor(db, username), session)
        vault.audit_event("login")
        return vault

    def recover(self, recovery_key: str, username: str, new_password: str) -> Vault:
        """Set a new password for `username` with the recovery key, and unlock as them."""
        check_password(new_password)
        slots = self.load_slots()
        secret = recovery.secret_bytes(recovery_key)
        private = ks.open_recovery(slots.vault_id, slots.recovery, secret)
        username = username.strip().lower()
        session = SessionLock.open(self.path)
        try:
            db, db_key, slots = self._open_database("recovery", private)
        except BaseException:
            session.close()
            raise
        try:
            user = self._user_row(db, username)
            if not user.active:
                raise AccountDisabled()
            device_secret = self.binding.ensure_secret(slots.vault_id)
            slot = ks.new_user_slot(slots.vault_id, username, new_password, db_key,
                                    slots.generation, self.kdf, device_secret)

            def change(fresh: ks.KeySlotFile) -> None:
                fresh.users[username] = slot
                fresh.lockout.pop(username, None)
                self._flush_pending(db, fresh)
            slots = self.update_slots(change)
            vault = Vault(self, db, slots, db_key, self._actor(db, username), session)
        except BaseException:
            db.close()
            session.close()
            raise
        vault.audit_event("password.recover", "user", username)
        vault.audit_event("login")
        return vault

    def check_recovery_key(self, recovery_key: str) -> None:
        """Raise BadRecoveryKey unless `recovery_key` opens this vault."""
        slots = self.load_slots()
        ks.open_recovery(slots.vault_id, slots.recovery, recovery.secret_bytes(recovery_key))

    # -- internals -----------------------------------------------------------------------
    def _open_database(self, slot_id: str,
                       private: Any) -> tuple[Database, bytes, ks.KeySlotFile]:
        """Open vault.db with the key sealed in the slot, finishing an interrupted re-key.
        Call as a registered session: no re-key runs then, so next keys found here are
        those of a re-key whose process died."""
        slots = self.load_slots()
        slot = slots.recovery if slot_id == "recovery" else slots.users[slot_id]
        if slot.next_db_key is not None:
            next_key = ks.unseal_generation(slots.vault_id, slot_id, private, slot.next_db_key)
            try:
                db = Database(self.db_path, next_key)
            except VaultDamaged:
                db = None
            if db is not None:
                slots = self.update_slots(promote_next_keys)
                self.remove_rekey_staging()
                return self._finish_open(db, slots), next_key, slots
            self.remove_rekey_staging()
            slots = self.update_slots(drop_next_keys)
            slot = slots.recovery if slot_id == "recovery" else slots.users[slot_id]
        db_key = ks.unseal_generation(slots.vault_id, slot_id, private, slot.db_key)
        return self._finish_open(Database(self.db_path, db_key), slots), db_key, slots

    def remove_rekey_staging(self) -> None:
        """Delete a re-key's staging file and the rollback journal a killed export leaves."""
        for name in (self.REKEY_NAME, self.REKEY_NAME + "-journal"):
            with contextlib.suppress(FileNotFoundError):
                (self.path / name).unlink()

    def _finish_open(self, db: Database, slots: ks.KeySlotFile) -> Database:
        try:
            if db.schema_version > 0:
                stored = db.scalar("SELECT value FROM meta WHERE key = 'vault_id'")
                if stored != slots.vault_id:
                    raise VaultDamaged("keyslots.json 与 vault.db 不属于同一个数据库",
                                       "keyslots.json and vault.db belong to different vaults")
            db.migrate(before=self._backup_before_migration)
            from xinhe.records import search  # the index depends on Unicode tables

            search.ensure_current(db)
        except BaseException:
            db.close()
            raise
        return db

    def _backup_before_migration(self, current: int, target: int) -> None:
        """Copy the encrypted files aside before changing the schema."""
        private_mkdir(self.backups_path)
        stamp = self.clock().strftime("%Y%m%dT%H%M%SZ")
        for name in (self.DB_NAME, self.SLOTS_NAME):
            source = self.path / name
            if source.exists():
                target_path = self.backups_path / f"pre-migration-v{current}-{stamp}-{name}"
                shutil.copy2(source, target_path)
                os.chmod(target_path, 0o600)

    def _flush_pending(self, db: Database, slots: ks.KeySlotFile) -> None:
        """Move queued events into the audit chain. Runs inside `update_slots`: events
        queued meanwhile by another program are in `slots` and go too, none twice."""
        audit = AuditLog(db, self.workstation, self.clock)
        roles = {r["username"]: r["role"] for r in db.all("SELECT username, role FROM users")}
        for event in slots.pending_audit:
            audit.append(user=str(event["user"]), role=roles.get(str(event["user"]), "unknown"),
                         action=str(event["action"]), object_type="user",
                         object_id=str(event["user"]), outcome=str(event["outcome"]),
                         ts=str(event["ts"]), workstation=str(event["workstation"]))
        slots.pending_audit.clear()

    @staticmethod
    def _user_row(db: Database, username: str) -> User:
        row = db.one("SELECT * FROM users WHERE username = ?", (username,))
        if row is None or row["removed_at"]:
            raise UnknownUser()
        return user_from_row(row)

    def _actor(self, db: Database, username: str) -> Actor:
        user = self._user_row(db, username)
        return Actor(user.id, user.username, user.display_name, user.role)
