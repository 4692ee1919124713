"""A client's alias and the fields that can be confidential (where she must not be found):
each with a tick and a reason. A confidential value stays masked here too until the user
presses "Show" (the records layer audits it); only a shown value can be changed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xinhe.records.clients import CONFIDENTIAL_FIELDS, MASK, Client
from xinhe.ui.context import AppContext
from xinhe.ui.locking import lock_button
from xinhe.ui.operations import clients as client_ops
from xinhe.ui.widgets import ErrorLine, label


class ClientDetailsDialog(QDialog):
    def __init__(self, ctx: AppContext, client: Client, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client = client
        self.setWindowTitle(self.tr("Client details"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "Mark a field confidential where she must not be found: it is masked on every "
            "screen and is not sent in any packet unless ticked for that packet."), "hint"))
        grid = QGridLayout()
        layout.addLayout(grid)
        self.alias = QLineEdit(client.alias or "")
        grid.addWidget(QLabel(self.tr("Alias (name used in the studio)")), 0, 0)
        grid.addWidget(self.alias, 0, 1)
        titles = {"address": self.tr("Address"), "phone": self.tr("Phone"),
                  "workplace": self.tr("Workplace"),
                  "child_school": self.tr("Children's school"),
                  "new_location": self.tr("New location")}
        self.edits: dict[str, QLineEdit] = {}
        self.secret: dict[str, QCheckBox] = {}
        self.reasons: dict[str, QLineEdit] = {}
        self.show_buttons: dict[str, QPushButton] = {}
        for row, key in enumerate(CONFIDENTIAL_FIELDS, start=1):
            edit = QLineEdit(getattr(client, key) or "")
            masked = client.is_masked(key) and edit.text() == MASK
            edit.setReadOnly(masked)
            box = QCheckBox(self.tr("confidential"))
            box.setChecked(key in client.confidential)
            reason = QLineEdit(client.confidential.get(key, ""))
            reason.setPlaceholderText(self.tr("Why (required)"))
            reason.setEnabled(box.isChecked())
            box.toggled.connect(reason.setEnabled)
            grid.addWidget(QLabel(titles[key]), row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(box, row, 2)
            grid.addWidget(reason, row, 3)
            if masked:
                show = QPushButton(self.tr("Show"))
                show.clicked.connect(lambda _=False, k=key: self.reveal(k))
                grid.addWidget(show, row, 4)
                self.show_buttons[key] = show
            self.edits[key], self.secret[key], self.reasons[key] = edit, box, reason
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.addButton(lock_button(ctx), QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(720)

    def reveal(self, key: str) -> None:
        """Show one confidential value (audited) and let it be changed."""
        client_id = self.client.id

        def shown(value: object) -> None:
            edit = self.edits[key]
            edit.setText(str(value or ""))
            edit.setReadOnly(False)
            self.show_buttons[key].setEnabled(False)
        client_ops.reveal_field(ctx=self.ctx, parent=self, client_id=client_id, key=key,
                                on_done=shown, on_failure=self.error.say)

    def changes(self) -> tuple[dict[str, Any], dict[str, str], list[str]]:
        """(changed values, fields to mark → reason, fields to unmark)."""
        values: dict[str, Any] = {}
        if self.alias.text().strip() != (self.client.alias or ""):
            values["alias"] = self.alias.text()
        mark: dict[str, str] = {}
        unmark: list[str] = []
        for key, edit in self.edits.items():
            if not edit.isReadOnly() and edit.text().strip() != (
                    getattr(self.client, key) or ""):
                values[key] = edit.text()
            was = key in self.client.confidential
            reason = self.reasons[key].text().strip()
            if self.secret[key].isChecked() and (
                    not was or reason != self.client.confidential.get(key)):
                mark[key] = reason
            elif was and not self.secret[key].isChecked():
                unmark.append(key)
        return values, mark, unmark

    def save(self) -> None:
        values, mark, unmark = self.changes()
        self.buttons.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.say(exc)
        client_ops.save_details(ctx=self.ctx, parent=self, client=self.client, values=values,
                                mark=mark, unmark=unmark, on_done=lambda _r: self.accept(),
                                on_failure=failed)
