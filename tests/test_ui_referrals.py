"""The referral wizard, the referrals screen and the admin panel, driven offscreen the way
a person uses them; the results are checked in the vault and the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget, QWizard
from pytestqt.qtbot import QtBot

from conftest import Clock, Studio
from tests.referral_fixtures import SUMMARY, draft_referral, dv_case, install_identity
from ui_helpers import click, type_into
from xinhe.export.outbox import read_manifest
from xinhe.records.referral_policy import set_outbox_folder
from xinhe.records.vault import VaultFolder
from xinhe.ui import i18n, style
from xinhe.ui.context import AppContext, ChangeBus
from xinhe.ui.dialogs.consent_dialog import ConsentDialog
from xinhe.ui.operations.session import _opened
from xinhe.ui.referral_wizard import ReferralWizard, open_referral_wizard
from xinhe.ui.worker import DbWorker

Button = QWizard.WizardButton


@contextmanager
def signed_in(folder: VaultFolder, user: str, password: str) -> Iterator[AppContext]:
    """An app context as the main window gets it: the vault unlocked on its own thread."""
    i18n.install("zh_CN")
    style.apply(QApplication.instance())
    worker = DbWorker()
    opened = worker.call(lambda: _opened(folder.unlock(user, password)))
    ctx = AppContext(worker, opened.services, opened.vault.actor, opened.org_name,
                     opened.binding_on, ChangeBus())
    try:
        yield ctx
    finally:
        worker.call(lambda: opened.vault.close("logout"))
        worker.shutdown()


def idle(qtbot: QtBot, ctx: AppContext) -> None:
    qtbot.waitUntil(lambda: not ctx.worker.busy, timeout=10_000)


def window(qtbot: QtBot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(1000, 700)
    parent.show()
    return parent


def wizard_of(qtbot: QtBot, parent: QWidget) -> ReferralWizard:
    found: list[ReferralWizard] = []

    def shown() -> bool:
        found[:] = [w for w in parent.findChildren(ReferralWizard) if w.isVisible()]
        return bool(found)
    qtbot.waitUntil(shown, timeout=10_000)
    return found[0]


def next_page(qtbot: QtBot, wizard: ReferralWizard, button: Button = Button.NextButton) -> None:
    qtbot.waitUntil(lambda: wizard.button(button).isEnabled(), timeout=10_000)
    click(qtbot, wizard.button(button))


@pytest.fixture
def outbox(studio: Studio, tmp_path: Path) -> Path:
    folder = tmp_path / "platform-outbox"
    folder.mkdir()
    set_outbox_folder(studio.admin.vault, str(folder))
    return folder


def test_counsellor_records_consent_previews_signs_and_delivers(
        qtbot: QtBot, studio: Studio, clock: Clock, outbox: Path) -> None:
    install_identity(studio)
    case = dv_case(studio, clock, consent_for=None)
    with signed_in(studio.folder, "wang", "wang-password") as ctx:
        parent = window(qtbot)
        open_referral_wizard(ctx, case.case_id, parent)
        wizard = wizard_of(qtbot, parent)
        assert case.case_no in wizard.windowTitle()
        page = wizard.agency_page
        page.agency.setCurrentIndex(page.agency.findData("police"))
        page.purpose.setCurrentIndex(page.purpose.findData("referral"))
        next_page(qtbot, wizard)
        consent = wizard.consent_page
        qtbot.waitUntil(lambda: consent.record.isVisible(), timeout=10_000)
        assert "转介" in consent.status.text() and "公安机关" in consent.status.text()
        assert not wizard.button(Button.NextButton).isEnabled()
        click(qtbot, consent.record)
        dialog = next(d for d in consent.findChildren(ConsentDialog) if d.isVisible())
        assert dialog.purpose.currentData() == "referral" and not dialog.recipient.isEnabled()
        type_into(qtbot, dialog.given_by, "当事人本人")
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: wizard.consent is not None, timeout=10_000)
        assert "书面同意" in consent.status.text()
        next_page(qtbot, wizard)
        fields = wizard.fields_page
        qtbot.waitUntil(lambda: not fields.busy and fields.table.rowCount() > 0)
        sent = fields.sent_items()
        assert sent["姓名"] == "林某" and sent["身份证件号码"] == "440306199005011234"
        assert "咨询记录（最近 3 次已签名）" not in sent and "安全计划" not in sent
        assert "伤情照片.jpg" in sent["伤情照片"]
        next_page(qtbot, wizard)
        summary = wizard.summary_page
        summary.urgency.setCurrentIndex(summary.urgency.findData("urgent"))
        type_into(qtbot, summary.summary, SUMMARY)
        next_page(qtbot, wizard)
        preview = wizard.preview_page
        qtbot.waitUntil(lambda: preview.preview.page_count() > 0, timeout=15_000)
        assert wizard.referral is not None and wizard.referral.status == "draft"
        next_page(qtbot, wizard)
        sign = wizard.sign_page
        assert "王丽" in sign.facts.text() and str(outbox) in sign.facts.text()
        type_into(qtbot, sign.password, "wrong-password")
        next_page(qtbot, wizard, Button.CommitButton)
        qtbot.waitUntil(lambda: sign.error.isVisible(), timeout=10_000)
        assert wizard.currentPage() is sign and sign.error.text() == "用户名或密码不正确。"
        sign.password.clear()
        type_into(qtbot, sign.password, "wang-password")
        next_page(qtbot, wizard, Button.CommitButton)
        progress = wizard.progress_page
        qtbot.waitUntil(lambda: progress.finished, timeout=15_000)
        assert "ZJ-2026-0001" in progress.result.text()
        assert progress.bar.value() == progress.bar.maximum()
        assert not wizard.button(Button.BackButton).isVisible()
        with qtbot.waitSignal(wizard.finished_referral, timeout=5000):
            next_page(qtbot, wizard, Button.FinishButton)
        idle(qtbot, ctx)
    [referral] = studio.sup.referrals.find()
    assert (referral.status, referral.urgency, referral.summary) == (
        "delivered", "urgent", SUMMARY)
    assert referral.signed_by == "王丽"
    pdf = outbox / f"{referral.referral_no}-police.pdf"
    assert pdf.read_bytes() == studio.sup.referrals.signed_pdf(referral.id)
    assert [line["referral_no"] for line in read_manifest(outbox)] == [referral.referral_no]
    assert [c.given_by for c in studio.sup.consents.for_case(case.case_id)] == ["当事人本人"]
    reauth = [e.outcome for e in studio.sup.vault.audit.events(action_prefix="reauth")]
    assert reauth == ["referral.sign", "failed:referral.sign"]


def test_staff_signs_a_counsellors_draft_and_an_unreachable_outbox_is_reported(
        qtbot: QtBot, studio: Studio, clock: Clock, tmp_path: Path) -> None:
    install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    set_outbox_folder(studio.admin.vault, str(tmp_path / "not-connected"))
    with signed_in(studio.folder, "staff", "staff-password") as ctx:
        parent = window(qtbot)
        open_referral_wizard(ctx, case.case_id, parent, referral_id=referral.id)
        wizard = wizard_of(qtbot, parent)
        assert not wizard.agency_page.agency.isEnabled()
        next_page(qtbot, wizard)
        next_page(qtbot, wizard)  # consent is on file
        next_page(qtbot, wizard)  # the fields
        summary = wizard.summary_page
        assert summary.summary.isReadOnly() and summary.summary.toPlainText() == SUMMARY
        next_page(qtbot, wizard)
        qtbot.waitUntil(lambda: wizard.preview_page.preview.page_count() > 0, timeout=15_000)
        next_page(qtbot, wizard)
        type_into(qtbot, wizard.sign_page.password, "staff-password")
        next_page(qtbot, wizard, Button.CommitButton)
        progress = wizard.progress_page
        qtbot.waitUntil(lambda: progress.finished, timeout=15_000)
        assert "未能送达" in progress.result.text() and "not-connected" in progress.result.text()
        assert progress.lines[-1].text().startswith("✗")
        next_page(qtbot, wizard, Button.FinishButton)
        idle(qtbot, ctx)
        # a wizard left open is closed, its preview dropped, when the app locks
        open_referral_wizard(ctx, case.case_id, parent)
        again = wizard_of(qtbot, parent)
        next_page(qtbot, again)
        qtbot.waitUntil(lambda: again.consent is not None, timeout=10_000)
        ctx.bus.locking.emit()
        assert not again.isVisible() and again.preview_page.preview.page_count() == 0
    kept = studio.sup.referrals.get(referral.id)
    assert kept.status == "signed" and kept.signed_by == "黄敏"
    assert kept.status_note.startswith("missing|")
    assert not (tmp_path / "not-connected").exists()


def test_referrals_screen_delivers_again_records_acknowledgement_and_saves_copies(
        qtbot: QtBot, studio: Studio, clock: Clock, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography import x509
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from xinhe.export.pipeline import export_referral
    from xinhe.ui.screens.referrals import STATUS_COLUMN, ReferralsScreen

    identity = install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    set_outbox_folder(studio.admin.vault, str(tmp_path / "share"))  # not connected yet
    export_referral(studio.staff, referral.id)
    draft_referral(studio, case, summary="第二份草稿")
    with signed_in(studio.folder, "staff", "staff-password") as ctx:
        screen = ReferralsScreen(ctx)
        qtbot.addWidget(screen)
        screen.resize(1100, 600)
        screen.show()
        qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
        failed = screen.model.rows[[r.id for r in screen.model.rows].index(referral.id)]
        assert "不存在或无法访问" in screen.model.cell(failed, STATUS_COLUMN)
        screen.filter.setCurrentIndex(screen.filter.findData("signed"))
        assert screen.proxy.rowCount() == 1
        screen.table.selectRow(0)
        assert screen.deliver_button.isEnabled() and not screen.acknowledge_button.isEnabled()
        assert "黄敏 于 2026-03-02 签署" in screen.details.text()
        (tmp_path / "share").mkdir()
        click(qtbot, screen.deliver_button)
        qtbot.waitUntil(lambda: "share" in screen.message.text(), timeout=10_000)
        idle(qtbot, ctx)
        screen.filter.setCurrentIndex(0)
        screen.select(referral.id)
        qtbot.waitUntil(lambda: screen.acknowledge_button.isEnabled(), timeout=10_000)
        monkeypatch.setattr(QInputDialog, "getText",
                            lambda *a, **k: ("派出所张警官电话确认", True))
        click(qtbot, screen.acknowledge_button)
        idle(qtbot, ctx)
        copy = tmp_path / "copy.pdf"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
        screen.select(referral.id)
        click(qtbot, screen.copy_button)
        idle(qtbot, ctx)
        pem = tmp_path / "studio.pem"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pem), ""))
        click(qtbot, screen.certificate)
        idle(qtbot, ctx)
        assert identity.fingerprint_sha256()[:4].upper() in screen.message.text()
    done = studio.sup.referrals.get(referral.id)
    assert (done.status, done.acknowledgement) == ("acknowledged", "派出所张警官电话确认")
    assert copy.read_bytes() == studio.sup.referrals.signed_pdf(referral.id)
    assert x509.load_pem_x509_certificate(pem.read_bytes()) == identity.certificate
    copies = studio.sup.vault.audit.events(action_prefix="referral.copy")
    assert [e.object_id for e in copies] == [referral.referral_no]


def test_admin_panel_replaces_the_certificate_sets_the_outbox_and_edits_the_policy(
        qtbot: QtBot, studio: Studio, clock: Clock, tmp_path: Path) -> None:
    from datetime import timedelta

    from PySide6.QtCore import QPoint, Qt

    from tests.referral_fixtures import P12_PASSWORD, p12_bytes, studio_identity
    from tests.test_signing_identity import make_cert, p12
    from xinhe.records.referral_policy import load_policy, outbox_folder
    from xinhe.ui.dialogs.identity_dialog import IdentityDialog
    from xinhe.ui.screens.referral_admin import ReferralAdminPanel

    good, expired = tmp_path / "district.p12", tmp_path / "expired.p12"
    good.write_bytes(p12_bytes(studio_identity()))
    key, cert = make_cert(not_before=clock.now - timedelta(days=400),
                          not_after=clock.now - timedelta(days=2))
    expired.write_bytes(p12(key, cert, P12_PASSWORD.encode()))
    with signed_in(studio.folder, "admin", "admin-pass-1") as ctx:
        panel = ReferralAdminPanel(ctx)
        qtbot.addWidget(panel)
        panel.resize(1000, 900)
        panel.show()
        qtbot.waitUntil(lambda: panel.state is not None, timeout=10_000)
        assert not panel.export_button.isEnabled()

        def replace(importing: bool, path: Path | None, file_password: str) -> IdentityDialog:
            click(qtbot, panel.import_button if importing else panel.generate_button)
            dialog = next(d for d in panel.findChildren(IdentityDialog) if d.isVisible())
            if path is not None:
                type_into(qtbot, dialog.file, str(path))
                type_into(qtbot, dialog.file_password, file_password)
            type_into(qtbot, dialog.password, "admin-pass-1")
            click(qtbot, dialog.ok_button)
            idle(qtbot, ctx)
            return dialog

        replace(False, None, "")
        qtbot.waitUntil(lambda: bool(panel.fingerprint.text()), timeout=10_000)
        first = studio.admin.signing.current()
        assert first is not None and panel.fingerprint.text() == first.fingerprint_groups()
        dialog = replace(True, expired, P12_PASSWORD)
        assert dialog.isVisible() and "过期" in dialog.error.text()
        dialog.reject()
        replace(True, good, P12_PASSWORD)
        qtbot.waitUntil(lambda: panel.history.rowCount() == 1, timeout=10_000)
        assert studio.admin.signing.current().source == "imported"
        type_into(qtbot, panel.outbox, str(tmp_path))
        click(qtbot, panel.save_outbox_button)
        idle(qtbot, ctx)
        assert outbox_folder(studio.staff.vault) == tmp_path
        cell = panel.grid.cell_for("police", "client_fields", "id_number")
        assert cell.checkState() == Qt.CheckState.Checked
        rect = panel.grid.visualItemRect(cell)
        panel.grid.scrollToItem(cell)
        rect = panel.grid.visualItemRect(cell)
        qtbot.mouseClick(panel.grid.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(rect.left() + 12, rect.center().y()))
        assert cell.checkState() == Qt.CheckState.Unchecked
        click(qtbot, panel.save_policy_button)
        idle(qtbot, ctx)
        qtbot.waitUntil(lambda: panel.reset_button.isEnabled(), timeout=10_000)
    police = load_policy(studio.staff.vault).for_agency("police")
    assert "id_number" not in police.client_fields and "name" in police.client_fields
    actions = {e.action for e in studio.sup.vault.audit.events(limit=60)}
    assert {"signing_identity.generate", "signing_identity.import", "referral.outbox.set",
            "referral_policy.update"} <= actions
