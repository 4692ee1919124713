"""The admin's backup panel: make a verified backup now, see when and where the last one
was made, the reminder, and automatic backups on lock or exit."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from xinhe.records import backup
from xinhe.records.backup_file import SUFFIX
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.operations import maintenance
from xinhe.ui.save_dialogs import ask_folder, ask_save_path
from xinhe.ui.widgets import error_text, label


def local_time(when: datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, size // 1024)} KB"


def last_backup_text(status: backup.BackupStatus) -> str:
    if status.last_at is None:
        return QCoreApplication.translate("BackupPanel", "No verified backup has been made yet.")
    text = QCoreApplication.translate("BackupPanel", "Last verified backup: %1, %2 (%3).")
    return (text.replace("%1", local_time(status.last_at)).replace("%2", status.last_path)
            .replace("%3", size_text(status.last_size)))


def ask_backup_file(parent: QWidget | None, last_path: str) -> Path | None:
    """Where to write a backup: the Save dialog (it asks before replacing a file)."""
    name = f"xinhe-backup-{datetime.now().strftime('%Y%m%d-%H%M')}{SUFFIX}"
    return ask_save_path(
        parent, QCoreApplication.translate("BackupPanel", "Save the backup"), name,
        QCoreApplication.translate("BackupPanel", "Xinhe backups (*%1)").replace("%1", SUFFIX),
        folder=Path(last_path).parent if last_path else None, suffix=SUFFIX)


class BackupResult(QObject):
    """A QObject so that lupdate sees the plural form (see screens.common.Time)."""

    def written(self, cases: int) -> str:
        return self.tr("Backup written and verified: %1 (%2, %n case(s)).", "", cases)


def result_text(result: backup.BackupResult) -> str:
    text = BackupResult().written(result.counts.get("cases", 0))
    text = text.replace("%1", str(result.path)).replace("%2", size_text(result.size))
    if result.same_disk:
        text += " " + QCoreApplication.translate(
            "BackupPanel", "It is on the same disk as the vault, so a disk failure would take "
            "both: copy it to a USB stick or another computer too.")
    return text


class BackupPanel(QWidget):
    """A tab of the admin screen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status: backup.BackupStatus | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Backup"), "pageTitle"))
        layout.addWidget(label(self.tr(
            "A backup is one encrypted file holding every record, attachment and account. It "
            "opens only with the recovery key. Keep copies away from this computer: a USB "
            "stick locked away, or the studio's share."), "hint"))
        self.last = label("")
        layout.addWidget(self.last)
        self.warning = label("", "warning")
        self.warning.hide()
        layout.addWidget(self.warning)
        row = QHBoxLayout()
        self.backup_now = QPushButton(self.tr("Back up now…"))
        self.backup_now.setObjectName("primary")
        self.backup_now.clicked.connect(self.choose_and_back_up)
        row.addWidget(self.backup_now)
        row.addStretch()
        layout.addLayout(row)
        self.result = label("")
        self.result.hide()
        layout.addWidget(self.result)
        layout.addWidget(self._settings_box())
        layout.addStretch()
        ctx.bus.changed.connect(self._changed)
        self.refresh()

    def _settings_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Reminder and automatic backups"))
        form = QFormLayout(box)
        self.remind_days = QSpinBox()
        self.remind_days.setRange(1, 365)
        self.remind_days.setSuffix(self.tr(" days"))
        self.remind_days.setMaximumWidth(120)
        form.addRow(self.tr("Remind when the last backup is older than"), self.remind_days)
        self.auto_folder = QLineEdit()
        self.auto_folder.setPlaceholderText(self.tr("e.g. a USB stick or the studio's share"))
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.auto_folder, 1)
        folder_row.addWidget(choose)
        form.addRow(self.tr("Automatic backup folder"), folder_row)
        self.auto_keep = QSpinBox()
        self.auto_keep.setRange(1, 100)
        self.auto_keep.setSuffix(self.tr(" backups"))
        self.auto_keep.setMaximumWidth(120)
        form.addRow(self.tr("Keep the last"), self.auto_keep)
        self.on_lock = QCheckBox(self.tr("Back up when the app locks"))
        self.on_exit = QCheckBox(self.tr("Back up when the app exits"))
        form.addRow("", self.on_lock)
        form.addRow("", self.on_exit)
        self.save = QPushButton(self.tr("Save settings"))
        self.save.clicked.connect(self.save_settings)
        self.settings_message = label("")
        form.addRow(self.save, self.settings_message)
        return box

    # -- loading ------------------------------------------------------------------------
    def _changed(self, kinds: Changes) -> None:
        if Change.BACKUP in kinds:
            self.refresh()

    def refresh(self) -> None:
        maintenance.backup_state(ctx=self.ctx, parent=self, on_done=self._show)

    def _show(self, state: tuple[backup.BackupStatus, backup.BackupSettings]) -> None:
        self.status, conf = state
        self.last.setText(last_backup_text(self.status))
        warnings = []
        if self.status.overdue:
            warnings.append(self.tr("Reminder: no verified backup for more than %n day(s).", "",
                                    conf.remind_days))
        if self.status.auto_error and self.status.auto_error_at:
            warnings.append(self.tr("The automatic backup of %1 failed: %2")
                            .replace("%1", local_time(self.status.auto_error_at))
                            .replace("%2", self.status.auto_error))
        self.warning.setText("\n".join(warnings))
        self.warning.setVisible(bool(warnings))
        self.remind_days.setValue(conf.remind_days)
        self.auto_folder.setText(conf.auto_folder)
        self.auto_keep.setValue(conf.auto_keep)
        self.on_lock.setChecked(conf.auto_on_lock)
        self.on_exit.setChecked(conf.auto_on_exit)

    # -- actions ------------------------------------------------------------------------
    def choose_and_back_up(self) -> None:
        dest = ask_backup_file(self, self.status.last_path if self.status else "")
        if dest is not None:
            self.back_up_to(dest)

    def back_up_to(self, dest: Path) -> None:
        """Back up to `dest`; the Save dialog has already asked about replacing it."""
        self.backup_now.setEnabled(False)
        self._message(self.result, self.tr("Making the backup and checking it…"), "hint")

        def done(result: backup.BackupResult) -> None:
            self.backup_now.setEnabled(True)
            self._message(self.result, result_text(result),
                          "warning" if result.same_disk else "ok")

        def failed(exc: BaseException) -> None:
            self.backup_now.setEnabled(True)
            self._message(self.result, error_text(exc), "error")
        maintenance.make_backup(ctx=self.ctx, parent=self, dest=dest, overwrite=True,
                                on_done=done, on_failure=failed)

    def _choose_folder(self) -> None:
        chosen = ask_folder(self, self.tr("Folder for automatic backups"),
                            self.auto_folder.text().strip())
        if chosen:
            self.auto_folder.setText(chosen)

    def save_settings(self) -> None:
        new = backup.BackupSettings(self.remind_days.value(), self.auto_folder.text().strip(),
                                    self.auto_keep.value(), self.on_lock.isChecked(),
                                    self.on_exit.isChecked())
        maintenance.save_backup_settings(
            ctx=self.ctx, parent=self, settings=new,
            on_done=lambda _s: self._message(self.settings_message, self.tr("Saved."), "ok"),
            on_failure=lambda exc: self._message(self.settings_message, error_text(exc),
                                                 "error"))

    @staticmethod
    def _message(target: QWidget, text: str, kind: str) -> None:
        target.setObjectName(kind)
        target.setStyleSheet("")  # re-apply the style for the new object name
        target.setText(text)  # type: ignore[attr-defined]
        target.show()
