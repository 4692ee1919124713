"""Joining the studio server from the desktop: the set-up wizard's "join a studio server"
page signs in and the workstation remembers the server (never a password); from then on the
unlock window signs in to the server, and a wrong password there says so inline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QPushButton

from conftest import Studio
from ui_helpers import click, type_into, wait_idle
from xinhe.records.vault import VaultFolder
from xinhe.ui.controller import AppController
from xinhe.ui.prefs import FILE_NAME, Prefs
from xinhe.ui.setup_wizard import SetupWizard
from xinhe.ui.unlock_window import UnlockWindow


@pytest.fixture
def app(folder: VaultFolder, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from xinhe.ui import i18n

    monkeypatch.delenv("XINHE_SERVER", raising=False)
    i18n.install("zh_CN")
    controller = AppController(folder, Prefs())
    controller.start()
    yield controller
    controller.dispose()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QApplication.processEvents()


@pytest.mark.parametrize("backend", ["server"], indirect=True)
def test_join_the_studio_server_then_sign_in_there(qtbot, app: AppController,  # noqa: ANN001
                                                   studio: Studio, folder: VaultFolder) -> None:
    from xinhe.ui.main_window import MainWindow

    cluster = studio.template.cluster
    wizard = app.window
    assert isinstance(wizard, SetupWizard)
    click(qtbot, wizard.admin.join_button)
    page = wizard.join_page
    assert wizard.currentPage() is page
    type_into(qtbot, page.host, "localhost")
    page.port.setValue(cluster.port)
    page.studio.setText(studio.template.dbname)
    page.ca_file.setText(str(cluster.ca_file))
    type_into(qtbot, page.username, "wang")
    type_into(qtbot, page.password, "not-her-password")
    click(qtbot, page.join_button)
    qtbot.waitUntil(lambda: page.join_button.isEnabled(), timeout=20_000)
    assert "密码" in page.error.text() and app.window is wizard  # said inline, still here
    type_into(qtbot, page.password, Studio.PASSWORDS["wang"])
    click(qtbot, page.join_button)
    qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=20_000)
    wait_idle(qtbot, app)
    assert app.ctx is not None and app.ctx.actor.username == "wang"
    assert app.ctx.relay is not None  # other desks' saves refresh this one
    # The workstation remembers the server: address, port, studio, CA; no password.
    kept = json.loads((Path(folder.path) / FILE_NAME).read_text(encoding="utf-8"))
    assert f"port={cluster.port}" in kept["server"] and "verify-full" in kept["server"]
    assert "password" not in kept["server"] and "user=" not in kept["server"]
    assert Studio.PASSWORDS["wang"] not in json.dumps(kept)
    assert not (Path(folder.path) / "vault.db").exists()  # no local vault was made

    # Locked: the unlock window signs in to the server (no local recovery there).
    app.lock()
    window = app.window
    assert isinstance(window, UnlockWindow) and not window.forgot.isVisible()
    assert window.user.currentText() == "wang"
    type_into(qtbot, window.password, Studio.PASSWORDS["wang"])
    click(qtbot, window.unlock_button)
    qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=20_000)
    wait_idle(qtbot, app)
    assert app.ctx is not None and app.ctx.vault.vault_id == studio.template.dbname


def test_a_workstation_configured_for_a_server_opens_its_unlock_window(
        qtbot, folder: VaultFolder, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("XINHE_SERVER", "host=studio.lan port=5433 dbname=xinhe"
                       " sslmode=verify-full sslrootcert=/etc/xinhe/ca.crt")
    controller = AppController(folder, Prefs(server="host=other.lan dbname=elsewhere"
                                             " sslmode=verify-full sslrootcert=/x/ca.crt"))
    try:
        controller.start()
        window = controller.window
        assert isinstance(window, UnlockWindow)  # not the wizard, though no vault is here
        assert "studio.lan:5433/xinhe" in window.binding.text()  # XINHE_SERVER wins
        monkeypatch.setenv("XINHE_SERVER", "host=studio.lan dbname=xinhe")  # no CA check
        controller.server = "host=studio.lan dbname=xinhe"
        controller.show_unlock()
        refused = controller.window
        assert isinstance(refused, UnlockWindow) and not refused.unlock_button.isEnabled()
        assert "verify-full" in refused.error.text()
    finally:
        controller.dispose()


def test_a_form_outlives_a_lost_server_and_saves_when_it_is_back(
        qtbot, folder: VaultFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import pg_cluster
    from xinhe.records import templates as tpl
    from xinhe.records.notes import SESSION_TEMPLATE
    from xinhe.records.services import Services
    from xinhe.records.storage.server_session import ServerFolder
    from xinhe.ui import i18n
    from xinhe.ui.dialogs.records import SessionDialog
    from xinhe.ui.main_window import MainWindow

    monkeypatch.delenv("XINHE_SERVER", raising=False)
    i18n.install("zh_CN")
    marker = "她说昨晚又被掐住脖子ZX81"
    cluster = pg_cluster.start()  # its own cluster: this test pauses it
    controller: AppController | None = None
    try:
        dsn = pg_cluster.counsellor_studio(cluster, "studio_loss")
        wang = ServerFolder(dsn).unlock("wang", "wang-password")
        services = Services(wang, tpl.TemplateRegistry.default())
        client = services.clients.create(name="林某", phone="13800138000")
        case_id = services.cases.open(client_id=client.id, category="domestic_violence",
                                      source="self").id
        wang.close()

        controller = AppController(folder, Prefs(server=dsn))
        controller.start()
        unlock = controller.window
        assert isinstance(unlock, UnlockWindow)
        type_into(qtbot, unlock.user.lineEdit(), "wang")
        type_into(qtbot, unlock.password, "wang-password")
        click(qtbot, unlock.unlock_button)
        qtbot.waitUntil(lambda: isinstance(controller.window, MainWindow), timeout=20_000)
        main = controller.window
        wait_idle(qtbot, controller)
        assert controller.ctx is not None
        template = controller.ctx.services.templates.get(SESSION_TEMPLATE)
        dialog = SessionDialog(controller.ctx, case_id, template, parent=main)
        dialog.show()
        type_into(qtbot, dialog.form.inputs["data"].edit, marker)

        cluster.pause()
        # Said at once, in the status line, before anyone presses anything.
        qtbot.waitUntil(lambda: "无法连接工作室服务器" in main.statusBar().currentMessage(),
                        timeout=2000)
        draft = next(b for b in dialog.findChildren(QPushButton) if b.text() == "保存草稿")
        click(qtbot, draft)
        qtbot.waitUntil(lambda: "无法连接工作室服务器" in dialog.error.text(), timeout=10_000)
        assert marker in dialog.form.raw_answers()["data"] and dialog.isVisible()
        # Nothing of the form reached this workstation's disk (in clear or otherwise).
        for path in tmp_path.rglob("*"):
            if path.is_file():
                assert marker.encode() not in path.read_bytes(), path.name

        cluster.resume()
        qtbot.waitUntil(lambda: dialog.note_id is not None, timeout=15_000)
        wait_idle(qtbot, controller)
        ctx, note_id = controller.ctx, dialog.note_id
        saved = controller.worker.call(lambda: ctx.services.notes.session(note_id).answers)
        assert saved["data"] == marker
        qtbot.waitUntil(lambda: "已恢复" in main.statusBar().currentMessage(), timeout=2000)
    finally:
        if controller is not None:
            controller.dispose()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            QApplication.processEvents()
        cluster.stop()
