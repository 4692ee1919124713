"""管理 → 审计: the audit chain's current head, to copy into the paper register, and the
check of the chain against every witness outside the database (records/witnesses.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from xinhe.records import witnesses
from xinhe.records.services import Services
from xinhe.ui import operations
from xinhe.ui.clipboard import copy_sensitive
from xinhe.ui.context import AppContext
from xinhe.ui.widgets import label


def current_head(services: Services) -> tuple[int, str]:
    return services.vault.audit.head()


def check_witnesses(services: Services) -> tuple[bool, list[str], tuple[int, str]]:
    report = witnesses.check(services.vault)
    lines = [p.describe() for p in report.chain.problems]
    lines += [("✓ " if r.ok else "✗ ") + r.describe() for r in report.results]
    lines += ["? " + u.describe() for u in report.unchecked]
    return report.ok, lines, services.vault.audit.head()


class AuditPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.seq, self.hash = 0, ""
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "The audit chain proves the order of what happened, but not that nothing was cut "
            "from its end. Write its current head into the paper register now and then (a "
            "supervisor signs beside it); checking later against what was written shows any "
            "cut or rewritten end."), "hint"))
        self.head = label("", "auditHead")
        self.head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.head)
        row = QHBoxLayout()
        self.copy_button = QPushButton(self.tr("Copy the head"))
        self.copy_button.setToolTip(self.tr(
            "Copies it as SEQ:HASH, the form `xinhe audit verify --expect` takes."))
        self.copy_button.clicked.connect(self.copy)
        self.verify_button = QPushButton(self.tr("Check the chain and its witnesses"))
        self.verify_button.clicked.connect(self.verify)
        row.addWidget(self.copy_button)
        row.addWidget(self.verify_button)
        row.addStretch()
        layout.addLayout(row)
        self.verdict = label("")
        layout.addWidget(self.verdict)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        layout.addWidget(self.details, 1)
        self.reload()

    def reload(self) -> None:
        operations.run(self.ctx, current_head, parent=self, on_done=self._show_head)

    def _show_head(self, head: tuple[int, str]) -> None:
        self.seq, self.hash = head
        self.head.setText(self.tr("Current audit chain head: entry %1 · %2")
                          .replace("%1", str(self.seq)).replace("%2", self.hash))

    def copy(self) -> None:
        if self.hash:
            copy_sensitive(f"{self.seq}:{self.hash}")

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        operations.run(self.ctx, check_witnesses, parent=self, on_done=self._checked,
                       on_failure=self._failed)

    def _failed(self, exc: BaseException) -> None:
        from xinhe.ui.operations import show_failure

        self.verify_button.setEnabled(True)
        show_failure(self, exc)

    def _checked(self, outcome: tuple[bool, list[str], tuple[int, str]]) -> None:
        ok, lines, head = outcome
        self.verify_button.setEnabled(True)
        self._show_head(head)
        self.verdict.setText(self.tr("The audit chain is intact and agrees with every witness.")
                             if ok else self.tr("The audit chain has been tampered with."))
        self.verdict.setObjectName("ok" if ok else "error")
        self.verdict.setStyleSheet("")  # the object name picks the colour
        self.details.setPlainText("\n".join(lines))
