"""管理 → 审计: the head a supervisor copies into the paper register, and the check against
the witnesses, driven offscreen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import click, signed_in, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records.db import Database
from xinhe.records.vault import VaultFolder


def made(tmp_path: Path, binding: DeviceBinding) -> tuple[VaultFolder, bytes]:
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    for i in range(5):
        admin.audit_event("case.read", "case", f"XH-2026-{i:04d}")
    key = admin._key()
    admin.close()
    return folder, key


def open_panel(qtbot: QtBot, main: object):  # noqa: ANN201
    from xinhe.ui.screens.audit_panel import AuditPanel

    screen = main._built["admin"]  # type: ignore[attr-defined]
    panel = screen.findChild(AuditPanel)
    screen.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.head.text().startswith("审计链当前头：序号 "), timeout=5000)
    return panel


def test_the_admin_screen_shows_the_head_to_copy_into_the_register(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    folder, _ = made(tmp_path, binding)
    with signed_in(qtbot, folder, "admin", ADMIN_PASSWORD) as (app, main):
        panel = open_panel(qtbot, main)
        seq_text, shown_hash = panel.head.text().removeprefix("审计链当前头：序号 ").split(" · ")
        seq = int(seq_text)
        assert seq >= 8  # creation, login, five reads, lock, this login
        assert app.worker.call(lambda: app.ctx.vault.audit.hash_at(seq)) == shown_hash
        click(qtbot, panel.copy_button)
        assert QGuiApplication.clipboard().text() == f"{seq}:{shown_hash}"
        click(qtbot, panel.verify_button)
        qtbot.waitUntil(lambda: panel.verdict.text() != "", timeout=5000)
        assert panel.verdict.text() == "审计链完整，与所有见证相符。"
        assert "✓ keyslots.json 中上次锁定时的链头" in panel.details.toPlainText()
        wait_idle(qtbot, app)


def test_the_panel_names_the_witness_a_cut_tail_contradicts(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    folder, key = made(tmp_path, binding)
    db = Database(folder.db_path, key)
    db.execute("DROP TRIGGER audit_event_no_delete")
    db.execute("DELETE FROM audit_event WHERE seq > 4")
    db.close()
    with signed_in(qtbot, folder, "admin", ADMIN_PASSWORD) as (app, main):
        panel = open_panel(qtbot, main)
        click(qtbot, panel.verify_button)
        qtbot.waitUntil(lambda: panel.verdict.text() != "", timeout=5000)
        assert panel.verdict.text() == "审计链已被篡改。"
        failed = [line for line in panel.details.toPlainText().splitlines()
                  if line.startswith("✗ ")]
        assert len(failed) == 1 and "keyslots.json 中上次锁定时的链头" in failed[0]
        wait_idle(qtbot, app)
