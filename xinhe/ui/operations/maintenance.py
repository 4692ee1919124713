"""Backup, restore and retention actions, and the daily damage check, each run on the
database thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.records import backup, retention
from xinhe.records.restore import RestoreResult, restore_backup
from xinhe.records.vault import Vault, VaultFolder
from xinhe.ui.changes import Change
from xinhe.ui.operations import run
from xinhe.ui.worker import DbWorker

if TYPE_CHECKING:  # the controller imports this module before any vault is open
    from xinhe.records.integrity import IntegrityReport
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext

Failure = Callable[[BaseException], None]


def backup_state(*, ctx: AppContext, parent: QWidget | None,
                 on_done: Callable[[tuple[backup.BackupStatus, backup.BackupSettings]], None],
                 on_failure: Failure | None = None) -> None:
    """When and where the last verified backup was made, and the backup settings."""
    run(ctx, lambda s: (backup.status(s.vault), backup.settings(s.vault)), parent=parent,
        on_done=on_done, on_failure=on_failure)


def make_backup(*, ctx: AppContext, parent: QWidget | None, dest: Path, overwrite: bool,
                on_done: Callable[[backup.BackupResult], None],
                on_failure: Failure | None = None) -> None:
    run(ctx, lambda s: backup.make_backup(s.vault, dest, overwrite=overwrite), parent=parent,
        on_done=on_done, on_failure=on_failure, changed={Change.BACKUP})


def save_backup_settings(*, ctx: AppContext, parent: QWidget | None,
                         settings: backup.BackupSettings,
                         on_done: Callable[[backup.BackupSettings], None],
                         on_failure: Failure | None = None) -> None:
    run(ctx, lambda s: backup.save_settings(s.vault, settings), parent=parent,
        on_done=on_done, on_failure=on_failure, changed={Change.BACKUP})


def auto_backup(*, worker: DbWorker, vault: Vault, when: str) -> None:
    """Queue the automatic backup of `when` ("lock" or "exit") before the vault closes.
    A failure is kept in the vault and shown after the next unlock."""
    worker.submit(lambda: backup.auto_backup(vault, when))


def restore(*, worker: DbWorker, folder: VaultFolder, path: Path, recovery_key: str,
            replace: bool, on_success: Callable[[RestoreResult], None],
            on_failure: Failure) -> None:
    """Restore a backup file into the vault folder (no vault is open)."""
    worker.submit(lambda: restore_backup(path, recovery_key, folder.path, folder.binding,
                                         replace=replace, clock=folder.clock,
                                         workstation=folder.workstation),
                  on_success, on_failure)


def retention_state(*, ctx: AppContext, parent: QWidget | None,
                    on_done: Callable[[tuple[list[retention.DueCase],
                                             retention.RetentionPolicy]], None]) -> None:
    def work(s: Services) -> tuple[list[retention.DueCase], retention.RetentionPolicy]:
        retention.compact_pending(s.vault)  # a compaction an earlier purge could not run
        return retention.due_cases(s.vault), retention.policy(s.vault)
    run(ctx, work, parent=parent, on_done=on_done)


def set_retention_policy(*, ctx: AppContext, parent: QWidget | None,
                         policy: retention.RetentionPolicy,
                         on_done: Callable[[retention.RetentionPolicy], None]) -> None:
    run(ctx, lambda s: retention.set_policy(s.vault, policy), parent=parent, on_done=on_done,
        changed={Change.RETENTION})


def purge(*, ctx: AppContext, parent: QWidget | None, case_nos: list[str], password: str,
          on_done: Callable[[retention.PurgeResult], None], on_failure: Failure) -> None:
    """Delete cases past their retention period (asks the password again)."""
    run(ctx, lambda s: retention.purge(s.vault, case_nos, password), parent=parent,
        on_done=on_done, on_failure=on_failure, changed={Change.CASE, Change.CLIENT,
                                                         Change.RETENTION})


def _daily_check(services: Services) -> IntegrityReport | None:
    from xinhe.records.integrity import daily_check

    return daily_check(services.vault)


def daily_check(*, ctx: AppContext, parent: QWidget,
                on_done: Callable[[IntegrityReport | None], None], on_failure: Failure) -> None:
    """Today's reading of the whole vault file for damage (None: already made today)."""
    run(ctx, _daily_check, parent=parent, on_done=on_done, on_failure=on_failure)
