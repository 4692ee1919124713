"""A vault folder: `vault.db` (SQLCipher) and `keyslots.json`, and the unlocked vault.

Unlocking goes slot first: a wrong password fails at the key slot, before the database
is touched, so a wrong password and a damaged vault are always told apart.

Several programs may use one vault at once (the app and a backup, say): keyslots.json
has one writer at a time, each applying its change to the file as it is on disk then;
every open vault holds a session lock, and a re-key runs only while no other session is
open (vault_locks.py). Accounts and their lockout live in accounts.py.

This module is the folder, locked: its path, files and login names. Creating, unlocking
and recovering are in vault_open.py, which loads the cipher and SQLCipher when first
used, so the unlock window shows without them (tests/test_startup_imports.py).
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xinhe.errors import VaultMissing
from xinhe.records.vault_locks import SLOTS_LOCK, FolderLock

if TYPE_CHECKING:
    from xinhe.crypto import keyslots as ks
    from xinhe.crypto.binding import DeviceBinding
    from xinhe.crypto.kdf import KdfParams
    from xinhe.records.vault_session import Actor as Actor
    from xinhe.records.vault_session import SlotChange
    from xinhe.records.vault_session import Vault as Vault

Clock = Callable[[], datetime]


def __getattr__(name: str) -> Any:
    """`Vault` and `Actor`, long imported from here, load the open vault's code when asked."""
    if name in ("Vault", "Actor"):
        from xinhe.records import vault_session

        return getattr(vault_session, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def utcnow() -> datetime:
    return datetime.now(UTC)


class VaultFolder:
    """A vault on disk, locked. Creates, unlocks and recovers vaults."""

    DB_NAME = "vault.db"
    SLOTS_NAME = "keyslots.json"
    REKEY_NAME = "vault.db.rekey"

    def __init__(self, path: Path, binding: DeviceBinding, *, kdf: KdfParams | None = None,
                 clock: Clock = utcnow, workstation: str | None = None) -> None:
        self.path = Path(path)
        self.binding = binding
        self._kdf = kdf
        self.clock = clock
        self.workstation = workstation or socket.gethostname()
        self.slots_lock = FolderLock(self.path / SLOTS_LOCK)

    @property
    def kdf(self) -> KdfParams:
        """The KDF settings for new key slots (read when a slot is made, not at start-up)."""
        if self._kdf is None:
            from xinhe.crypto.kdf import KdfParams

            self._kdf = KdfParams.default()
        return self._kdf

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
        from xinhe.crypto import keyslots as ks

        if not self.exists():
            raise VaultMissing(str(self.path))
        return ks.KeySlotFile.load(self.slots_path)

    def update_slots(self, change: SlotChange) -> ks.KeySlotFile:
        """Apply `change` to keyslots.json as it is on disk now, holding the writer lock
        from the read to the atomic write. Returns the file as written; a `change` that
        raises writes nothing."""
        from xinhe.crypto import keyslots as ks

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
        from xinhe.records import accounts

        return accounts.locked_until(self.load_slots(), username, self.clock())

    # -- creation, unlocking, recovery: vault_open.py --------------------------------------
    def create(self, org_name: str, admin_username: str, admin_display_name: str,
               admin_password: str) -> tuple[Vault, str]:
        """Make a new vault. Returns it unlocked for the admin, and the recovery key
        (shown once, never stored)."""
        from xinhe.records import vault_open

        return vault_open.create(self, org_name, admin_username, admin_display_name,
                                 admin_password)

    def unlock(self, username: str, password: str) -> Vault:
        """Open the vault as `username`. Raises WrongPassword, AccountLocked,
        AccountDisabled, DeviceBindingUnavailable, VaultBusy or VaultDamaged."""
        from xinhe.records import vault_open

        return vault_open.unlock(self, username, password)

    def recover(self, recovery_key: str, username: str, new_password: str) -> Vault:
        """Set a new password for `username` with the recovery key, and unlock as them."""
        from xinhe.records import vault_open

        return vault_open.recover(self, recovery_key, username, new_password)

    def check_recovery_key(self, recovery_key: str) -> None:
        """Raise BadRecoveryKey unless `recovery_key` opens this vault."""
        from xinhe.records import vault_open

        vault_open.check_recovery_key(self, recovery_key)

    def remove_rekey_staging(self) -> None:
        """Delete a re-key's staging file and the rollback journal a killed export leaves."""
        for name in (self.REKEY_NAME, self.REKEY_NAME + "-journal"):
            with contextlib.suppress(FileNotFoundError):
                (self.path / name).unlink()
