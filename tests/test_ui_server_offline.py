"""A form typed while the studio server is away survives a lock: the app says at once that
it is kept, sealed, on this workstation; at the next sign-in it is the user's draft on the
server with the typed text, and nothing is left on the workstation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QPushButton

from ui_helpers import click, top_level, type_into, wait_idle
from xinhe.records.vault import VaultFolder
from xinhe.ui.controller import AppController
from xinhe.ui.prefs import Prefs
from xinhe.ui.unlock_window import UnlockWindow


def sign_in(qtbot, controller: AppController) -> None:  # noqa: ANN001
    from xinhe.ui.main_window import MainWindow

    unlock = controller.window
    assert isinstance(unlock, UnlockWindow)
    if unlock.user.currentText() != "wang":  # after a lock the last user is filled in
        type_into(qtbot, unlock.user.lineEdit(), "wang")
    type_into(qtbot, unlock.password, "wang-password")
    click(qtbot, unlock.unlock_button)
    qtbot.waitUntil(lambda: isinstance(controller.window, MainWindow), timeout=20_000)
    wait_idle(qtbot, controller)


def test_a_form_typed_while_the_server_is_away_outlives_a_lock(
        qtbot, folder: VaultFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import pg_cluster
    from xinhe.records import templates as tpl
    from xinhe.records.notes import SESSION_TEMPLATE
    from xinhe.records.services import Services
    from xinhe.records.storage import pending
    from xinhe.records.storage.server_session import ServerFolder
    from xinhe.ui import i18n
    from xinhe.ui.dialogs.records import SessionDialog

    monkeypatch.delenv("XINHE_SERVER", raising=False)
    i18n.install("zh_CN")
    marker = "她说孩子被锁在屋里QK27"
    cluster = pg_cluster.start()  # its own cluster: this test pauses it
    controller: AppController | None = None
    try:
        dsn = pg_cluster.counsellor_studio(cluster, "studio_offline")
        wang = ServerFolder(dsn).unlock("wang", "wang-password")
        services = Services(wang, tpl.TemplateRegistry.default())
        client = services.clients.create(name="林某", phone="13800138000")
        case_id = services.cases.open(client_id=client.id, category="domestic_violence",
                                      source="self").id
        kept_file = pending.path_for(wang)
        wang.close()

        controller = AppController(folder, Prefs(server=dsn))
        controller.start()
        sign_in(qtbot, controller)
        assert controller.ctx is not None
        template = controller.ctx.services.templates.get(SESSION_TEMPLATE)
        dialog = SessionDialog(controller.ctx, case_id, template, parent=controller.window)
        dialog.show()
        type_into(qtbot, dialog.form.inputs["data"].edit, marker)

        cluster.pause()
        click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "保存草稿"))
        qtbot.waitUntil(lambda: "已加密保存在本机" in dialog.error.text(), timeout=10_000)
        assert kept_file.is_file()
        sealed = kept_file.read_bytes()
        assert marker.encode() not in sealed and f"new:{case_id}".encode() not in sealed

        controller.lock("lock")  # the dialog goes with the lock; the form must not
        assert isinstance(controller.window, UnlockWindow)
        qtbot.waitUntil(lambda: not controller.worker.busy, timeout=10_000)
        assert not top_level(SessionDialog)
        assert kept_file.is_file() and marker.encode() not in kept_file.read_bytes()

        cluster.resume()
        sign_in(qtbot, controller)
        ctx = controller.ctx
        assert ctx is not None
        drafts = controller.worker.call(lambda: ctx.services.drafts.all())
        assert [(d.key, d.payload["answers"]["data"]) for d in drafts] == [
            (f"session:new:{case_id}", marker)]
        assert not kept_file.exists()
        # The restored form is open again with what was typed.
        qtbot.waitUntil(lambda: bool(top_level(SessionDialog)), timeout=10_000)
        (restored,) = top_level(SessionDialog)
        assert restored.form.raw_answers()["data"] == marker
    finally:
        if controller is not None:
            controller.dispose()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            QApplication.processEvents()
        cluster.stop()
