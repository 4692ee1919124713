"""For a supervisor, on the dashboard: the people who harmed clients in more than one case
of the studio (records/persons.py, PersonService.risk_signals), with the case numbers and
why they are taken for the same person. Reading the list is audited."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from xinhe.records.persons import RiskSignal
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.operations import calendar as ops
from xinhe.ui.screens.common import add_row, item_list

REASONS = {
    "id_number": QT_TRANSLATE_NOOP("RiskSignals", "same ID number"),
    "phone": QT_TRANSLATE_NOOP("RiskSignals", "same phone"),
    "name_birth_year": QT_TRANSLATE_NOOP("RiskSignals", "same name and year of birth"),
}


class RiskSignals(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle(self.tr("Risk signals: the same person who harmed clients in several "
                              "cases"))
        layout = QVBoxLayout(self)
        self.list = item_list([self.tr("Person"), self.tr("Born"), self.tr("Cases"),
                               self.tr("Why taken for the same person")])
        layout.addWidget(self.list)
        self.setVisible(ctx.has_role("supervisor"))
        ctx.bus.changed.connect(self._changed)
        self.reload()

    def _changed(self, kinds: Changes) -> None:
        if kinds & {Change.PERSON, Change.CASE}:
            self.reload()

    def reload(self) -> None:
        if self.ctx.has_role("supervisor"):
            ops.load_risk_signals(ctx=self.ctx, parent=self, on_done=self._loaded)

    def _loaded(self, signals: list[RiskSignal]) -> None:
        self.list.clear()
        for signal in signals:
            why = ", ".join(QCoreApplication.translate("RiskSignals", str(REASONS[r]))
                            if r in REASONS else r for r in signal.reasons)
            add_row(self.list, [signal.name, str(signal.birth_year or ""),
                                " ".join(signal.case_numbers), why], signal.case_numbers,
                    overdue=True)
        if not signals:
            add_row(self.list, [self.tr("No one found in more than one case.")], None)
