"""The first pages of the referral wizard (see `xinhe.ui.referral_wizard`); the preview,
signing and delivery pages are in `referral_wizard_signing`.

Pages that need the database start a job and go on when it comes back: `validatePage`
returns False, and the job's success moves the wizard on (the pattern of the set-up
wizard's account page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from xinhe.records import vocab
from xinhe.records.consent import Consent
from xinhe.records.referral_packets import OverviewRow
from xinhe.records.referral_policy import CHOICES, SECTIONS
from xinhe.records.referrals import Referral
from xinhe.ui.dialogs.consent_dialog import open_consent_dialog
from xinhe.ui.operations import referral_wizard as wizard_ops
from xinhe.ui.widgets import ErrorLine, label

if TYPE_CHECKING:
    from xinhe.ui.referral_wizard import ReferralWizard

OK_MARK = "✓"
NO_MARK = "—"
FAILED_MARK = "✗"
KEPT_GREY = "#8a8a8a"
DISCLOSED_RED = "#b00020"


def combo(labels: vocab.Labels, current: str) -> QComboBox:
    box = QComboBox()
    for code in labels:
        box.addItem(vocab.label(labels, code), code)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class AsyncPage(QWizardPage):
    """A page whose "Next" waits for a database job."""

    def __init__(self, wizard: ReferralWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.busy = False
        self._passed = False
        self.error = ErrorLine()

    def show_error(self, exc: BaseException | str) -> None:
        self.error.say(exc)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.completeChanged.emit()

    def go_on(self) -> None:
        """The job succeeded: let `validatePage` pass once and move on."""
        self.set_busy(False)
        self._passed = True
        self.wiz.next()

    def passed(self) -> bool:
        if self._passed:
            self._passed = False
            return True
        return False

    def failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.show_error(exc)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return not self.busy


class AgencyPage(QWizardPage):
    def __init__(self, wizard: ReferralWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Who receives the referral, and why"))
        case = wizard.case
        self.setSubTitle(self.tr("Case %1 · %2").replace("%1", case.case_no)
                         .replace("%2", case.client.name))
        form = QFormLayout(self)
        self.agency = combo(vocab.AGENCIES, wizard.agency)
        self.purpose = combo(vocab.CONSENT_PURPOSES, wizard.purpose)
        self.agency.setEnabled(not wizard.fixed)
        self.purpose.setEnabled(not wizard.fixed)
        form.addRow(self.tr("Receiving agency"), self.agency)
        form.addRow(self.tr("Purpose"), self.purpose)
        form.addRow(label(self.tr(
            "Only what this agency's field policy allows is sent, and only with the client's "
            "consent for this purpose and this agency (or a recorded legal basis)."), "hint"))

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        agency, purpose = self.agency.currentData(), self.purpose.currentData()
        referral = self.wiz.referral
        if referral is not None and not self.wiz.fixed and \
                (referral.agency, referral.purpose) != (agency, purpose):
            self.wiz.set_referral(None)
        self.wiz.agency, self.wiz.purpose = agency, purpose
        return True


class ConsentPage(QWizardPage):
    def __init__(self, wizard: ReferralWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Consent"))
        self.setSubTitle(self.tr("A referral needs the client's consent for this purpose and "
                                 "this agency, or a recorded legal basis."))
        layout = QVBoxLayout(self)
        self.status = label("")
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.record = QPushButton(self.tr("Record consent…"))
        self.record.clicked.connect(self.open_dialog)
        row.addWidget(self.record)
        row.addStretch()
        layout.addLayout(row)
        self.staff_note = label(self.tr(
            "Consent is recorded by the case's counsellor or a supervisor. Ask them to record "
            "it, then open this referral again."), "hint")
        layout.addWidget(self.staff_note)
        layout.addStretch()
        self.loading = False

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        self.wiz.consent = None
        self.loading = True
        self.status.setObjectName("hint")
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Checking the consent on file…"))
        self.record.hide()
        self.staff_note.hide()
        self.completeChanged.emit()
        wiz = self.wiz
        wizard_ops.load_consent_state(ctx=wiz.ctx, parent=self, case_id=wiz.case.id,
                                      agency=wiz.agency, purpose=wiz.purpose,
                                      find_draft=wiz.referral is None, on_done=self._shown)

    def _shown(self, state: tuple[Consent | None, Referral | None]) -> None:
        consent, draft = state
        self.loading = False
        if draft is not None:
            self.wiz.set_referral(draft)
        self.wiz.consent = consent
        agency = vocab.label(vocab.AGENCIES, self.wiz.agency)
        purpose = vocab.label(vocab.CONSENT_PURPOSES, self.wiz.purpose)
        if consent is not None:
            how = vocab.label(vocab.CONSENT_FORMS, consent.form) if consent.form else \
                vocab.label(vocab.LEGAL_BASES, consent.legal_basis)
            self.status.setObjectName("ok")
            self.status.setText(self.tr("%1 OK: %2 for “%3” to %4, recorded %5.")
                                .replace("%1", OK_MARK).replace("%2", how)
                                .replace("%3", purpose).replace("%4", agency)
                                .replace("%5", consent.given_at[:10]))
        else:
            self.status.setObjectName("error")
            self.status.setText(self.tr(
                "Missing: there is no consent from the client for “%1” to %2, and no legal "
                "basis recorded. The referral cannot be signed without one.")
                .replace("%1", purpose).replace("%2", agency))
            self.record.setVisible(self.wiz.can_draft)
            self.staff_note.setVisible(not self.wiz.can_draft)
        self.status.setStyleSheet("")  # re-apply the style for the new object name
        self.completeChanged.emit()

    def open_dialog(self) -> None:
        dialog = open_consent_dialog(self.wiz.ctx, self.wiz.case.id, self, fixed=True,
                                     purpose=self.wiz.purpose, recipient=self.wiz.agency)
        dialog.recorded.connect(lambda _consent: self.initializePage())

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return not self.loading and self.wiz.consent is not None


class FieldsPage(AsyncPage):
    def __init__(self, wizard: ReferralWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("What will be sent"))
        self.setSubTitle(self.tr("Every item the policy knows, and whether this agency gets "
                                 "it. The administrator sets the policy."))
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Sent"),
                                              self.tr("What this case has")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 260)
        self.table.setColumnWidth(1, 90)
        self.table.itemChanged.connect(self._ticked)
        layout.addWidget(self.table)
        layout.addWidget(label(self.tr("Confidential fields are not sent unless you tick them "
                                       "for this referral; a ticked field is shown in red "
                                       "and the tick is recorded."), "hint"))
        layout.addWidget(self.error)
        self.ticked: frozenset[str] | None = None  # None: not read from the draft yet
        self.tick_rows: dict[int, str] = {}

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        self.table.setRowCount(0)
        self.error.hide()
        self.set_busy(True)
        wiz = self.wiz

        def shown(result: tuple[frozenset[str], list[OverviewRow]]) -> None:
            self.ticked = result[0]
            self._fill(result[1])
        wizard_ops.load_fields(ctx=wiz.ctx, parent=self, case_id=wiz.case.id, agency=wiz.agency,
                               chosen=self.ticked,
                               referral_id=wiz.referral.id if wiz.referral else None,
                               on_done=shown, on_failure=self.failed)

    def _ticked(self, cell: QTableWidgetItem) -> None:
        key = self.tick_rows.get(cell.row())
        if key is None or cell.column() != 1 or self.busy:
            return
        on = cell.checkState() == Qt.CheckState.Checked
        self.ticked = (self.ticked or frozenset()) | {key} if on else \
            (self.ticked or frozenset()) - {key}
        self.initializePage()

    def _fill(self, overview: list[OverviewRow]) -> None:
        headings = {"client_fields": self.tr("Client"), "record_parts": self.tr("Record"),
                    "attachments": self.tr("Attachments")}
        rows: list[tuple[str, str, str, str]] = []  # name, mark, content, kind
        keys: list[str] = []
        for section in SECTIONS:
            rows.append((headings[section], "", "", "heading"))
            keys.append("")
            for row in (r for r in overview if r.section == section):
                name = "    " + vocab.label(CHOICES[section], row.key)
                keys.append(row.key)
                if row.confidential and (row.ticked or row.content):
                    rows.append((name + self.tr(" (confidential)"), "",
                                 row.content, "ticked" if row.ticked else "secret"))
                elif row.allowed:
                    rows.append((name, OK_MARK, row.content or self.tr("(nothing recorded)"),
                                 "sent"))
                else:
                    rows.append((name, NO_MARK, self.tr("not sent to this agency"), "kept"))
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        self.tick_rows = {}
        for index, (name, sent, value, kind) in enumerate(rows):
            for column, text in enumerate((name, sent, value)):
                cell = QTableWidgetItem(text)
                if kind == "heading":
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                elif kind == "kept":
                    cell.setForeground(QColor(KEPT_GREY))
                elif kind in ("ticked", "secret"):
                    cell.setForeground(QColor(DISCLOSED_RED if kind == "ticked" else KEPT_GREY))
                    if column == 1:
                        self.tick_rows[index] = keys[index]
                        flags = Qt.ItemFlag.ItemIsUserCheckable
                        if self.wiz.can_draft:
                            flags |= Qt.ItemFlag.ItemIsEnabled
                        cell.setFlags(flags)
                        cell.setCheckState(Qt.CheckState.Checked if kind == "ticked" else
                                           Qt.CheckState.Unchecked)
                if column == 1:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(index, column, cell)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self.set_busy(False)

    def sent_items(self) -> dict[str, str]:
        """Shown item → what is sent (for tests and screen readers)."""
        out = {}
        for row in range(self.table.rowCount()):
            name, mark, value = (self.table.item(row, c) for c in range(3))
            if name and mark and value and (mark.text() == OK_MARK or (
                    row in self.tick_rows and mark.checkState() == Qt.CheckState.Checked)):
                out[name.text().strip()] = value.text()
        return out

    def shown_items(self) -> dict[str, str]:
        """Every shown item → what the page shows for it (sent or not)."""
        out = {}
        for row in range(self.table.rowCount()):
            name, value = self.table.item(row, 0), self.table.item(row, 2)
            if name and value and value.text():
                out[name.text().strip()] = value.text()
        return out


class SummaryPage(AsyncPage):
    def __init__(self, wizard: ReferralWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Situation summary"))
        self.setSubTitle(self.tr("Write for the receiving agency: what happened, what is "
                                 "asked of them, and what they should know for safety."))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.urgency = combo(vocab.URGENCIES, "normal")
        form.addRow(self.tr("Urgency"), self.urgency)
        layout.addLayout(form)
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.textChanged.connect(self.completeChanged)
        layout.addWidget(self.summary, 1)
        self.staff_note = label(self.tr("Written by the case's counsellor; staff cannot "
                                        "change it."), "hint")
        layout.addWidget(self.staff_note)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        self.error.hide()
        referral = self.wiz.referral
        if referral is not None:
            self.summary.setPlainText(referral.summary)
            self.urgency.setCurrentIndex(max(0, self.urgency.findData(referral.urgency)))
        editable = self.wiz.can_draft
        self.summary.setReadOnly(not editable)
        self.urgency.setEnabled(editable)
        self.staff_note.setVisible(not editable)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return not self.busy and bool(self.summary.toPlainText().strip())

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        if self.passed():
            return True
        wiz = self.wiz
        referral = wiz.referral
        if not wiz.can_draft:
            if referral is None:
                self.show_error(self.tr("There is no draft of this referral. The case's "
                                        "counsellor or a supervisor drafts it first."))
                return False
            return True
        summary, urgency = self.summary.toPlainText(), self.urgency.currentData()
        ticked = wiz.fields_page.ticked or frozenset()

        def saved(result: Referral) -> None:
            wiz.set_referral(result)
            self.go_on()
        self.error.hide()
        self.set_busy(True)
        wizard_ops.save_draft(ctx=wiz.ctx, parent=self, referral=referral, case_id=wiz.case.id,
                              agency=wiz.agency, purpose=wiz.purpose, urgency=urgency,
                              summary=summary, ticked=ticked, on_done=saved,
                              on_failure=self.failed)
        return False
