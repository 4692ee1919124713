"""The per-agency field policy as a grid: one row per client field, record part and
attachment kind; one column per agency; a tick where the agency may receive it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QWidget

from xinhe.records import vocab
from xinhe.records.referral_policy import CHOICES, SECTION_LABELS, SECTIONS, FieldPolicy

AGENCY_CODES = tuple(vocab.AGENCIES)


def short_agency(code: str) -> str:
    """The agency's name without the explanation in brackets, for a column header."""
    return vocab.label(vocab.AGENCIES, code).split("（")[0].split(" (")[0]


class PolicyGrid(QTableWidget):
    """Edits a `FieldPolicy`; `changed` fires on every tick or untick."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(AGENCY_CODES), parent)
        self.setHorizontalHeaderLabels([short_agency(a) for a in AGENCY_CODES])
        self.horizontalHeader().setDefaultSectionSize(82)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self._rows: list[tuple[str, str] | None] = []  # (section, key), None for a heading
        self._policy: FieldPolicy | None = None
        labels = []
        for section in SECTIONS:
            self._rows.append(None)
            labels.append(vocab.label(SECTION_LABELS, section))
            for key in CHOICES[section]:
                self._rows.append((section, key))
                labels.append(vocab.label(CHOICES[section], key))
        self.setRowCount(len(self._rows))
        for row, (text, entry) in enumerate(zip(labels, self._rows, strict=True)):
            header = QTableWidgetItem(text)
            if entry is None:
                font = header.font()
                font.setBold(True)
                header.setFont(font)
            self.setVerticalHeaderItem(row, header)
        self.itemChanged.connect(self._ticked)

    def set_policy(self, policy: FieldPolicy) -> None:
        self._policy = policy
        self.blockSignals(True)
        try:
            for row, entry in enumerate(self._rows):
                for column, agency in enumerate(AGENCY_CODES):
                    item = QTableWidgetItem()
                    if entry is None:
                        item.setFlags(Qt.ItemFlag.NoItemFlags)
                        item.setBackground(self.palette().alternateBase())
                    else:
                        section, key = entry
                        item.setFlags(Qt.ItemFlag.ItemIsEnabled |
                                      Qt.ItemFlag.ItemIsUserCheckable)
                        allowed = policy.for_agency(agency).allows(section, key)
                        item.setCheckState(Qt.CheckState.Checked if allowed
                                           else Qt.CheckState.Unchecked)
                        item.setToolTip(f"{short_agency(agency)} · "
                                        f"{vocab.label(CHOICES[section], key)}")
                    self.setItem(row, column, item)
        finally:
            self.blockSignals(False)

    def policy(self) -> FieldPolicy:
        assert self._policy is not None
        return self._policy

    def cell_for(self, agency: str, section: str, key: str) -> QTableWidgetItem:
        item = self.item(self._rows.index((section, key)), AGENCY_CODES.index(agency))
        assert item is not None
        return item

    def _ticked(self, item: QTableWidgetItem) -> None:
        entry = self._rows[item.row()]
        if entry is None or self._policy is None:
            return
        section, key = entry
        agency = AGENCY_CODES[item.column()]
        self._policy = self._policy.with_choice(
            agency, section, key, item.checkState() == Qt.CheckState.Checked)
        self.changed.emit()
