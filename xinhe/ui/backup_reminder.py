"""The backup reminder in the main window.

The administrator sees a banner when the last verified backup is older than the reminder
days (or an automatic backup failed), with a button to make one now, and the last
backup's time in the status bar. Everyone else sees a line in the status bar to pass on
to the administrator, and only when a backup is overdue.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from xinhe.records import backup
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.operations import maintenance
from xinhe.ui.screens.backup_panel import ask_backup_file, local_time, result_text
from xinhe.ui.widgets import error_text, label


class BackupReminder(QFrame):
    def __init__(self, ctx: AppContext, status_line: QLabel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status_line = status_line
        self.status: backup.BackupStatus | None = None
        self.is_admin = ctx.has_role("admin")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        self.text = label("", "warning")
        layout.addWidget(self.text, 1)
        self.button = QPushButton(self.tr("Back up now…"))
        self.button.clicked.connect(self.back_up_now)
        layout.addWidget(self.button)
        self.hide()
        ctx.bus.changed.connect(self._changed)
        self.refresh()

    def _changed(self, kinds: Changes) -> None:
        if Change.BACKUP in kinds:
            self.refresh()

    def refresh(self) -> None:
        if self.ctx.server:  # the IT person backs up the server there (docs/server.md)
            self.status_line.setText(self.tr(
                "Backups: made on the studio server by the IT person") if self.is_admin else "")
            return
        maintenance.backup_state(ctx=self.ctx, parent=self, on_done=self._show,
                                 on_failure=lambda _exc: None)

    def _show(self, state: tuple[backup.BackupStatus, backup.BackupSettings]) -> None:
        self.status, _conf = state
        st = self.status
        if not self.is_admin:
            self.status_line.setText(self._pass_on(st) if st.overdue else "")
            self.status_line.setObjectName("warning" if st.overdue else "")
            self.status_line.setStyleSheet("")
            return
        self.status_line.setText(
            self.tr("Last backup: %1").replace("%1", local_time(st.last_at)) if st.last_at
            else self.tr("No backup yet"))
        lines = []
        if st.overdue:
            lines.append(self._overdue(st))
        if st.auto_error and st.auto_error_at:
            lines.append(self.tr("The automatic backup of %1 failed: %2")
                         .replace("%1", local_time(st.auto_error_at))
                         .replace("%2", st.auto_error))
        self.text.setText("\n".join(lines))
        self.setVisible(bool(lines))

    def _overdue(self, st: backup.BackupStatus) -> str:
        if st.last_at is None or st.age_days is None:
            return self.tr("No verified backup of the records has been made yet. If this "
                           "computer's disk fails, every record is lost.")
        return (self.tr("The last verified backup was made %n day(s) ago (%1, %2). Make a "
                        "new one now.", "", st.age_days)
                .replace("%1", local_time(st.last_at)).replace("%2", st.last_path))

    def _pass_on(self, st: backup.BackupStatus) -> str:
        if st.age_days is None:
            return self.tr("No backup of the records has been made yet: please tell the "
                           "administrator.")
        return self.tr("No backup of the records for %n day(s): please tell the "
                       "administrator.", "", st.age_days)

    def back_up_now(self) -> None:
        dest = ask_backup_file(self, self.status.last_path if self.status else "")
        if dest is None:
            return
        self.button.setEnabled(False)
        self.text.setText(self.tr("Making the backup and checking it…"))

        def done(result: backup.BackupResult) -> None:
            self.button.setEnabled(True)
            window = self.window()
            bar = getattr(window, "statusBar", None)
            if callable(bar):
                bar().showMessage(result_text(result), 15_000)

        def failed(exc: BaseException) -> None:
            self.button.setEnabled(True)
            self.text.setText(error_text(exc))
            self.show()
        maintenance.make_backup(ctx=self.ctx, parent=self, dest=dest, overwrite=True,
                                on_done=done, on_failure=failed)
