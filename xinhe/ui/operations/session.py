"""Opening and closing the vault: set-up, unlock, recovery, lock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xinhe.ui.worker import DbWorker

if TYPE_CHECKING:  # the vault's code loads on the database thread, at the first unlock
    from xinhe.records.services import Services
    from xinhe.records.storage.server_session import ServerFolder
    from xinhe.records.vault import Vault, VaultFolder


@dataclass(frozen=True)
class Opened:
    """An unlocked vault and what the window needs to show about it (read on the DB thread)."""

    services: Services
    org_name: str
    binding_on: bool
    idle_minutes: int
    server: str = ""  # on the studio server: host:port/dbname; "" on a local vault

    @property
    def vault(self) -> Vault:
        return self.services.vault


def _opened(vault: Vault) -> Opened:
    # Imported here, on the database thread while unlocking: the unlock window shows sooner.
    from xinhe.records import templates as tpl
    from xinhe.records.services import Services

    minutes = vault.setting("idle_minutes", "10") or "10"
    templates = tpl.TemplateRegistry.default(vault.setting("template_folder"))
    # The studio server has no workstation binding: its key slots live on the server.
    return Opened(Services(vault, templates), vault.org_name,
                  bool(getattr(vault, "binding_on", False)), max(1, int(minutes)),
                  str(getattr(vault, "address", "")))


def create_vault(*, worker: DbWorker, folder: VaultFolder, org_name: str, admin_username: str,
                 admin_display_name: str, password: str,
                 on_success: Callable[[tuple[Opened, str]], None],
                 on_failure: Callable[[BaseException], None]) -> None:
    def work() -> tuple[Opened, str]:
        from xinhe.records.signing_store import SigningStore

        vault, recovery_key = folder.create(org_name, admin_username, admin_display_name,
                                            password)
        SigningStore(vault).ensure_at_setup()  # the studio's certificate for referrals
        return _opened(vault), recovery_key
    worker.submit(work, on_success, on_failure)


def unlock(*, worker: DbWorker, folder: VaultFolder | ServerFolder, username: str,
           password: str,
           on_success: Callable[[Opened], None],
           on_failure: Callable[[BaseException], None]) -> None:
    worker.submit(lambda: _opened(folder.unlock(username, password)),  # type: ignore[arg-type]
                  on_success, on_failure)


def join_server(*, worker: DbWorker, dsn: str, username: str, password: str,
                on_success: Callable[[Opened], None],
                on_failure: Callable[[BaseException], None]) -> None:
    """Sign in to a studio server for the first time from this workstation."""
    def work() -> Opened:
        import socket

        from xinhe.records.storage.server_session import ServerFolder

        folder = ServerFolder(dsn, workstation=socket.gethostname())
        return _opened(folder.unlock(username, password))  # type: ignore[arg-type]
    worker.submit(work, on_success, on_failure)


def recover(*, worker: DbWorker, folder: VaultFolder, recovery_key: str, username: str,
            new_password: str, on_success: Callable[[Opened], None],
            on_failure: Callable[[BaseException], None]) -> None:
    worker.submit(lambda: _opened(folder.recover(recovery_key, username, new_password)),
                  on_success, on_failure)


def lock(*, worker: DbWorker, vault: Vault, reason: str = "lock",
         on_done: Callable[[None], None] | None = None) -> None:
    worker.submit(lambda: vault.close(reason), on_done, lambda exc: on_done and on_done(None))
