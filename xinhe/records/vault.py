"""A vault folder: `vault.db` (SQLCipher) and `keyslots.json`, and the unlocked vault.

Unlocking goes slot first: a wrong password fails at the key slot, before the database
is touched, so a wrong password and a damaged vault are always told apart.
"""

from __future__ import annotations

import contextlib
import copy
import os
import secrets
import shutil
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from xinhe.crypto import keyslots as ks
from xinhe.crypto import recovery
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.files import private_mkdir
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import (
    AccessDenied,
    AccountDisabled,
    AccountLocked,
    DeviceBindingUnavailable,
    InvalidInput,
    NotFound,
    UnknownUser,
    VaultDamaged,
    VaultExists,
    VaultMissing,
    WeakPassword,
    WrongPassword,
)
from xinhe.records.audit import AuditLog, iso, utcnow
from xinhe.records.db import Database

ROLES = ("admin", "supervisor", "counsellor", "staff")
MIN_PASSWORD = 8
LOCKOUT_THRESHOLD = 5
LOCKOUT_BASE = timedelta(minutes=1)
LOCKOUT_MAX = timedelta(hours=24)

Clock = Callable[[], datetime]


def lockout_delay(failures: int) -> timedelta:
    """How long an account stays locked after `failures` consecutive wrong passwords:
    one minute at the fifth, doubling with each further one, at most a day."""
    if failures < LOCKOUT_THRESHOLD:
        return timedelta(0)
    delay: timedelta = LOCKOUT_BASE * (2 ** min(failures - LOCKOUT_THRESHOLD, 16))
    return min(delay, LOCKOUT_MAX)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(MIN_PASSWORD)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"未知的角色：{role}（可选：{'、'.join(ROLES)}）",
                           f"Unknown role: {role} (choose one of {', '.join(ROLES)})")
    return role


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    created_at: str
    last_login_at: str | None
    removed_at: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who is acting: every service call is made on behalf of one."""

    user_id: int
    username: str
    display_name: str
    role: str


def _user_from_row(row: Any) -> User:
    return User(int(row["id"]), row["username"], row["display_name"], row["role"],
                bool(row["active"]), row["created_at"], row["last_login_at"], row["removed_at"])


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

    def usernames(self) -> list[str]:
        """Login names that have a key slot here (for the unlock window)."""
        return sorted(self.load_slots().users)

    # -- creation ------------------------------------------------------------------------
    def create(self, org_name: str, admin_username: str, admin_display_name: str,
               admin_password: str) -> tuple[Vault, str]:
        """Make a new vault. Returns it unlocked for the admin, and the recovery key
        (shown once, never stored)."""
        if self.exists():
            raise VaultExists(str(self.path))
        if self.path.exists() and any(self.path.iterdir()):
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
        db = Database(self.db_path, db_key)
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
            raise
        vault = Vault(self, db, slots, db_key, self._actor(db, username))
        vault.audit_event("login")
        return vault, recovery_key

    # -- unlocking -----------------------------------------------------------------------
    def lockout_until(self, username: str) -> datetime | None:
        lock = self.load_slots().lockout.get(username.strip().lower())
        if lock and lock.locked_until:
            until = datetime.fromisoformat(lock.locked_until)
            if until > self.clock():
                return until
        return None

    def _pending(self, slots: ks.KeySlotFile, username: str, action: str, outcome: str) -> None:
        slots.pending_audit.append({"ts": iso(self.clock()), "user": username,
                                    "workstation": self.workstation, "action": action,
                                    "outcome": outcome})

    def unlock(self, username: str, password: str) -> Vault:
        """Open the vault as `username`. Raises WrongPassword, AccountLocked,
        AccountDisabled, DeviceBindingUnavailable or VaultDamaged."""
        slots = self.load_slots()
        if not self.db_path.exists():
            raise VaultDamaged("缺少数据库文件 vault.db", "vault.db is missing")
        username = username.strip().lower()
        slot = slots.users.get(username)
        if slot is None:
            self._pending(slots, username, "login", "failed")
            slots.save(self.slots_path)
            raise UnknownUser()
        lock = slots.lockout.setdefault(username, ks.Lockout())
        now = self.clock()
        if lock.locked_until and datetime.fromisoformat(lock.locked_until) > now:
            self._pending(slots, username, "login", "refused:locked")
            slots.save(self.slots_path)
            raise AccountLocked(datetime.fromisoformat(lock.locked_until))
        device_secret = None
        if slot.device_bound:
            device_secret = self.binding.get_secret(slots.vault_id)
            if device_secret is None:
                raise DeviceBindingUnavailable()
        try:
            private = ks.open_private(slots.vault_id, slot, password, device_secret)
        except WrongPassword:
            lock.failures += 1
            self._pending(slots, username, "login", "failed")
            delay = lockout_delay(lock.failures)
            if delay:
                lock.locked_until = iso(now + delay)
                self._pending(slots, username, "account.locked", f"until {lock.locked_until}")
                slots.save(self.slots_path)
                raise AccountLocked(now + delay) from None
            slots.save(self.slots_path)
            raise
        db, db_key, slots = self._open_database(slots, username, private)
        try:
            user = self._user_row(db, username)
            if not user.active:
                self._pending(slots, username, "login", "refused:disabled")
                self._flush_pending(db, slots)
                raise AccountDisabled()
            slots.lockout.pop(username, None)
            self._flush_pending(db, slots)
            if not slot.device_bound and self.binding.enabled:
                # Bind a slot made where no keyring was (or restored from elsewhere).
                device_secret = self.binding.ensure_secret(slots.vault_id)
                if device_secret is not None:
                    slots.users[username] = ks.wrap_private(
                        slots.vault_id, username, private, password, slot.kdf, device_secret,
                        slots.users[username].db_key)
            slots.save(self.slots_path)
            db.execute("UPDATE users SET last_login_at = ? WHERE id = ?",
                       (iso(self.clock()), user.id))
        except BaseException:
            db.close()
            raise
        vault = Vault(self, db, slots, db_key, self._actor(db, username))
        vault.audit_event("login")
        return vault

    def recover(self, recovery_key: str, username: str, new_password: str) -> Vault:
        """Set a new password for `username` with the recovery key, and unlock as them."""
        check_password(new_password)
        slots = self.load_slots()
        secret = recovery.secret_bytes(recovery_key)
        private = ks.open_recovery(slots.vault_id, slots.recovery, secret)
        username = username.strip().lower()
        db, db_key, slots = self._open_database(slots, "recovery", private)
        try:
            user = self._user_row(db, username)
            if not user.active:
                raise AccountDisabled()
            device_secret = self.binding.ensure_secret(slots.vault_id)
            slots.users[username] = ks.new_user_slot(slots.vault_id, username, new_password,
                                                     db_key, slots.generation, self.kdf,
                                                     device_secret)
            slots.lockout.pop(username, None)
            self._flush_pending(db, slots)
            slots.save(self.slots_path)
        except BaseException:
            db.close()
            raise
        vault = Vault(self, db, slots, db_key, self._actor(db, username))
        vault.audit_event("password.recover", "user", username)
        vault.audit_event("login")
        return vault

    def check_recovery_key(self, recovery_key: str) -> None:
        """Raise BadRecoveryKey unless `recovery_key` opens this vault."""
        slots = self.load_slots()
        ks.open_recovery(slots.vault_id, slots.recovery, recovery.secret_bytes(recovery_key))

    # -- internals -----------------------------------------------------------------------
    def _open_database(self, slots: ks.KeySlotFile, slot_id: str,
                       private: Any) -> tuple[Database, bytes, ks.KeySlotFile]:
        """Open vault.db with the key sealed in the slot, finishing an interrupted re-key."""
        slot = slots.recovery if slot_id == "recovery" else slots.users[slot_id]
        if slot.next_db_key is not None:
            next_key = ks.unseal_generation(slots.vault_id, slot_id, private, slot.next_db_key)
            try:
                db = Database(self.db_path, next_key)
            except VaultDamaged:
                db = None
            if db is not None:
                slots = promote_next_keys(slots)
                slots.save(self.slots_path)
                self.remove_rekey_staging()
                return self._finish_open(db, slots), next_key, slots
            slots = drop_next_keys(slots)
            self.remove_rekey_staging()
            slots.save(self.slots_path)
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
        return _user_from_row(row)

    def _actor(self, db: Database, username: str) -> Actor:
        user = self._user_row(db, username)
        return Actor(user.id, user.username, user.display_name, user.role)


def promote_next_keys(slots: ks.KeySlotFile) -> ks.KeySlotFile:
    """After the re-keyed database is in place: the next keys become the current ones."""
    users = {name: replace(slot, db_key=slot.next_db_key or slot.db_key, next_db_key=None)
             for name, slot in slots.users.items()}
    rec = replace(slots.recovery, db_key=slots.recovery.next_db_key or slots.recovery.db_key,
                  next_db_key=None)
    return replace(slots, users=users, recovery=rec, generation=slots.generation + 1)


def drop_next_keys(slots: ks.KeySlotFile) -> ks.KeySlotFile:
    """A re-key that never got its database in place: forget the next keys."""
    users = {n: replace(s, next_db_key=None) for n, s in slots.users.items()}
    return replace(slots, users=users, recovery=replace(slots.recovery, next_db_key=None))


class Vault:
    """An unlocked vault: the database, the acting user, the audit chain.

    Lives on the thread that unlocked it. `close()` (lock) drops the key and connection.
    """

    def __init__(self, folder: VaultFolder, db: Database, slots: ks.KeySlotFile,
                 db_key: bytes, actor: Actor) -> None:
        self.folder = folder
        self.db = db
        self.slots = slots
        self._db_key: bytes | None = db_key
        self.actor = actor
        self.audit = AuditLog(db, folder.workstation, folder.clock)
        self.closed = False

    # -- basics ----------------------------------------------------------------------------
    @property
    def vault_id(self) -> str:
        return self.slots.vault_id

    @property
    def org_name(self) -> str:
        return str(self.db.scalar("SELECT value FROM meta WHERE key = 'org_name'"))

    @property
    def binding_on(self) -> bool:
        slot = self.slots.users.get(self.actor.username)
        return bool(slot and slot.device_bound)

    def now(self) -> datetime:
        return self.folder.clock()

    def audit_event(self, action: str, object_type: str = "", object_id: object = "",
                    outcome: str = "ok") -> None:
        self.audit.append(user=self.actor.username, role=self.actor.role, action=action,
                          object_type=object_type, object_id=str(object_id), outcome=outcome)

    def require_role(self, *roles: str) -> None:
        if self.actor.role not in roles:
            self.audit_event("access.denied", "role", self.actor.role, "refused")
            raise AccessDenied()

    def _save_slots(self, change: Callable[[ks.KeySlotFile], None]) -> None:
        """Apply `change` to a copy of the key slots, write it, then adopt it: a failed
        write leaves both the file and the slots in memory as they were."""
        updated = copy.deepcopy(self.slots)
        change(updated)
        updated.save(self.folder.slots_path)
        self.slots = updated

    def _key(self) -> bytes:
        if self._db_key is None:
            raise AccessDenied("数据库已锁定。", "The vault is locked.")
        return self._db_key

    def witness_key(self) -> bytes:
        """The MAC key for the audit head kept outside the database (see witnesses.py)."""
        return ks.audit_witness_key(self._key(), self.vault_id)

    def close(self, reason: str = "lock") -> None:
        """Lock: audit, keep the audit head in keyslots.json, close the connection and drop
        the key."""
        if self.closed:
            return
        with contextlib.suppress(Exception):
            self.audit_event(reason)
        with contextlib.suppress(Exception):  # a lock must happen even if the file cannot
            from xinhe.records.witnesses import head_update  # (it imports this module)

            change = head_update(self)
            if change is not None:
                self._save_slots(change)
        self.db.close()
        self._db_key = None
        self.closed = True

    # -- settings (stored encrypted in the vault) ----------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        value = self.db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key)"
                        " DO UPDATE SET value = excluded.value", (key, value))

    # -- users -------------------------------------------------------------------------
    def users(self, include_removed: bool = False) -> list[User]:
        """All accounts. Every role may list them (names are needed to assign cases)."""
        sql = "SELECT * FROM users"
        if not include_removed:
            sql += " WHERE removed_at IS NULL"
        return [_user_from_row(r) for r in self.db.all(sql + " ORDER BY username")]

    def user(self, username: str) -> User:
        row = self.db.one("SELECT * FROM users WHERE username = ? AND removed_at IS NULL",
                          (username.strip().lower(),))
        if row is None:
            raise NotFound(f"没有名为 {username} 的用户。", f"There is no user named {username}.")
        return _user_from_row(row)

    def add_user(self, username: str, display_name: str, role: str, password: str) -> User:
        """Admin: create an account with an initial password."""
        self.require_role("admin")
        username = ks.validate_username(username)
        check_role(role)
        check_password(password)
        if not display_name.strip():
            raise InvalidInput("请填写姓名。", "Please enter the person's name.")
        if self.db.one("SELECT 1 FROM users WHERE username = ?", (username,)) or \
                username in self.slots.users:
            raise InvalidInput(f"登录名 {username} 已被使用。",
                               f"The login name {username} is already taken.")
        device_secret = self.folder.binding.ensure_secret(self.vault_id)
        slot = ks.new_user_slot(self.vault_id, username, password, self._key(),
                                self.slots.generation, self.folder.kdf, device_secret)
        with self.db.transaction():
            self.db.execute("INSERT INTO users (username, display_name, role, created_at)"
                            " VALUES (?, ?, ?, ?)",
                            (username, display_name.strip(), role, iso(self.now())))
            self._save_slots(lambda slots: slots.users.__setitem__(username, slot))
            self.audit_event("user.add", "user", username)
        return self.user(username)

    def set_user_active(self, username: str, active: bool) -> User:
        """Admin: disable or re-enable an account. One cannot disable oneself."""
        self.require_role("admin")
        user = self.user(username)
        if user.id == self.actor.user_id and not active:
            raise InvalidInput("不能停用自己的账户。", "You cannot disable your own account.")
        if not active:
            self._ensure_another_admin(user)
        self.db.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), user.id))
        self.audit_event("user.enable" if active else "user.disable", "user", user.username)
        return self.user(username)

    def unlock_account(self, username: str) -> None:
        """Admin: clear a lockout after too many wrong passwords."""
        self.require_role("admin")
        user = self.user(username)

        def change(slots: ks.KeySlotFile) -> None:
            slots.lockout.pop(user.username, None)
        self._save_slots(change)
        self.audit_event("user.unlock", "user", user.username)

    def reset_password(self, username: str, new_password: str) -> None:
        """Admin: give another user a new password (a new key slot)."""
        self.require_role("admin")
        check_password(new_password)
        user = self.user(username)
        device_secret = self.folder.binding.ensure_secret(self.vault_id)
        slot = ks.new_user_slot(self.vault_id, user.username, new_password, self._key(),
                                self.slots.generation, self.folder.kdf, device_secret)

        def change(slots: ks.KeySlotFile) -> None:
            slots.users[user.username] = slot
            slots.lockout.pop(user.username, None)
        self._save_slots(change)
        self.audit_event("password.reset", "user", user.username)

    def remove_user(self, username: str) -> None:
        """Admin: delete the account's key slot and re-key the database, so the key
        they could have known no longer opens it. Their name stays on past records."""
        self.require_role("admin")
        user = self.user(username)
        if user.id == self.actor.user_id:
            raise InvalidInput("不能删除自己的账户。", "You cannot remove your own account.")
        self._ensure_another_admin(user)
        with self.db.transaction():
            self.db.execute("UPDATE users SET active = 0, removed_at = ? WHERE id = ?",
                            (iso(self.now()), user.id))
            self.audit_event("user.remove", "user", user.username)
        def change(slots: ks.KeySlotFile) -> None:
            slots.users.pop(user.username, None)
            slots.lockout.pop(user.username, None)
        self._save_slots(change)
        self.rekey(reason="user.remove")

    def _ensure_another_admin(self, user: User) -> None:
        if user.role != "admin":
            return
        others = self.db.scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1"
                                " AND removed_at IS NULL AND id != ?", (user.id,))
        if not others:
            raise InvalidInput("这是最后一个管理员账户，不能停用或删除。",
                               "This is the last administrator account; it cannot be "
                               "disabled or removed.")

    def change_password(self, old_password: str, new_password: str) -> None:
        """The acting user changes their own password: rewraps their slot only."""
        check_password(new_password)
        slot = self.slots.users[self.actor.username]
        device_secret = self.folder.binding.get_secret(self.vault_id) if slot.device_bound \
            else None
        if slot.device_bound and device_secret is None:
            raise DeviceBindingUnavailable()
        try:
            private = ks.open_private(self.vault_id, slot, old_password, device_secret)
        except WrongPassword:
            self.audit_event("password.change", "user", self.actor.username, "failed")
            raise
        new_secret = self.folder.binding.ensure_secret(self.vault_id)
        rewrapped = ks.wrap_private(self.vault_id, self.actor.username, private, new_password,
                                    self.folder.kdf, new_secret, slot.db_key, slot.next_db_key)
        self._save_slots(lambda slots: slots.users.__setitem__(self.actor.username, rewrapped))
        self.audit_event("password.change", "user", self.actor.username)

    def verify_password(self, password: str, act: str = "") -> None:
        """Re-authentication before a dangerous act (`act` names it, e.g. "referral.sign"):
        the acting user's password must open their own key slot. Raises WrongPassword
        (audited) otherwise."""
        slot = self.slots.users.get(self.actor.username)
        if slot is None:
            raise WrongPassword()
        device_secret = None
        if slot.device_bound:
            device_secret = self.folder.binding.get_secret(self.vault_id)
            if device_secret is None:
                raise DeviceBindingUnavailable()
        try:
            ks.open_private(self.vault_id, slot, password, device_secret)
        except WrongPassword:
            self.audit_event("reauth", "user", self.actor.username,
                             f"failed:{act}" if act else "failed")
            raise
        self.audit_event("reauth", "user", self.actor.username, act or "ok")

    # -- keys --------------------------------------------------------------------------
    def new_recovery_key(self) -> str:
        """Admin: replace the recovery key (say the paper was lost). The old key stops
        working; the new one is returned to be shown once, never stored."""
        self.require_role("admin")
        key = recovery.generate()
        slot = ks.new_recovery_slot(self.vault_id, recovery.secret_bytes(key), self._key(),
                                    self.slots.generation)

        def change(slots: ks.KeySlotFile) -> None:
            slots.recovery = slot
        self._save_slots(change)
        self.audit_event("recovery_key.replace", "vault", self.vault_id)
        return key

    def rekey(self, reason: str = "db.rekey") -> None:
        """Re-encrypt the database under a new key and rewrap every slot.

        Crash-safe: until the new file replaces vault.db the old key still opens it;
        after that, every slot already holds the new key as its `next` key."""
        if reason == "db.rekey":
            self.require_role("admin")
        folder = self.folder
        new_key = secrets.token_bytes(32)
        generation = self.slots.generation + 1
        users = {n: replace(s, next_db_key=ks.seal(self.vault_id, n, s.public_key, new_key,
                                                   generation))
                 for n, s in self.slots.users.items()}
        rec = replace(self.slots.recovery,
                      next_db_key=ks.seal(self.vault_id, "recovery",
                                          self.slots.recovery.public_key, new_key, generation))
        staged = replace(self.slots, users=users, recovery=rec)
        staged.save(folder.slots_path)
        self.slots = staged
        self.audit_event("db.rekey", "vault", self.vault_id)
        staging = folder.path / VaultFolder.REKEY_NAME
        folder.remove_rekey_staging()
        try:
            self.db.export_to(staging, new_key)
            os.chmod(staging, 0o600)
            with open(staging, "rb+") as handle:
                os.fsync(handle.fileno())
        except BaseException:
            # Nothing has replaced vault.db: carry on with the old key.
            with contextlib.suppress(OSError):
                folder.remove_rekey_staging()
            with contextlib.suppress(Exception):
                unstaged = drop_next_keys(self.slots)
                unstaged.save(folder.slots_path)
                self.slots = unstaged
            raise
        self.db.close()
        try:
            os.replace(staging, folder.db_path)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    (folder.path / (VaultFolder.DB_NAME + suffix)).unlink()
            # From here on the new key is the only one that opens vault.db.
            self._db_key = new_key
            promoted = promote_next_keys(self.slots)
            promoted.save(folder.slots_path)
            self.slots = promoted
            self.db = Database(folder.db_path, new_key)
        except BaseException:
            # The next unlock finishes or undoes the re-key; until then this vault is locked.
            self._db_key = None
            self.closed = True
            raise
        self.audit = AuditLog(self.db, folder.workstation, folder.clock)
