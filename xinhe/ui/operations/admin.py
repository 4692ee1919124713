"""The administrator's actions: accounts, the template folder, the lock delay, the vault's
keys, and what the About tab shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.ui.changes import Change
from xinhe.ui.operations import run

if TYPE_CHECKING:
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext

Done = Callable[[object], None]


def set_user_active(*, ctx: AppContext, parent: QWidget, username: str, active: bool) -> None:
    """Let a user sign in again, or stop them."""
    run(ctx, lambda s: s.accounts.set_user_active(username, active), parent=parent,
        changed={Change.USER})


def unlock_account(*, ctx: AppContext, parent: QWidget, username: str) -> None:
    """Lift the lock-out after too many wrong passwords."""
    run(ctx, lambda s: s.accounts.unlock_account(username), parent=parent,
        changed={Change.USER})


def remove_user(*, ctx: AppContext, parent: QWidget, username: str) -> None:
    """Remove a user (the vault is re-encrypted under a new key)."""
    run(ctx, lambda s: s.accounts.remove_user(username), parent=parent,
        changed={Change.USER})


def load_template_folder(*, ctx: AppContext, parent: QWidget,
                         on_done: Callable[[str], None]) -> None:
    run(ctx, lambda s: s.vault.setting("template_folder") or "", parent=parent,
        on_done=on_done)


def set_template_folder(*, ctx: AppContext, parent: QWidget, folder: str,
                        on_done: Done) -> None:
    """Where the studio's own record templates are read from ("": the built-in ones)."""
    run(ctx, lambda s: s.vault.set_setting("template_folder", folder), parent=parent,
        on_done=on_done)


def load_idle_minutes(*, ctx: AppContext, parent: QWidget,
                      on_done: Callable[[int], None]) -> None:
    run(ctx, lambda s: int(s.vault.setting("idle_minutes", "10") or 10), parent=parent,
        on_done=on_done)


def set_idle_minutes(*, ctx: AppContext, parent: QWidget, minutes: int, on_done: Done) -> None:
    """After how many idle minutes the session locks."""
    run(ctx, lambda s: s.vault.set_setting("idle_minutes", str(minutes)), parent=parent,
        on_done=on_done)


def rekey(*, ctx: AppContext, parent: QWidget, on_done: Done) -> None:
    """Re-encrypt the whole vault under a new key."""
    run(ctx, lambda s: s.vault.rekey(), parent=parent, on_done=on_done)


def new_recovery_key(*, ctx: AppContext, parent: QWidget,
                     on_done: Callable[[str], None]) -> None:
    """Make a new recovery key (the one on paper stops working)."""
    run(ctx, lambda s: s.vault.new_recovery_key(), parent=parent, on_done=on_done)


def _about(services: Services) -> tuple[str, int, str]:
    from xinhe.about import sqlcipher_version

    vault = services.vault
    address = str(getattr(vault, "address", ""))
    if address:  # the studio server: its address and PostgreSQL's version
        version = vault.db.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        return address, int(str(version or 0)), str(vault.db.scalar("SHOW server_version"))
    return str(vault.folder.path), vault.db.schema_version, sqlcipher_version()


def load_about(*, ctx: AppContext, parent: QWidget,
               on_done: Callable[[tuple[str, int, str]], None]) -> None:
    run(ctx, _about, parent=parent, on_done=on_done)
