"""Recalling a delivered referral: the reason recorded, the status shows it, a signed recall
notice in the outbox with its manifest line that `xinhe verify` accepts, sent again when the
outbox was away; refused to staff and for referrals not delivered; and offered to the
counsellor right after she withdraws the consent a referral rested on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from conftest import Clock, Studio
from tests.referral_fixtures import draft_referral, dv_case, install_identity, pdf_text
from xinhe.errors import AccessDenied, InvalidInput
from xinhe.export.outbox import read_manifest
from xinhe.export.pipeline import export_referral
from xinhe.export.recall import deliver_recall_again, recall_referral
from xinhe.export.verify import verify_pdf

ROOT = Path(__file__).resolve().parents[1]
REASON = "当事人撤回同意"


def _delivered(studio: Studio, clock: Clock, outbox: Path):  # noqa: ANN202
    install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    result = export_referral(studio.staff, referral.id, outbox=outbox)
    assert result.delivered
    return case, result.referral


def test_a_recalled_referral_shows_it_and_a_signed_notice_is_in_the_outbox(
        studio: Studio, clock: Clock, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    case, referral = _delivered(studio, clock, outbox)
    clock.advance(days=2)
    result = recall_referral(studio.wang, referral.id, REASON, outbox=outbox)
    assert result.delivered
    shown = studio.staff.referrals.get(referral.id)
    assert shown.status == "recalled" and shown.recall_reason == REASON
    assert shown.recalled_by == "王丽" and shown.recall_sha256 == result.sha256
    assert result.delivered_to is not None
    assert result.delivered_to.name == f"{referral.referral_no}-recall-police.pdf"
    lines = read_manifest(outbox)
    assert [line["referral_no"] for line in lines] == [referral.referral_no,
                                                       f"{referral.referral_no}-recall"]
    assert lines[1]["sha256"] == result.sha256
    notice = result.delivered_to.read_bytes()
    checked = verify_pdf(notice)
    assert checked.ok and checked.kind == "referral_recall"
    assert checked.referral_no == referral.referral_no and checked.agency == "police"
    text = pdf_text(notice, tmp_path)
    for shown_text in ("转介撤回通知", referral.referral_no, REASON, "公安机关",
                       str(referral.file_sha256)):
        assert shown_text in text, shown_text
    assert "林某" not in text and "林某".encode() not in notice  # the notice names no client
    proc = subprocess.run([sys.executable, "-m", "xinhe", "verify", str(result.delivered_to)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    actions = [r["action"] for r in studio.sup.vault.db.all(
        "SELECT action FROM audit_event WHERE object_id = ? ORDER BY seq",
        (referral.referral_no,))]
    assert actions[-3:] == ["referral.recall", "referral.recall_sign",
                            "referral.recall_deliver"]
    with pytest.raises(InvalidInput):  # once is enough
        recall_referral(studio.wang, referral.id, REASON, outbox=outbox)


def test_recall_is_refused_to_staff_without_a_reason_and_before_delivery(
        studio: Studio, clock: Clock, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    case, referral = _delivered(studio, clock, outbox)
    with pytest.raises(AccessDenied):
        recall_referral(studio.staff, referral.id, REASON, outbox=outbox)
    with pytest.raises(AccessDenied):
        recall_referral(studio.chen, referral.id, REASON, outbox=outbox)
    with pytest.raises(InvalidInput, match="原因"):
        recall_referral(studio.wang, referral.id, "  ", outbox=outbox)
    studio.wang.consents.record(case.case_id, purpose="referral", recipient="court",
                                given_at=clock.now, form="written", given_by="本人")
    draft = draft_referral(studio, case, agency="court")
    with pytest.raises(InvalidInput, match="已送达"):
        recall_referral(studio.wang, draft.id, REASON, outbox=outbox)
    assert studio.wang.referrals.get(referral.id).status == "delivered"
    assert len(read_manifest(outbox)) == 1


def test_a_notice_the_outbox_could_not_take_is_sent_again(
        studio: Studio, clock: Clock, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    _case, referral = _delivered(studio, clock, outbox)
    away = tmp_path / "share-not-connected"
    result = recall_referral(studio.sup, referral.id, REASON, outbox=away)
    assert not result.delivered and result.referral.status == "recalled"
    assert result.referral.status_note and result.referral.status_note.startswith("missing")
    again = deliver_recall_again(studio.sup, referral.id, outbox=outbox)
    assert again.delivered and again.sha256 == result.sha256
    assert again.referral.status == "recalled" and again.referral.status_note is None
    assert verify_pdf(again.delivered_to.read_bytes()).ok  # type: ignore[union-attr]


def test_withdrawing_the_consent_offers_to_recall_the_referral_that_rested_on_it(
        qtbot: QtBot, studio: Studio, clock: Clock, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QCheckBox, QLineEdit, QMessageBox, QPushButton

    from ui_helpers import click, find_dialog, press_ok, signed_in, wait_idle
    from xinhe.records.referral_policy import set_outbox_folder
    from xinhe.ui.dialogs.simple import SimpleForm

    outbox = tmp_path / "outbox"
    outbox.mkdir()
    set_outbox_folder(studio.admin.vault, str(outbox))
    case, referral = _delivered(studio, clock, outbox)
    with signed_in(qtbot, studio.folder, "wang", Studio.PASSWORDS["wang"]) as (app, main):
        view = main.open_case(case.case_id)
        qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
        wait_idle(qtbot, app)
        items = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
        view.tree.setCurrentItem(next(i for i in items if i.text(1).startswith("知情同意")))

        def withdraw() -> list[QPushButton]:
            return [b for b in view.findChildren(QPushButton) if b.text() == "撤回此同意……"
                    and b.isVisible()]
        qtbot.waitUntil(lambda: len(withdraw()) == 1, timeout=5000)
        click(qtbot, withdraw()[0])
        click(qtbot, find_dialog(qtbot, QMessageBox).button(QMessageBox.StandardButton.Yes))
        form = find_dialog(qtbot, SimpleForm)
        assert form.windowTitle() == "撤回转介"
        [offered] = form.findChildren(QCheckBox)
        assert referral.referral_no in offered.text() and offered.isChecked()
        [reason] = [e for e in form.findChildren(QLineEdit) if e.objectName() == "recallReason"]
        assert reason.text() == "当事人撤回了同意"
        press_ok(qtbot, form)
        qtbot.waitUntil(lambda: not form.isVisible(), timeout=10_000)
        wait_idle(qtbot, app)
    recalled = studio.sup.referrals.get(referral.id)
    assert recalled.status == "recalled" and recalled.recall_reason == "当事人撤回了同意"
    [notice] = outbox.glob("*-recall-police.pdf")
    assert verify_pdf(notice.read_bytes()).ok
    consent_id = referral.consent_id
    assert studio.sup.vault.db.scalar(
        "SELECT outcome FROM audit_event WHERE action = 'referral.recall'") == \
        f"consent:{consent_id}"
