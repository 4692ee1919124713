"""Recording informed consent (知情同意) for one purpose and one receiving agency — or the
legal basis that makes consent unnecessary (a legal duty, or protecting life in an
emergency). Used from the case view and from the referral wizard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from functools import partial

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from xinhe.records import vocab
from xinhe.records.consent import Consent
from xinhe.records.referrals import Referral
from xinhe.ui.changes import Change
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs.simple import SimpleForm
from xinhe.ui.locking import lock_button
from xinhe.ui.operations import referrals as referral_ops
from xinhe.ui.widgets import ErrorLine, label


def _combo(labels: vocab.Labels, current: str | None = None) -> QComboBox:
    box = QComboBox()
    for code in labels:
        box.addItem(vocab.label(labels, code), code)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


def given_at(day: date) -> datetime:
    """Today: now. Another day: that day at noon, local time."""
    if day == date.today():
        return datetime.now().astimezone()
    return datetime.combine(day, time(12, 0)).astimezone()


class ConsentDialog(QDialog):
    """Emits `recorded(consent)` once the consent (or legal basis) is saved."""

    recorded = Signal(object)

    def __init__(self, ctx: AppContext, case_id: int, parent: QWidget | None = None, *,
                 purpose: str | None = None, recipient: str | None = None,
                 fixed: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.setWindowTitle(self.tr("Record consent"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "Consent covers one purpose and one receiving agency. A child under 14 needs a "
            "guardian's consent. Without consent, a referral may only rest on a legal basis: "
            "a legal duty such as a mandatory report, or protecting life in an emergency."),
            "hint"))
        form = QFormLayout()
        self.purpose = _combo(vocab.CONSENT_PURPOSES, purpose)
        self.recipient = _combo(vocab.AGENCIES, recipient)
        self.purpose.setEnabled(not fixed)
        self.recipient.setEnabled(not fixed)
        form.addRow(self.tr("Purpose"), self.purpose)
        form.addRow(self.tr("Receiving agency"), self.recipient)
        self.by_consent = QRadioButton(self.tr("The client (or guardian) consented"))
        self.by_basis = QRadioButton(self.tr("No consent: a legal basis applies"))
        self.by_consent.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_consent)
        group.addButton(self.by_basis)
        form.addRow(self.by_consent)
        self.form = _combo(vocab.CONSENT_FORMS)
        self.given_by = QLineEdit()
        self.given_by.setPlaceholderText(self.tr("e.g. the client herself, or 'mother 李某'"))
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate.currentDate())
        form.addRow(self.tr("How it was given"), self.form)
        form.addRow(self.tr("Given by"), self.given_by)
        form.addRow(self.tr("Date"), self.date)
        form.addRow(self.by_basis)
        self.basis = _combo(vocab.LEGAL_BASES)
        self.basis_note = QPlainTextEdit()
        self.basis_note.setPlaceholderText(self.tr("Briefly, why consent was not needed"))
        self.basis_note.setMaximumHeight(80)
        self.basis_note.setTabChangesFocus(True)
        form.addRow(self.tr("Legal basis"), self.basis)
        form.addRow(self.tr("Situation"), self.basis_note)
        layout.addLayout(form)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.addButton(lock_button(ctx), QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(self.buttons)
        self.by_consent.toggled.connect(self._switch)
        self._switch()

    def _switch(self) -> None:
        consent = self.by_consent.isChecked()
        widgets: list[QWidget] = [self.form, self.given_by, self.date]
        for widget in widgets:
            widget.setEnabled(consent)
        for other in (self.basis, self.basis_note):
            other.setEnabled(not consent)

    @property
    def save_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def save(self) -> None:
        day = self.date.date()
        values = {"purpose": self.purpose.currentData(),
                  "recipient": self.recipient.currentData(),
                  "given_at": given_at(date(day.year(), day.month(), day.day()))}
        if self.by_consent.isChecked():
            values.update(form=self.form.currentData(), given_by=self.given_by.text())
        else:
            values.update(legal_basis=self.basis.currentData(),
                          basis_note=self.basis_note.toPlainText())

        def done(consent: Consent) -> None:
            self.recorded.emit(consent)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.say(exc)
        self.buttons.setEnabled(False)
        self.error.hide()
        referral_ops.record_consent(ctx=self.ctx, parent=self, case_id=self.case_id,
                                    values=values, on_done=done, on_failure=failed)


def open_consent_dialog(ctx: AppContext, case_id: int, parent: QWidget, *,
                        purpose: str | None = None, recipient: str | None = None,
                        fixed: bool = False) -> ConsentDialog:
    """Show the dialog (window-modal); listen to `recorded` for the saved consent."""
    dialog = ConsentDialog(ctx, case_id, parent, purpose=purpose, recipient=recipient,
                           fixed=fixed)
    dialog.open()
    return dialog


def offer_recall(ctx: AppContext, parent: QWidget, referrals: list[Referral], *,
                 consent_id: int | None = None, intro: str = "",
                 on_done: Callable[[object], None] | None = None) -> SimpleForm | None:
    """Offer to recall delivered referrals (all ticked), with the reason; each recall sends
    a signed notice to the outbox. After a consent is withdrawn: those that rested on it."""
    if not referrals:
        return None
    form = SimpleForm(ctx, QCoreApplication.translate("Recall", "Recall referrals"), intro or
                      QCoreApplication.translate(
                          "Recall", "A signed recall notice goes to the agency through the "
                          "outbox, asking it to stop using the referral."), parent)
    for referral in referrals:
        form.add_check(f"r{referral.id}", QCoreApplication.translate(
            "Recall", "%1 to %2, delivered %3").replace("%1", referral.referral_no)
            .replace("%2", vocab.label(vocab.AGENCIES, referral.agency))
            .replace("%3", (referral.delivered_at or "")[:10]), True)
    reason = form.add_line("reason", QCoreApplication.translate("Recall", "Reason"),
                           QCoreApplication.translate("Recall", "The client withdrew her "
                                                      "consent") if consent_id else "")
    reason.setObjectName("recallReason")
    form.ok_button.setText(QCoreApplication.translate("Recall", "Recall"))
    form.run(partial(referral_ops.recall_referrals, referral_ids=[r.id for r in referrals],
                     consent_id=consent_id), {Change.REFERRAL}, on_done=on_done)
    return form
