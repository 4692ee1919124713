"""The seven everyday tasks of DESIGN.md ("The people and their day"), each driven as a
person would (click, type, keys) on a real encrypted vault, with the steps counted (a
click, a key chord, one typed field) and the outcome checked in the vault."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from everyday import Steps, pdf_text, print_to_pdf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from ui_helpers import running_app
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records.vault import VaultFolder

KEY_RE = re.compile(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}")


def test_t1_first_run_creates_the_vault_and_prints_the_recovery_key_in_eight_steps(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    from xinhe.ui.main_window import MainWindow
    from xinhe.ui.setup_wizard import SetupWizard

    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    sheet = tmp_path / "recovery.pdf"
    with running_app(folder) as app:
        wizard = app.window
        assert isinstance(wizard, SetupWizard)
        page = wizard.admin
        steps = Steps(qtbot)
        qtbot.waitUntil(lambda: wizard.focusWidget() is page.display_name)
        steps.type(page.display_name, "张敏")
        steps.type(page.password, "a long enough pass")
        steps.type(page.confirm, "a long enough pass")
        steps.key(page.confirm, Qt.Key.Key_Return)  # Enter creates the vault
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery, timeout=10_000)
        shown = wizard.recovery.key.text()
        assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
        steps.click(wizard.recovery.print_button)
        print_to_pdf(qtbot, steps, sheet)
        steps.click(wizard.button(QWizard.WizardButton.FinishButton))
        qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=5000)
        assert steps.count <= 8, steps.count
        assert "馨和家园工作室" in app.window.windowTitle()
    # One clean page: the studio, the date, and the key the vault takes.
    pages = subprocess.run(["pdfinfo", str(sheet)], capture_output=True, text=True,
                           check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M)
    text = pdf_text(sheet)
    assert "馨和恢复密钥" in text and "馨和家园工作室" in text
    assert f"打印日期：{date.today().isoformat()}" in text
    printed = "-".join(KEY_RE.findall(text))
    assert printed == shown
    folder.check_recovery_key(printed)
    folder.unlock("zhangmin", "a long enough pass").close()
