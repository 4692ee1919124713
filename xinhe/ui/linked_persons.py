"""The people around the client of one case (children, family, the person who harmed her):
a table to add, change and remove them; the same person who harmed her found in other
cases (masked where the user may not read that case); and, while a child who may be under
18 is linked to a domestic-violence case with no report made, the prompt to record the
minor mandatory report."""

from __future__ import annotations

import html
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xinhe.records.persons import MINOR_TEMPLATE, RELATIONS, LinkedPerson, SamePerson
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs.simple import SimpleForm, confirm
from xinhe.ui.operations import cases as case_ops
from xinhe.ui.operations.cases import PanelData
from xinhe.ui.widgets import label

WARN_RED = "#b00020"


class LinkedPersonsDialog(QDialog):
    def __init__(self, ctx: AppContext, case_id: int, can_write: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.data: PanelData | None = None
        self.setWindowTitle(self.tr("People around her"))
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([
            self.tr("Relation"), self.tr("Name"), self.tr("Born"), self.tr("Phone"),
            self.tr("In household"), self.tr("Notes")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.signals = label("", wrap=True)
        self.signals.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.signals)
        self.minor = label("", wrap=True)
        self.minor.setStyleSheet(f"color: {WARN_RED}")
        layout.addWidget(self.minor)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add person…"))
        self.edit_button = QPushButton(self.tr("Change…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.report_button = QPushButton(self.tr("Record the mandatory report…"))
        for button in (self.add_button, self.edit_button, self.remove_button,
                       self.report_button):
            button.setEnabled(can_write)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.selected()))
        self.remove_button.clicked.connect(self.remove)
        self.report_button.clicked.connect(self.record_report)
        self.resize(820, 460)
        ctx.bus.changed.connect(self._changed)
        self.reload()

    def _changed(self, kinds: Changes) -> None:
        if kinds & {Change.PERSON, Change.CLOCK, Change.ASSESSMENT}:
            self.reload()

    def reload(self) -> None:
        case_ops.load_persons(ctx=self.ctx, parent=self, case_id=self.case_id,
                              on_done=self._loaded)

    def _loaded(self, data: PanelData) -> None:
        self.data = data
        self.table.setRowCount(len(data.persons))
        for index, person in enumerate(data.persons):
            cells = (RELATIONS[person.relation][0 if self._zh() else 1], person.name,
                     str(person.birth_year or ""), person.phone or "",
                     self.tr("yes") if person.in_household else "", person.notes or "")
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.signals.setText("<br>".join(self._same_text(m) for m in data.same))
        names = "、".join(p.name for p in data.minors_unreported)
        self.minor.setText(self.tr(
            "A child who may be under 18 (%1) lives with domestic violence: record the minor "
            "mandatory report (report to the police at once).").replace("%1", names)
            if names else "")
        self.report_button.setVisible(bool(names))

    def _same_text(self, match: SamePerson) -> str:
        if match.readable:
            text = self.tr("Risk: the person who harmed her is also recorded in case %1 (%2).")
            text = text.replace("%1", match.other_case_no or "").replace("%2", match.other_name)
        else:
            text = self.tr("Risk: the person who harmed her may also be in another "
                           "counsellor's case (%1). Ask %2 or a supervisor.")
            text = text.replace("%1", match.other_name).replace("%2", "、".join(match.contacts))
        return f"<span style='color:{WARN_RED}'>{html.escape(text)}</span>"

    @staticmethod
    def _zh() -> bool:
        from xinhe.i18n import language

        return language() == "zh_CN"

    def selected(self) -> LinkedPerson | None:
        row = self.table.currentRow()
        if self.data is None or not 0 <= row < len(self.data.persons):
            return None
        return self.data.persons[row]

    def edit(self, person: LinkedPerson | None) -> None:
        """Add a person (None) or change one, in a small form."""
        title = self.tr("Add person") if person is None else self.tr("Change person")
        form = SimpleForm(self.ctx, title, parent=self)
        form.add_choice("relation", self.tr("Relation to the client"),
                        [(k, v[0] if self._zh() else v[1]) for k, v in RELATIONS.items()],
                        person.relation if person else "child")
        form.add_line("name", self.tr("Name"), person.name if person else "")
        form.add_line("birth_year", self.tr("Year of birth"),
                      str(person.birth_year or "") if person else "")
        form.add_line("phone", self.tr("Phone"), person.phone or "" if person else "")
        form.add_line("id_number", self.tr("ID number"),
                      person.id_number or "" if person else "")
        form.add_check("in_household", self.tr("Lives in the client's household"),
                       person.in_household if person else False)
        form.add_text("notes", self.tr("Notes"), person.notes or "" if person else "")
        form.run(partial(case_ops.save_person, case_id=self.case_id, person=person),
                 {Change.PERSON})

    def remove(self) -> None:
        person = self.selected()
        if person is None:
            return
        confirm(self, self.tr("Remove person"), self.tr(
            "Remove this person from the case? Do this only for an entry made by mistake."),
            lambda: case_ops.remove_person(ctx=self.ctx, parent=self, person_id=person.id))

    def record_report(self) -> None:
        """Open the minor mandatory-report record for this case."""
        from xinhe.ui.dialogs.records import AssessmentDialog

        template = self.ctx.services.templates.get(MINOR_TEMPLATE)
        AssessmentDialog(self.ctx, self.case_id, template, parent=self).open()
