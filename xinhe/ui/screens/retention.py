"""The supervisor's retention screen: closed cases past their retention period, the
periods per category, and purging (confirmed, with the password typed again)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xinhe.i18n import language
from xinhe.records import retention, vocab
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.operations import maintenance
from xinhe.ui.widgets import ErrorLine, label, password_field

Index = QModelIndex | QPersistentModelIndex


class DueCaseModel(QAbstractTableModel):
    """Rows of plain DueCase data; data() never touches the database."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[retention.DueCase] = []
        self.headers = [self.tr("Case no."), self.tr("Category"), self.tr("Closed"),
                        self.tr("Kept until"), self.tr("Period"), self.tr("Counsellor")]

    def set_rows(self, rows: list[retention.DueCase]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        if index.column() == 4:
            text = self.tr("%n year(s)", "", row.years)
            return text + (" " + self.tr("(intake only)") if row.intake_only else "")
        return (row.case_no, vocab.label(vocab.CATEGORIES, row.category, language()),
                row.closed_at[:10], row.keep_until.isoformat(), None,
                row.counsellor_name)[index.column()]


class PurgeDialog(QDialog):
    """Confirm a purge and type the password again."""

    purged = Signal(object)

    def __init__(self, ctx: AppContext, case_nos: list[str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_nos = case_nos
        self.setWindowTitle(self.tr("Purge cases for good"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Purge %n case(s): %1", "", len(case_nos))
                               .replace("%1", "、".join(case_nos)), "pageTitle"))
        layout.addWidget(label(self.tr(
            "Every record of these cases is deleted: notes, assessments, crisis records, "
            "safety plans, follow-ups, consents, referrals and attachments, and the client "
            "when no other case is theirs. It cannot be undone. The audit trail keeps only "
            "the case number and your name. Backups made before now still hold these cases "
            "until they are deleted or rotated out."), "warning"))
        self.understood = QCheckBox(self.tr("I understand that this cannot be undone"))
        layout.addWidget(self.understood)
        form = QFormLayout()
        self.password = password_field()
        form.addRow(self.tr("Your password"), self.password)
        layout.addLayout(form)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.purge_button = buttons.addButton(self.tr("Purge"),
                                              QDialogButtonBox.ButtonRole.DestructiveRole)
        self.purge_button.clicked.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.understood.toggled.connect(self._update)
        self.password.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.purge_button.setEnabled(self.understood.isChecked() and bool(self.password.text()))

    def submit(self) -> None:
        self.purge_button.setEnabled(False)

        def done(result: retention.PurgeResult) -> None:
            self.purged.emit(result)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.error.say(exc)
            self.password.selectAll()
            self.password.setFocus()
            self._update()
        maintenance.purge(ctx=self.ctx, parent=self, case_nos=self.case_nos,
                          password=self.password.text(), on_done=done, on_failure=failed)


class RetentionScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Retention"), "pageTitle"))
        layout.addWidget(label(self.tr(
            "Closed cases are kept for a set number of years after closure, then purged: "
            "personal information is kept no longer than necessary. These cases are past "
            "their time."), "hint"))
        self.model = DueCaseModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        self.empty = label(self.tr("No closed case is past its retention period."), "hint")
        layout.addWidget(self.empty)
        self.spacer = QWidget()  # takes the table's room while the list is empty
        layout.addWidget(self.spacer, 1)
        row = QHBoxLayout()
        self.summary = label("", "ok")
        row.addWidget(self.summary, 1)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        row.addWidget(refresh)
        self.purge_button = QPushButton(self.tr("Purge selected…"))
        self.purge_button.clicked.connect(self.ask_purge)
        row.addWidget(self.purge_button)
        layout.addLayout(row)
        layout.addWidget(self._policy_box())
        self.table.selectionModel().selectionChanged.connect(self._update)
        ctx.bus.changed.connect(self._changed)
        self.refresh()

    def _policy_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Retention periods (years after closure)"))
        form = QFormLayout(box)
        self.years: dict[str, QSpinBox] = {}
        for code in vocab.CATEGORIES:
            spin = QSpinBox()
            spin.setRange(1, retention.MAX_YEARS)
            spin.setMaximumWidth(90)
            self.years[code] = spin
            form.addRow(vocab.label(vocab.CATEGORIES, code, language()), spin)
        self.intake_only = QSpinBox()
        self.intake_only.setRange(1, retention.MAX_YEARS)
        self.intake_only.setMaximumWidth(90)
        form.addRow(self.tr("Cases that never went past intake"), self.intake_only)
        save = QPushButton(self.tr("Save periods"))
        save.clicked.connect(self.save_policy)
        self.policy_message = label("", "ok")
        form.addRow(save, self.policy_message)
        return box

    def _changed(self, kinds: Changes) -> None:
        if kinds & {Change.CASE, Change.RETENTION}:
            self.refresh()

    def refresh(self) -> None:
        maintenance.retention_state(ctx=self.ctx, parent=self, on_done=self._show)

    def _show(self, state: tuple[list[retention.DueCase], retention.RetentionPolicy]) -> None:
        due, rules = state
        self.model.set_rows(due)
        self.table.setVisible(bool(due))
        self.empty.setVisible(not due)
        self.spacer.setVisible(not due)
        for code, spin in self.years.items():
            spin.setValue(rules.years.get(code, retention.DEFAULT_YEARS))
        self.intake_only.setValue(rules.intake_only_years)
        self._update()

    def selected_case_nos(self) -> list[str]:
        rows = sorted({self.proxy.mapToSource(i).row()
                       for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r].case_no for r in rows]

    def _update(self) -> None:
        self.purge_button.setEnabled(bool(self.selected_case_nos()))

    def ask_purge(self) -> PurgeDialog | None:
        case_nos = self.selected_case_nos()
        if not case_nos:
            return None
        dialog = PurgeDialog(self.ctx, case_nos, self)
        dialog.purged.connect(self._purged)
        dialog.open()
        return dialog

    def _purged(self, result: retention.PurgeResult) -> None:
        text = self.tr("Purged %n case(s): %1", "", len(result.case_nos)).replace(
            "%1", "、".join(result.case_nos))
        if not result.compacted:
            text += " " + self.tr("The database file could not be compacted just now (another "
                                  "program is using it); it will be the next time this list "
                                  "is opened.")
        self.summary.setText(text)

    def save_policy(self) -> None:
        policy = retention.RetentionPolicy({c: s.value() for c, s in self.years.items()},
                                           self.intake_only.value())
        maintenance.set_retention_policy(
            ctx=self.ctx, parent=self, policy=policy,
            on_done=lambda _p: self.policy_message.setText(self.tr("Saved.")))
