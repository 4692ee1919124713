"""Accounts: who may log in and in which role, passwords, and the lockout after wrong ones.

The database holds the account rows; keyslots.json holds each account's key slot and its
lockout state. Every change to keyslots.json is a function applied to the file as it is
on disk at that moment, under its writer lock (`Vault._save_slots`), so two programs on
one vault never undo each other's changes. Password KDFs run before the lock is taken.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from xinhe.crypto import keyslots as ks
from xinhe.errors import (
    AccountLocked,
    DeviceBindingUnavailable,
    InvalidInput,
    NotFound,
    NotOnServerYet,
    UnknownUser,
    WeakPassword,
    WrongPassword,
)
from xinhe.records.audit import iso
from xinhe.records.roles import MIN_PASSWORD as MIN_PASSWORD
from xinhe.records.roles import ROLES as ROLES

if TYPE_CHECKING:
    from xinhe.records.storage.session import Session
    from xinhe.records.vault import Vault

LOCKOUT_THRESHOLD = 5
LOCKOUT_BASE = timedelta(minutes=1)
LOCKOUT_MAX = timedelta(hours=24)


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


def user_from_row(row: Any) -> User:
    return User(int(row["id"]), row["username"], row["display_name"], row["role"],
                bool(row["active"]), row["created_at"], row["last_login_at"], row["removed_at"])


# -- lockout: functions applied to the freshly read key slot file, under its lock ------------
def locked_until(slots: ks.KeySlotFile, username: str, now: datetime) -> datetime | None:
    """When the account's lockout ends, or None if it is not locked at `now`."""
    lock = slots.lockout.get(username.strip().lower())
    if lock and lock.locked_until:
        until = datetime.fromisoformat(lock.locked_until)
        if until > now:
            return until
    return None


def pending(slots: ks.KeySlotFile, when: datetime, username: str, workstation: str,
            action: str, outcome: str, attempt: str = "") -> None:
    """Queue an event for the audit chain, which is closed until the next unlock."""
    event: dict[str, Any] = {"ts": iso(when), "user": username, "workstation": workstation,
                             "action": action, "outcome": outcome}
    if attempt:
        event["attempt"] = attempt
    slots.pending_audit.append(event)


@dataclass
class Attempt:
    """A login attempt, counted as a failure before its password is tried, so parallel
    attempts cannot slip past the lockout while their KDFs run."""

    username: str
    token: str = ""
    slot: ks.UserSlot | None = None  # None: refused without trying the password
    refused_until: datetime | None = None  # refused because the account is locked
    locks_until: datetime | None = None  # the lockout this attempt sets if it fails

    def raise_if_refused(self) -> ks.UserSlot:
        if self.refused_until is not None:
            raise AccountLocked(self.refused_until)
        if self.slot is None:
            raise UnknownUser()
        return self.slot


def reserve_attempt(slots: ks.KeySlotFile, attempt: Attempt, now: datetime,
                    workstation: str) -> None:
    """Count `attempt` as a wrong password now (queued for the audit as one), unless the
    account is unknown or locked: then refuse it, queued too. A program killed during
    the KDF leaves its attempt counted and audited as failed."""
    name = attempt.username
    if name not in slots.users:
        pending(slots, now, name, workstation, "login", "failed")
        return
    until = locked_until(slots, name, now)
    if until is not None:
        attempt.refused_until = until
        pending(slots, now, name, workstation, "login", "refused:locked")
        return
    lock = slots.lockout.setdefault(name, ks.Lockout())
    lock.failures += 1
    delay = lockout_delay(lock.failures)
    if delay:
        attempt.locks_until = now + delay
        lock.locked_until = iso(attempt.locks_until)
    attempt.token = secrets.token_hex(8)
    attempt.slot = slots.users[name]
    pending(slots, now, name, workstation, "login", "failed", attempt.token)


def attempt_locked(slots: ks.KeySlotFile, attempt: Attempt, now: datetime,
                   workstation: str) -> None:
    """The attempt that set the lockout was wrong: the lock is now a fact of the audit."""
    if attempt.locks_until is not None:
        pending(slots, now, attempt.username, workstation, "account.locked",
                f"until {iso(attempt.locks_until)}")


def _drop_queued(slots: ks.KeySlotFile, attempt: Attempt) -> None:
    if attempt.token:
        slots.pending_audit[:] = [e for e in slots.pending_audit
                                  if e.get("attempt") != attempt.token]


def attempt_settled(slots: ks.KeySlotFile, attempt: Attempt) -> None:
    """The password was right: no failure after all, and the count starts again."""
    _drop_queued(slots, attempt)
    slots.lockout.pop(attempt.username, None)


def attempt_cancelled(slots: ks.KeySlotFile, attempt: Attempt) -> None:
    """The password could not be tried (no device secret here): undo what it counted."""
    _drop_queued(slots, attempt)
    lock = slots.lockout.get(attempt.username)
    if attempt.token and lock is not None:
        lock.failures = max(0, lock.failures - 1)
        if attempt.locks_until is not None and lock.locked_until == iso(attempt.locks_until):
            lock.locked_until = None


class AccountService:
    """Account management for an unlocked vault, on behalf of its acting user."""

    def __init__(self, vault: Session) -> None:
        self.session = vault

    @property
    def vault(self) -> Vault:
        """The local vault: changing accounts rewrites its key slots. On the studio server
        users are added by `xinhe server users add` (storage/server_admin.py)."""
        from xinhe.records.vault import Vault

        if not isinstance(self.session, Vault):
            raise NotOnServerYet("在此管理账户", "Managing accounts here")
        return self.session

    def users(self, include_removed: bool = False) -> list[User]:
        """All accounts. Every role may list them (names are needed to assign cases)."""
        sql = "SELECT * FROM users"
        if not include_removed:
            sql += " WHERE removed_at IS NULL"
        return [user_from_row(r) for r in self.session.db.all(sql + " ORDER BY username")]

    def user(self, username: str) -> User:
        row = self.session.db.one("SELECT * FROM users WHERE username = ? AND removed_at IS NULL",
                                (username.strip().lower(),))
        if row is None:
            raise NotFound(f"没有名为 {username} 的用户。", f"There is no user named {username}.")
        return user_from_row(row)

    def locked_until(self, username: str) -> datetime | None:
        """When the account's lockout after wrong passwords ends; None if not locked."""
        return self.vault.folder.lockout_until(username)

    def add_user(self, username: str, display_name: str, role: str, password: str) -> User:
        """Admin: create an account with an initial password."""
        vault = self.vault
        vault.require_role("admin")
        username = ks.validate_username(username)
        check_role(role)
        check_password(password)
        if not display_name.strip():
            raise InvalidInput("请填写姓名。", "Please enter the person's name.")
        taken = InvalidInput(f"登录名 {username} 已被使用。",
                             f"The login name {username} is already taken.")
        if vault.db.one("SELECT 1 FROM users WHERE username = ?", (username,)):
            raise taken
        device_secret = vault.folder.binding.ensure_secret(vault.vault_id)
        slot = ks.new_user_slot(vault.vault_id, username, password, vault._key(),
                                vault.slots.generation, vault.folder.kdf, device_secret)

        def change(slots: ks.KeySlotFile) -> None:
            if username in slots.users:
                raise taken
            slots.users[username] = slot
        # The slot lock before the database's write lock, everywhere, so neither waits on
        # the other in a circle.
        with vault.folder.slots_lock.held(), vault.db.transaction():
            vault.db.execute("INSERT INTO users (username, display_name, role, created_at)"
                             " VALUES (?, ?, ?, ?)",
                             (username, display_name.strip(), role, iso(vault.now())))
            vault._save_slots(change)
            vault.audit_event("user.add", "user", username)
        return self.user(username)

    def set_user_active(self, username: str, active: bool) -> User:
        """Admin: disable or re-enable an account. One cannot disable oneself."""
        vault = self.vault
        vault.require_role("admin")
        user = self.user(username)
        if user.id == vault.actor.user_id and not active:
            raise InvalidInput("不能停用自己的账户。", "You cannot disable your own account.")
        if not active:
            self._ensure_another_admin(user)
        vault.db.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), user.id))
        vault.audit_event("user.enable" if active else "user.disable", "user", user.username)
        return self.user(username)

    def unlock_account(self, username: str) -> None:
        """Admin: clear a lockout after too many wrong passwords."""
        self.vault.require_role("admin")
        user = self.user(username)

        def change(slots: ks.KeySlotFile) -> None:
            slots.lockout.pop(user.username, None)
        self.vault._save_slots(change)
        self.vault.audit_event("user.unlock", "user", user.username)

    def reset_password(self, username: str, new_password: str) -> None:
        """Admin: give another user a new password (a new key slot)."""
        vault = self.vault
        vault.require_role("admin")
        check_password(new_password)
        user = self.user(username)
        device_secret = vault.folder.binding.ensure_secret(vault.vault_id)
        slot = ks.new_user_slot(vault.vault_id, user.username, new_password, vault._key(),
                                vault.slots.generation, vault.folder.kdf, device_secret)

        def change(slots: ks.KeySlotFile) -> None:
            slots.users[user.username] = slot
            slots.lockout.pop(user.username, None)
        vault._save_slots(change)
        vault.audit_event("password.reset", "user", user.username)

    def remove_user(self, username: str) -> None:
        """Admin: delete the account's key slot and re-key the database, so the key
        they could have known no longer opens it. Their name stays on past records.
        Refused (VaultInUse) while the vault is open in another window or program."""
        vault = self.vault
        vault.require_role("admin")
        user = self.user(username)
        if user.id == vault.actor.user_id:
            raise InvalidInput("不能删除自己的账户。", "You cannot remove your own account.")
        self._ensure_another_admin(user)
        with vault.exclusive():  # the re-key needs the vault alone: check before removing
            with vault.db.transaction():
                vault.db.execute("UPDATE users SET active = 0, removed_at = ? WHERE id = ?",
                                 (iso(vault.now()), user.id))
                vault.audit_event("user.remove", "user", user.username)

            def change(slots: ks.KeySlotFile) -> None:
                slots.users.pop(user.username, None)
                slots.lockout.pop(user.username, None)
            vault._save_slots(change)
            vault.rekey(reason="user.remove")

    def _ensure_another_admin(self, user: User) -> None:
        if user.role != "admin":
            return
        others = self.vault.db.scalar(
            "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1"
            " AND removed_at IS NULL AND id != ?", (user.id,))
        if not others:
            raise InvalidInput("这是最后一个管理员账户，不能停用或删除。",
                               "This is the last administrator account; it cannot be "
                               "disabled or removed.")

    def _own_slot(self) -> tuple[ks.UserSlot, bytes | None]:
        """The acting user's slot as it is on disk now, and the device secret it needs."""
        vault = self.vault
        slot = vault.folder.load_slots().users.get(vault.actor.username)
        if slot is None:
            raise WrongPassword()
        device_secret = None
        if slot.device_bound:
            device_secret = vault.folder.binding.get_secret(vault.vault_id)
            if device_secret is None:
                raise DeviceBindingUnavailable()
        return slot, device_secret

    def change_password(self, old_password: str, new_password: str) -> None:
        """The acting user changes their own password: rewraps their slot only."""
        vault = self.vault
        check_password(new_password)
        slot, device_secret = self._own_slot()
        try:
            private = ks.open_private(vault.vault_id, slot, old_password, device_secret)
        except WrongPassword:
            vault.audit_event("password.change", "user", vault.actor.username, "failed")
            raise
        new_secret = vault.folder.binding.ensure_secret(vault.vault_id)
        rewrapped = ks.wrap_private(vault.vault_id, vault.actor.username, private,
                                    new_password, vault.folder.kdf, new_secret, slot.db_key,
                                    slot.next_db_key)
        vault._save_slots(lambda slots: slots.users.__setitem__(vault.actor.username, rewrapped))
        vault.audit_event("password.change", "user", vault.actor.username)

    def verify_password(self, password: str, act: str = "") -> None:
        """Re-authentication before a dangerous act (`act` names it, e.g. "referral.sign"):
        the acting user's password must open their own key slot. Raises WrongPassword
        (audited) otherwise."""
        from xinhe.records.storage.server_session import ServerSession

        vault = self.session
        slot, device_secret = (None, None) if isinstance(vault, ServerSession) else \
            self._own_slot()
        try:
            if isinstance(vault, ServerSession):  # her key slot is kept on the server
                vault.open_own_slot(password)
            else:
                assert slot is not None
                ks.open_private(vault.vault_id, slot, password, device_secret)
        except WrongPassword:
            vault.audit_event("reauth", "user", vault.actor.username,
                              f"failed:{act}" if act else "failed")
            raise
        vault.audit_event("reauth", "user", vault.actor.username, act or "ok")
