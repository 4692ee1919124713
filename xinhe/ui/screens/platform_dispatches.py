"""The dashboard's "new dispatches from the platform" section: what the district platform
sent and nobody has accepted yet, the nearest first-contact deadline first. Supervisors
and staff see it; staff receive from the inbox, a supervisor accepts and assigns.

For every case role it also sends the handling reports that events queued (accepted,
first contact, follow-up …) after each change, so they leave without anyone asking."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xinhe.records import vocab
from xinhe.records.platform_dispatch import GRADES
from xinhe.records.platform_inbox import InboxResult, WaitingDispatch
from xinhe.ui.case_data import local_time
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.operations import platform as ops
from xinhe.ui.screens.common import add_row, item_list, time_left
from xinhe.ui.widgets import error_text, label


class PlatformDispatches(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle(self.tr("New dispatches from the platform"))
        layout = QVBoxLayout(self)
        self.list = item_list([self.tr("First contact by"), self.tr("Platform ref."),
                               self.tr("Grade"), self.tr("Category"), self.tr("Client"),
                               self.tr("Time left")])
        self.list.itemDoubleClicked.connect(self._accept)
        layout.addWidget(self.list)
        self.note = label("", "hint")
        self.note.hide()
        layout.addWidget(self.note)
        row = QHBoxLayout()
        row.addStretch(1)
        self.receive_button = QPushButton(self.tr("Receive from the inbox"))
        self.receive_button.clicked.connect(self._receive)
        row.addWidget(self.receive_button)
        self.accept_button = QPushButton(self.tr("Accept and assign…"))
        self.accept_button.clicked.connect(self._accept)
        self.accept_button.setVisible(ctx.has_role("supervisor"))
        row.addWidget(self.accept_button)
        # Registers from the community or the studio's earlier books come in here too: a
        # supervisor imports them (on the studio server only she may; the admin's tab
        # says so), so she need not leave her dashboard or use the command line.
        self.import_button = QPushButton(self.tr("Import a register…"))
        self.import_button.setToolTip(self.tr(
            "Bring a register (Excel or CSV) in as cases: a dry run shows counts and "
            "problems first, and importing the same rows again creates nothing."))
        self.import_button.clicked.connect(self.import_register)
        self.import_button.setVisible(ctx.has_role("supervisor"))
        row.addWidget(self.import_button)
        layout.addLayout(row)
        self.setVisible(ctx.has_role("supervisor", "staff"))
        ctx.bus.changed.connect(self._changed)
        self.reload()

    def import_register(self) -> QDialog:
        """Open the register import wizard (the same as the admin's Import tab)."""
        from xinhe.ui.register_wizard import RegisterImportWizard

        wizard = RegisterImportWizard(self.ctx, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        return wizard

    def _changed(self, kinds: Changes) -> None:
        if Change.PLATFORM in kinds:
            self.reload()
        if kinds & ops.REPORT_AFTER:
            ops.send_reports(ctx=self.ctx, parent=self, on_done=lambda _left: None)

    def reload(self) -> None:
        if self.ctx.has_role("supervisor", "staff"):
            ops.load_waiting(ctx=self.ctx, parent=self, on_done=self._loaded)

    def _loaded(self, rows: list[WaitingDispatch]) -> None:
        self.list.clear()
        for row in rows:
            left, overdue = time_left(row.first_contact_due)
            add_row(self.list, [local_time(row.first_contact_due), row.platform_ref,
                                vocab.label(GRADES, row.grade),
                                vocab.label(vocab.CATEGORIES, row.category), row.client_name,
                                left], row.id, overdue=overdue,
                    risk=row.grade, risk_column=2)
        if not rows:
            add_row(self.list, [self.tr("No new dispatches.")], None).setFirstColumnSpanned(True)
        self.accept_button.setEnabled(bool(rows))

    def _receive(self) -> None:
        self.receive_button.setEnabled(False)

        def done(result: InboxResult) -> None:
            self.receive_button.setEnabled(True)
            text = self.tr("%n dispatch(es) received.", "", len(result.received))
            if result.rejected:
                text += " " + self.tr(
                    "%n file(s) set aside in the quarantine folder: %1", "",
                    len(result.rejected)).replace(
                        "%1", "; ".join(p.message() for p in result.rejected))
            self.note.setText(text)
            self.note.show()

        def failed(exc: BaseException) -> None:
            self.receive_button.setEnabled(True)
            self.note.setText(error_text(exc))
            self.note.show()
        ops.receive_inbox(ctx=self.ctx, parent=self, on_done=done, on_failure=failed)

    def selected(self) -> int | None:
        item = self.list.currentItem() or self.list.topLevelItem(0)
        key = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        return int(key) if key is not None else None

    def _accept(self) -> None:
        dispatch_id = self.selected()
        if dispatch_id is None or not self.ctx.has_role("supervisor"):
            return
        from xinhe.ui.dialogs.platform_accept import AcceptDispatchDialog

        dialog = AcceptDispatchDialog(self.ctx, dispatch_id, self)
        dialog.accepted_case.connect(self.ctx.bus.open_case)
        dialog.open()
