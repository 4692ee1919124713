"""The referral wizard, opened from a case (or for a draft from the referrals screen):

1. agency and purpose; 2. consent check, with a way to record it; 3. the fields that will
be sent, against the agency's policy; 4. the situation summary; 5. the PDF, previewed in
the app; 6. the password again; 7. signing and delivery, with progress, off the UI thread.

Everything it reads and writes goes through the services on the database thread. The
preview lives in memory only and is dropped when the wizard closes or the app locks.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from xinhe.records.consent import Consent
from xinhe.records.referrals import Referral
from xinhe.ui.context import AppContext
from xinhe.ui.locking import lock_button
from xinhe.ui.operations import referral_wizard as wizard_ops
from xinhe.ui.operations.referral_wizard import WizardStart
from xinhe.ui.referral_wizard_pages import AgencyPage, ConsentPage, FieldsPage, SummaryPage
from xinhe.ui.referral_wizard_signing import PreviewPage, ProgressPage, SignPage


class ReferralWizard(QWizard):
    """Emits `finished_referral(referral_id)` when a referral was signed (delivered or not)."""

    finished_referral = Signal(int)

    def __init__(self, ctx: AppContext, start: WizardStart, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case = start.case
        self.referral: Referral | None = start.referral
        self.fixed = start.referral is not None  # a draft's agency and purpose stay
        self.outbox = start.outbox
        self.signer = start.signer
        self.consent: Consent | None = None
        self.agency = start.referral.agency if start.referral else "police"
        self.purpose = start.referral.purpose if start.referral else "referral"
        self.signed = False
        self.setWindowTitle(self.tr("Referral — case %1").replace("%1", self.case.case_no))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.agency_page = AgencyPage(self)
        self.consent_page = ConsentPage(self)
        self.fields_page = FieldsPage(self)
        self.summary_page = SummaryPage(self)
        self.preview_page = PreviewPage(self)
        self.sign_page = SignPage(self)
        self.progress_page = ProgressPage(self)
        for page in (self.agency_page, self.consent_page, self.fields_page, self.summary_page,
                     self.preview_page, self.sign_page, self.progress_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Sign and deliver"))
        self.setButton(QWizard.WizardButton.CustomButton1, lock_button(ctx))
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.resize(820, 720)
        ctx.bus.locking.connect(self._close_for_lock)

    @property
    def can_draft(self) -> bool:
        """Counsellors and supervisors draft referrals; staff export drafts."""
        return self.ctx.has_role("counsellor", "supervisor")

    def set_referral(self, referral: Referral | None) -> None:
        self.referral = referral

    def _close_for_lock(self) -> None:
        self.preview_page.preview.clear()
        self.sign_page.password.clear()
        self.hide()
        self.deleteLater()

    def done(self, result: int) -> None:
        self.preview_page.preview.clear()
        self.sign_page.password.clear()
        super().done(result)
        if self.signed and self.referral is not None:
            self.finished_referral.emit(self.referral.id)


def open_referral_wizard(ctx: AppContext, case_id: int, parent: QWidget,
                         referral_id: int | None = None) -> None:
    """Open the wizard for a case (a new referral, or the draft `referral_id`).

    It opens once the case is read; its `finished_referral` signal is not needed by
    callers, since a signed referral announces itself on `ctx.bus.changed`."""
    def show(start: WizardStart) -> None:
        wizard = ReferralWizard(ctx, start, parent)
        wizard.setObjectName("referralWizard")
        wizard.open()
    wizard_ops.load_start(ctx=ctx, parent=parent, case_id=case_id, referral_id=referral_id,
                          on_done=show)
