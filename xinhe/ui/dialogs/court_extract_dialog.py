"""The record of help sought for a court (求助记录证明), from the case view in two clicks:
the case's button opens this dialog with the minimum necessary ticked; "Sign" makes, signs
and keeps it. Then it can be printed or saved as a PDF (each audited)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xinhe.i18n import language
from xinhe.records.court_extract import ExtractItem
from xinhe.ui.locking import lock_button
from xinhe.ui.operations import court as court_ops
from xinhe.ui.widgets import ErrorLine, label

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from xinhe.export.court_extract import ExtractResult
    from xinhe.ui.context import AppContext

SECTION_NAMES = {"client": ("当事人", "Client"), "contacts": ("联系", "Contacts"),
                 "incident": ("反映的情况", "Reported"), "injuries": ("伤情", "Injuries"),
                 "crises": ("危机干预", "Crisis"), "assessments": ("风险评估", "Assessments"),
                 "referrals": ("转介", "Referrals"), "notes": ("咨询记录", "Session note")}


class CourtExtractDialog(QDialog):
    def __init__(self, ctx: AppContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.extract_no: str | None = None
        self.setWindowTitle(self.tr("Record of help sought, for the court"))
        self.setMinimumSize(560, 480)
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "The court may take the studio's record of her help-seeking as evidence for a "
            "protection order. Tick what the court needs — the minimum is ticked already. "
            "Session-note text goes in only where you tick it; her address, phone and ID "
            "number never do. The extract is signed by the studio and kept in the vault."),
            "hint"))
        self.items = QListWidget()
        layout.addWidget(self.items, 1)
        self.outcome = label("", wrap=True)
        layout.addWidget(self.outcome)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sign_button = QPushButton(self.tr("Sign the extract"))
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.make)
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.clicked.connect(lambda: self.print_extract())
        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.save_button.clicked.connect(self.save_as)
        for button in (self.sign_button, self.print_button, self.save_button):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(lock_button(ctx), QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._enable()
        court_ops.load_items(ctx=ctx, parent=self, case_id=case_id, lang=language(),
                             on_done=self._listed)

    def _listed(self, items: list[ExtractItem]) -> None:
        zh = language() != "en"
        for item in items:
            section = SECTION_NAMES.get(item.section, (item.section, item.section))
            row = QListWidgetItem(f"{section[0] if zh else section[1]} · {item.label}")
            row.setData(Qt.ItemDataRole.UserRole, item.key)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked if item.default else
                              Qt.CheckState.Unchecked)
            self.items.addItem(row)
        self._enable()

    def chosen(self) -> list[str]:
        return [str(self.items.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.items.count())
                if self.items.item(i).checkState() == Qt.CheckState.Checked]

    def _enable(self) -> None:
        made = self.extract_no is not None
        self.sign_button.setEnabled(not made and self.items.count() > 0)
        self.items.setEnabled(not made)
        self.print_button.setEnabled(made)
        self.save_button.setEnabled(made)

    def make(self) -> None:
        chosen, case_id = self.chosen(), self.case_id

        def done(result: ExtractResult) -> None:
            self.extract_no = result.record.extract_no
            self.outcome.setText(self.tr("Signed and kept: %1 (SHA-256 %2…). Print it or "
                                        "save it as a PDF for the court.")
                                .replace("%1", result.record.extract_no)
                                .replace("%2", result.record.sha256[:16]))
            self._enable()

        def failed(exc: BaseException) -> None:
            self.sign_button.setEnabled(True)
            self.error.say(exc)
        self.sign_button.setEnabled(False)
        self.error.hide()
        court_ops.make_extract(ctx=self.ctx, parent=self, case_id=case_id, chosen=chosen,
                               on_done=done, on_failure=failed)

    def print_extract(self, printer: QPrinter | None = None) -> None:
        from xinhe.ui.printing import print_signed

        number = self.extract_no
        if number is None:
            return
        print_signed(ctx=self.ctx, parent=self, printer=printer, title=number,
                     fetch=partial(court_ops.print_copy, extract_no=number),
                     on_done=lambda: self.outcome.setText(
                         self.tr("%1 sent to the printer.").replace("%1", number)))

    def save_as(self) -> None:
        number = self.extract_no
        if number is None:
            return
        from xinhe.export.court_extract import file_name

        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the signed extract"), str(Path.home() / file_name(number)),
            self.tr("PDF files (*.pdf)"))
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        number = self.extract_no
        assert number is not None
        court_ops.save_copy(ctx=self.ctx, parent=self, extract_no=number, path=path,
                            on_done=lambda _r: self.outcome.setText(
                                self.tr("Saved: %1").replace("%1", str(path))))


def open_court_extract(ctx: AppContext, case_id: int, parent: QWidget) -> CourtExtractDialog:
    dialog = CourtExtractDialog(ctx, case_id, parent)
    dialog.open()
    return dialog
