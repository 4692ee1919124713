"""Accepting a dispatch (supervisor): what the platform sent, the duplicate check's
matches to pick from (or a new client), and the counsellor who takes the case."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from xinhe.records import vocab
from xinhe.records.cases import CaseHeader
from xinhe.records.platform_dispatch import GRADES
from xinhe.ui.case_data import local_time
from xinhe.ui.context import AppContext
from xinhe.ui.locking import lock_button
from xinhe.ui.operations import platform as ops
from xinhe.ui.screens.common import add_row, item_list
from xinhe.ui.widgets import ErrorLine, label

NEW_CLIENT = -1


class AcceptDispatchDialog(QDialog):
    accepted_case = Signal(int)

    def __init__(self, ctx: AppContext, dispatch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dispatch_id = dispatch_id
        self.setWindowTitle(self.tr("Accept a platform dispatch"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.facts = QFormLayout()
        layout.addLayout(self.facts)
        layout.addWidget(label(self.tr("Is this client already on file? Pick the same person, "
                                       "or create a new client."), "hint"))
        self.clients = item_list([self.tr("Client"), self.tr("Born"), self.tr("Why shown"),
                                  self.tr("Cases")])
        layout.addWidget(self.clients)
        form = QFormLayout()
        self.counsellor = QComboBox()
        form.addRow(self.tr("Responsible counsellor"), self.counsellor)
        layout.addLayout(form)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Accept and assign"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.buttons.addButton(lock_button(ctx), QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.setEnabled(False)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        ops.load_accept(ctx=ctx, parent=self, dispatch_id=dispatch_id, on_done=self._loaded)

    def _loaded(self, data: ops.AcceptData) -> None:
        found = data.dispatch
        client = found.client
        rows = [
            (self.tr("Platform ref."), found.platform_ref),
            (self.tr("Platform grade"), vocab.label(GRADES, found.grade)),
            (self.tr("Category"), vocab.label(vocab.CATEGORIES, found.category)),
            (self.tr("First contact by"), local_time(found.first_contact_due.isoformat())),
            (self.tr("Dispatched by"), found.agency),
            (self.tr("Summary"), found.summary),
            (self.tr("Client"), " · ".join(x for x in (
                client.name, client.birth_date, client.phone, client.community) if x)),
        ]
        for name, value in rows:
            self.facts.addRow(name, label(value or "—"))
        add_row(self.clients, [self.tr("New client: %1").replace("%1", client.name), "",
                               "", ""], NEW_CLIENT)
        reasons = {"id_number": self.tr("same ID number"), "phone": self.tr("same phone"),
                   "name_birth_year": self.tr("same name and year of birth"),
                   "name": self.tr("same name"), "name_sound": self.tr("similar name")}
        for match in data.matches:
            key = match.client.id if match.client is not None else None
            item = add_row(self.clients, [match.name, str(match.birth_year or ""),
                                          ", ".join(reasons.get(r, r) for r in match.reasons),
                                          " ".join(match.case_numbers)], key)
            if key is None:
                item.setDisabled(True)
        first = self.clients.topLevelItem(0)
        if first is not None:
            self.clients.setCurrentItem(first)
        for user_id, name in data.counsellors:
            self.counsellor.addItem(name, user_id)
        self.buttons.setEnabled(True)

    def chosen_client(self) -> int | None:
        item = self.clients.currentItem()
        key = item.data(0, Qt.ItemDataRole.UserRole) if item else NEW_CLIENT
        return None if key in (None, NEW_CLIENT) else int(key)

    def _submit(self) -> None:
        self.buttons.setEnabled(False)

        def done(header: CaseHeader) -> None:
            self.accepted_case.emit(header.id)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.say(exc)
        ops.accept_dispatch(ctx=self.ctx, parent=self, dispatch_id=self.dispatch_id,
                            counsellor_id=int(self.counsellor.currentData()),
                            client_id=self.chosen_client(), on_done=done, on_failure=failed)
