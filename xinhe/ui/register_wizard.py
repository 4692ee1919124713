"""The administrator's register import wizard: choose the file, confirm what each column
holds (and who takes rows whose counsellor has no account), see the dry run row by row,
then import all rows or none. It shows what the command line shows: masked names, the
cases' structure and every problem — never a client's details or a summary's text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xinhe.i18n import pick
from xinhe.records.register_import import (
    ImportPlan,
    ImportResult,
    RegisterProblems,
    import_refusal,
)
from xinhe.records.register_map import FIELDS, Layout, Mapping, mapping_from_layout, save_mapping
from xinhe.records.register_plan import Counsellor
from xinhe.records.register_read import Sheet
from xinhe.records.register_report import count_lines, row_line
from xinhe.ui.context import AppContext
from xinhe.ui.operations import register as ops
from xinhe.ui.widgets import error_text, label

FILE_FILTER = "*.xlsx *.csv *.txt"


class RegisterImportWizard(QDialog):
    """Three steps on one dialog: file, columns, dry run and import."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sheet: Sheet | None = None
        self.layout_guess: Layout | None = None
        self.plan: ImportPlan | None = None
        self.outcome: ImportResult | None = None
        self.setWindowTitle(self.tr("Import a register"))
        self.resize(900, 640)
        outer = QVBoxLayout(self)
        self.steps = QStackedWidget()
        outer.addWidget(self.steps, 1)
        self.error = label("", "error")
        self.error.hide()
        outer.addWidget(self.error)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back"))
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.setObjectName("primary")
        self.close_button = QPushButton(self.tr("Close"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.forward)
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.back_button)
        buttons.addStretch()
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        outer.addLayout(buttons)
        self.steps.addWidget(self._file_step())
        self.steps.addWidget(self._columns_step())
        self.steps.addWidget(self._report_step())
        self._show_step(0)

    # -- the steps --------------------------------------------------------------------------
    def _file_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(label(self.tr(
            "Choose the studio's register: an Excel workbook (.xlsx) or a CSV file saved by "
            "Excel (UTF-8 or GBK). Its first sheet is read; nothing is written until you "
            "import."), "hint"))
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("Register file"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        layout.addStretch()
        return page

    def _columns_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.file_info = label("")
        layout.addWidget(self.file_info)
        self.columns = QTableWidget(0, 2)
        self.columns.setHorizontalHeaderLabels([self.tr("Column in the file"),
                                                self.tr("Holds")])
        self.columns.horizontalHeader().setStretchLastSection(True)
        self.columns.verticalHeader().hide()
        layout.addWidget(self.columns, 1)
        row = QHBoxLayout()
        row.addWidget(label(self.tr("Rows whose counsellor has no account go to:"), wrap=False))
        self.assign = QComboBox()
        row.addWidget(self.assign, 1)
        save = QPushButton(self.tr("Save the mapping…"))
        save.clicked.connect(self._save_mapping)
        row.addWidget(save)
        layout.addLayout(row)
        return page

    def _report_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary = label("")
        layout.addWidget(self.summary)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.report, 1)
        return page

    def _show_step(self, index: int) -> None:
        self.steps.setCurrentIndex(index)
        self.error.hide()
        self.back_button.setEnabled(index > 0 and self.outcome is None)
        texts = [self.tr("Next"), self.tr("Dry run"), self.tr("Import")]
        self.next_button.setText(texts[index])
        self.next_button.setEnabled(index < 2 or (self.plan is not None and self.plan.ok
                                                  and self.outcome is None))

    # -- moving on --------------------------------------------------------------------------
    def back(self) -> None:
        self._show_step(max(0, self.steps.currentIndex() - 1))

    def forward(self) -> None:
        step = self.steps.currentIndex()
        self.next_button.setEnabled(False)
        if step == 0:
            path = Path(self.path.text().strip())
            ops.open_register(ctx=self.ctx, parent=self, path=path, on_done=self._opened,
                              on_failure=self._failed)
        elif step == 1 and self.sheet is not None:
            ops.dry_run(ctx=self.ctx, parent=self, sheet=self.sheet, mapping=self.mapping(),
                        assign_to=self.assign.currentData(), on_done=self._planned,
                        on_failure=self._failed)
        elif step == 2 and self.sheet is not None:
            ops.import_rows(ctx=self.ctx, parent=self, sheet=self.sheet,
                            mapping=self.mapping(), assign_to=self.assign.currentData(),
                            on_done=self._imported, on_failure=self._failed)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, RegisterProblems):
            self._planned(exc.plan)
        self.error.setText(error_text(exc))
        self.error.show()
        self.next_button.setEnabled(self.steps.currentIndex() < 2)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the register"), str(Path.home()),
            self.tr("Registers (%1)").replace("%1", FILE_FILTER))
        if chosen:
            self.path.setText(chosen)

    def _opened(self, opened: tuple[Sheet, Layout, list[Counsellor]]) -> None:
        self.sheet, self.layout_guess, people = opened
        sheet, layout = self.sheet, self.layout_guess
        where = (self.tr("Excel workbook, sheet “%1”").replace("%1", sheet.sheet_name or "")
                 if sheet.kind == "xlsx" else
                 self.tr("CSV file, encoding %1").replace("%1", sheet.encoding_name))
        self.file_info.setText(self.tr("%1: %2; header in row %3. Check what each column "
                                       "holds.").replace("%1", sheet.file_name)
                               .replace("%2", where).replace("%3", str(layout.header_row)))
        self.columns.setRowCount(0)
        for index, header in enumerate(layout.headers):
            if not header:
                continue
            row = self.columns.rowCount()
            self.columns.insertRow(row)
            item = QTableWidgetItem(header)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.columns.setItem(row, 0, item)
            choice = QComboBox()
            choice.addItem(self.tr("(not imported)"), None)
            for key, names in FIELDS.items():
                choice.addItem(pick(*names), key)
            choice.setCurrentIndex(max(0, choice.findData(layout.fields.get(index))))
            self.columns.setCellWidget(row, 1, choice)
        self.assign.clear()
        self.assign.addItem(self.tr("(nobody: such rows are problems)"), None)
        for person in people:
            self.assign.addItem(f"{person.display_name} ({person.username})", person.username)
        self._show_step(1)

    def mapping(self) -> Mapping:
        """The columns as confirmed on screen."""
        assert self.layout_guess is not None
        columns: dict[str, str | None] = {}
        for row in range(self.columns.rowCount()):
            item = self.columns.item(row, 0)
            combo = self.columns.cellWidget(row, 1)
            assert item is not None and isinstance(combo, QComboBox)
            columns[item.text()] = combo.currentData()
        return Mapping(columns, header_row=self.layout_guess.header_row)

    def _save_mapping(self) -> None:
        assert self.layout_guess is not None
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the mapping"), str(Path.home() / "register-mapping.json"),
            self.tr("Mapping files (*.json)"))
        if chosen:
            mapping = self.mapping()
            layout = Layout(mapping.header_row or 1, self.layout_guess.headers, {
                i: f for i, h in enumerate(self.layout_guess.headers)
                if (f := mapping.columns.get(h))})
            try:
                save_mapping(Path(chosen), mapping_from_layout(layout))
            except Exception as exc:  # noqa: BLE001 (said in the dialog, never a traceback)
                self._failed(exc)

    def _planned(self, plan: ImportPlan) -> None:
        self.plan = plan
        lines = count_lines(plan)
        self.summary.setText("\n".join(lines))
        self.report.setPlainText("\n".join(row_line(row) for row in plan.rows))
        if not plan.ok:
            self.summary.setText("\n".join([*lines, self.tr(
                "Fix these rows in the file (or the columns or the counsellor here) and run "
                "the dry run again: nothing is imported while any row has a problem.")]))
        self._show_step(2)

    def _imported(self, result: ImportResult) -> None:
        self.outcome = result
        self.summary.setText(self.tr(
            "Imported: %1 case(s) for %2 client(s), %3 imported summary note(s). Rows "
            "imported before: %4 (not created again). The import is in the audit log.")
            .replace("%1", str(result.created_cases)).replace("%2", str(result.created_clients))
            .replace("%3", str(result.notes))
            .replace("%4", str(result.plan.count("imported"))))
        self._show_step(2)
        self.next_button.setEnabled(False)
        self.close_button.setText(self.tr("Done"))


class RegisterImportPanel(QWidget):
    """The admin screen's tab: what an import does, and the button that starts it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.wizard: RegisterImportWizard | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "Bring the studio's earlier register (Excel or CSV) into Xinhe. Each row becomes "
            "a case of the counsellor named in it, with its client; a summary becomes an "
            "imported note on the case. You see counts and problems, not the clients' "
            "details. All rows are imported or none, and importing the same rows again "
            "creates nothing.")))
        self.start = QPushButton(self.tr("Import a register…"))
        self.start.setObjectName("primary")
        self.start.clicked.connect(self.open_wizard)
        row = QHBoxLayout()
        row.addWidget(self.start)
        row.addStretch()
        layout.addLayout(row)
        # Said before a file is chosen, not after: who imports here, and how.
        refusal = import_refusal(ctx.actor.role, on_server=bool(ctx.server))
        self.who = label("")
        if refusal is not None:
            self.start.setEnabled(False)
            self.who.setText(pick(*refusal) + (pick("", " ") + self.tr(
                "A supervisor imports it on her dashboard: \"Import a register…\" under the "
                "new dispatches from the platform.")
                if ctx.server else ""))
        self.who.setVisible(refusal is not None)
        layout.addWidget(self.who)
        layout.addStretch()

    def open_wizard(self) -> RegisterImportWizard:
        self.wizard = RegisterImportWizard(self.ctx, self)
        self.wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.wizard.open()
        return self.wizard
