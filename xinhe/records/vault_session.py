"""An unlocked vault: the database, the acting user, the audit chain, and the re-key.

The folder side (creating, unlocking, recovering, keyslots.json) is in vault.py, which
is also where callers import `Vault` from.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from xinhe.crypto import keyslots as ks
from xinhe.crypto import recovery
from xinhe.errors import AccessDenied
from xinhe.records.audit import AuditLog
from xinhe.records.db import Database
from xinhe.records.vault_locks import SessionLock, exclusive

if TYPE_CHECKING:
    from xinhe.records.vault import VaultFolder

SlotChange = Callable[[ks.KeySlotFile], None]


@dataclass(frozen=True)
class Actor:
    """Who is acting: every service call is made on behalf of one."""

    user_id: int
    username: str
    display_name: str
    role: str


def stage_next_keys(slots: ks.KeySlotFile, new_key: bytes) -> None:
    """Before a re-key's database is in place: seal the new key to every slot as `next`."""
    generation = slots.generation + 1
    slots.users = {n: replace(s, next_db_key=ks.seal(slots.vault_id, n, s.public_key, new_key,
                                                      generation))
                   for n, s in slots.users.items()}
    slots.recovery = replace(slots.recovery, next_db_key=ks.seal(
        slots.vault_id, "recovery", slots.recovery.public_key, new_key, generation))


def promote_next_keys(slots: ks.KeySlotFile) -> None:
    """After the re-keyed database is in place: the next keys become the current ones
    (once: a file already promoted, by another program finishing the same re-key, stays)."""
    if slots.recovery.next_db_key is None:
        return
    slots.users = {name: replace(slot, db_key=slot.next_db_key or slot.db_key,
                                 next_db_key=None)
                   for name, slot in slots.users.items()}
    slots.recovery = replace(slots.recovery, db_key=slots.recovery.next_db_key,
                             next_db_key=None)
    slots.generation += 1


def drop_next_keys(slots: ks.KeySlotFile) -> None:
    """A re-key that never got its database in place: forget the next keys."""
    slots.users = {n: replace(s, next_db_key=None) for n, s in slots.users.items()}
    slots.recovery = replace(slots.recovery, next_db_key=None)


class Vault:
    """An unlocked vault: the database, the acting user, the audit chain.

    Lives on the thread that unlocked it. `close()` (lock) drops the key and connection,
    and ends its session in the folder.
    """

    def __init__(self, folder: VaultFolder, db: Database, slots: ks.KeySlotFile,
                 db_key: bytes, actor: Actor, session: SessionLock | None = None) -> None:
        self.folder = folder
        self.db = db
        self.slots = slots
        self._db_key: bytes | None = db_key
        self.actor = actor
        self.audit = AuditLog(db, folder.workstation, folder.clock)
        self.closed = False
        self._session = session  # None: a view sharing another vault's session (demo)

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

    def _save_slots(self, change: SlotChange) -> None:
        """Apply `change` to keyslots.json as it is on disk now (under its writer lock),
        then adopt the result: a failed write leaves the file and these slots as they were.
        Not from inside a database transaction: take `folder.slots_lock.held()` before
        the transaction instead (one lock order everywhere, so no two programs wait on
        each other in a circle)."""
        self.slots = self.folder.update_slots(change)

    def _key(self) -> bytes:
        if self._db_key is None:
            raise AccessDenied("数据库已锁定。", "The vault is locked.")
        return self._db_key

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """This vault alone: raises VaultInUse at once when another window or program
        has it open, and keeps others from opening it until the block ends."""
        if self._session is None:
            with exclusive(self.folder.path):
                yield
        else:
            with self._session.exclusive():
                yield

    def _end_session(self) -> None:
        if self._session is not None:
            self._session.close()

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
        self._end_session()

    # -- settings (stored encrypted in the vault) ----------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        value = self.db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key)"
                        " DO UPDATE SET value = excluded.value", (key, value))

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
        """Re-encrypt the database under a new key and rewrap every slot. Refused
        (VaultInUse) while the vault is open in another window or program.

        Crash-safe: until the new file replaces vault.db the old key still opens it;
        after that, every slot already holds the new key as its `next` key."""
        if reason == "db.rekey":
            self.require_role("admin")
        with self.exclusive():
            self._rekey()

    def _rekey(self) -> None:
        folder = self.folder
        new_key = secrets.token_bytes(32)
        self._save_slots(lambda slots: stage_next_keys(slots, new_key))
        self.audit_event("db.rekey", "vault", self.vault_id)
        staging = folder.path / folder.REKEY_NAME
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
                self._save_slots(drop_next_keys)
            raise
        self.db.close()
        try:
            os.replace(staging, folder.db_path)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    (folder.path / (folder.DB_NAME + suffix)).unlink()
            # From here on the new key is the only one that opens vault.db.
            self._db_key = new_key
            self._save_slots(promote_next_keys)
            self.db = Database(folder.db_path, new_key)
        except BaseException:
            # The next unlock finishes or undoes the re-key; until then this vault is locked.
            self._db_key = None
            self.closed = True
            self._end_session()
            raise
        self.audit = AuditLog(self.db, folder.workstation, folder.clock)
