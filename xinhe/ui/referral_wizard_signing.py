"""The last pages of the referral wizard: the preview, the password, signing and delivery
(see `xinhe.ui.referral_wizard`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFormLayout, QProgressBar, QVBoxLayout, QWizardPage

from xinhe.ui.operations import referrals as ops
from xinhe.ui.pdf_preview import PdfPreview
from xinhe.ui.referral_wizard_pages import FAILED_MARK, NO_MARK, OK_MARK, AsyncPage
from xinhe.ui.widgets import error_text, label, password_field

if TYPE_CHECKING:
    from xinhe.ui.referral_wizard import ReferralWizard


class PreviewPage(AsyncPage):
    def __init__(self, wizard: ReferralWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Check the packet"))
        self.setSubTitle(self.tr("This is the PDF as it will be signed. Read it through "
                                 "before you sign."))
        layout = QVBoxLayout(self)
        self.preview = PdfPreview(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        self.preview.clear()
        self.error.hide()
        self.set_busy(True)
        referral = self.wiz.referral
        assert referral is not None
        ops.preview_pdf(ctx=self.wiz.ctx, referral_id=referral.id, parent=self,
                        on_done=self._show, on_failure=self.failed)

    def _show(self, pdf: bytes) -> None:
        self.preview.show_pdf(pdf)
        self.set_busy(False)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return not self.busy and self.preview.page_count() > 0


class SignPage(AsyncPage):
    def __init__(self, wizard: ReferralWizard) -> None:
        super().__init__(wizard)
        self.setCommitPage(True)
        self.setTitle(self.tr("Sign"))
        self.setSubTitle(self.tr("Signing cannot be undone: a signed referral is never "
                                 "changed."))
        layout = QVBoxLayout(self)
        self.facts = label("")
        layout.addWidget(self.facts)
        form = QFormLayout()
        self.password = password_field()
        self.password.textChanged.connect(self.completeChanged)
        form.addRow(self.tr("Your password"), self.password)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch()

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        wiz = self.wiz
        if wiz.outbox:
            then = self.tr("Then it goes to the platform's outbox: %1").replace("%1", wiz.outbox)
        else:
            then = self.tr("No outbox is set yet, so the signed PDF stays in the vault until "
                           "the administrator sets one and it is delivered again.")
        first = self.tr("The packet is signed with the studio's certificate and names you, %1, "
                        "as the person who exported it.").replace("%1", wiz.signer)
        space = " " if first.endswith(".") else ""  # Chinese sentences run on unspaced
        self.facts.setText(first + space + then + "\n\n" +
                           self.tr("Type your password to confirm it is you."))
        self.password.clear()
        QTimer.singleShot(0, self.password.setFocus)  # after the wizard focuses its buttons

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return not self.busy and bool(self.password.text())

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        if self.passed():
            return True
        password = self.password.text()
        self.error.hide()
        self.set_busy(True)

        def wrong(exc: BaseException) -> None:
            self.failed(exc)
            self.password.selectAll()
            self.password.setFocus()
        ops.check_password(ctx=self.wiz.ctx, password=password, act="referral.sign",
                           parent=self, on_done=lambda _r: self._confirmed(), on_failure=wrong)
        return False

    def _confirmed(self) -> None:
        self.password.clear()
        self.go_on()


class ProgressPage(QWizardPage):
    def __init__(self, wizard: ReferralWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.finished = False
        self.setTitle(self.tr("Signing and delivering"))
        self.setSubTitle(self.tr("This takes a few seconds."))
        layout = QVBoxLayout(self)
        self.current = 0
        self.bar = QProgressBar()
        self.bar.setRange(0, len(self.step_names()))
        layout.addWidget(self.bar)
        self.lines = [label("") for _ in self.step_names()]
        for line in self.lines:
            layout.addWidget(line)
        self.result = label("")
        layout.addWidget(self.result)
        layout.addStretch()
        self.steps = ops.StepSignal(self)
        self.steps.step.connect(self._step)

    def step_names(self) -> dict[str, str]:
        return {"assemble": self.tr("Gathering what the policy allows; checking consent"),
                "pdf": self.tr("Making the PDF"),
                "sign": self.tr("Signing with the studio's certificate"),
                "store": self.tr("Keeping the signed PDF in the vault"),
                "deliver": self.tr("Delivering to the outbox")}

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        names = self.step_names()
        for line, text in zip(self.lines, names.values(), strict=True):
            line.setText(f"{NO_MARK} {text}")
        self.bar.setValue(0)
        referral = self.wiz.referral
        assert referral is not None
        ops.sign_and_deliver(ctx=self.wiz.ctx, referral_id=referral.id, steps=self.steps,
                             parent=self, on_done=self._done, on_failure=self._failed)

    def _step(self, step: str) -> None:
        names = list(self.step_names())
        index = names.index(step)
        self.current = index
        for done in range(index):
            self.lines[done].setText(f"{OK_MARK} {self.step_names()[names[done]]}")
        self.lines[index].setText("… " + self.step_names()[step])
        self.bar.setValue(index)

    def _done(self, result: Any) -> None:
        self.wiz.signed = True
        self.wiz.set_referral(result.referral)
        names = self.step_names()
        count = len(names) if result.delivered else len(names) - 1
        for line, text in list(zip(self.lines, names.values(), strict=True))[:count]:
            line.setText(f"{OK_MARK} {text}")
        self.bar.setValue(count)
        number = result.referral.referral_no
        if result.delivered:
            self.result.setObjectName("ok")
            self.result.setText(self.tr("Referral %1 is signed and delivered: %2")
                                .replace("%1", number).replace("%2", str(result.delivered_to)))
        else:
            self.lines[-1].setText(f"{FAILED_MARK} {names['deliver']}")
            self.result.setObjectName("warning")
            self.result.setText(result.failure.message())
        self._finish()

    def _failed(self, exc: BaseException) -> None:
        step = list(self.step_names().values())[self.current]
        self.lines[self.current].setText(f"{FAILED_MARK} {step}")
        self.result.setObjectName("error")
        self.result.setText(error_text(exc) + "\n" + self.tr("Nothing was signed."))
        self._finish()

    def _finish(self) -> None:
        self.result.setStyleSheet("")
        self.finished = True
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return self.finished
