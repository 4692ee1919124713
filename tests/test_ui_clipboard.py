"""Record text copied from any widget reaches the clipboard concealed from clipboard
managers and history, and is cleared after 30 s and on lock, only while still ours.

The in-app tests run offscreen; the last test runs the app side, a second application and
a clipboard reader as three real processes on a private X server (Xvfb)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QClipboard, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QWidget
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import click, find_dialog, signed_in, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder
from xinhe.ui import clipboard

PASSWORD = "wang-password"
NAME = "林晓燕"
NOTE = "她谈到申请人身安全保护令的顾虑"


@pytest.fixture
def studio(tmp_path: Path, binding: DeviceBinding) -> dict[str, Any]:
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORD)
    admin.close()
    vault = folder.unlock("wang", PASSWORD)
    services = Services(vault, tpl.TemplateRegistry.default())
    client = services.clients.create(name=NAME, birth_date="1990-05-01", phone="13800138000")
    case = services.cases.open(client_id=client.id, category="emotional_dispute", source="self")
    note = services.notes.draft_session(case.id, started_at=datetime.now(UTC) - timedelta(
        days=2), duration_min=50, modality="in_person", answers={"data": NOTE})
    services.notes.sign_session(note.id, note.version)
    vault.close()
    QApplication.clipboard().clear()
    return {"folder": folder, "case": case.id, "case_no": case.case_no}


def assert_concealed(text: str) -> None:
    """On the clipboard, with every hint clipboard managers and the OS history honour."""
    data = QApplication.clipboard().mimeData()
    assert data is not None and data.text() == text
    for name, value in clipboard.CONCEALED_FORMATS.items():
        assert data.hasFormat(name), name
        assert bytes(data.data(name).data()) == value, name
    assert bytes(data.data("x-kde-passwordManagerHint").data()) == b"secret"


def without_the_arrival_check() -> None:
    """Widget copies must leave concealed, not be fixed up on arrival (a clipboard manager
    could read the plain copy in between): switch the arrival check off to prove it."""
    clipboard.keeper().watching = False


def clear_timer() -> Any:
    return clipboard.keeper().timers[QClipboard.Mode.Clipboard]


def expire(qtbot: QtBot) -> None:
    """The 30-second clear, without waiting 30 seconds."""
    timer = clear_timer()
    assert timer.isActive() and timer.interval() == 30_000
    timer.start(10)
    qtbot.waitUntil(lambda: not timer.isActive(), timeout=2000)


def ctrl(qtbot: QtBot, widget: QWidget, key: Qt.Key) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)


def open_case(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Any:
    view = main.open_case(case_id)
    qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
    wait_idle(qtbot, app)
    return view


def show_note(qtbot: QtBot, view: Any) -> None:
    tree = view.tree
    row = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
               if tree.topLevelItem(i).text(1).startswith("咨询记录"))
    tree.setCurrentItem(row)
    qtbot.waitUntil(lambda: NOTE in view.detail.toPlainText(), timeout=5000)


def menu_choose(qtbot: QtBot, widget: QWidget, action: str) -> None:
    """Right-click the widget and choose from its menu, as a person would."""
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    pos = QPoint(5, 5)
    QApplication.sendEvent(target, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                     target.mapToGlobal(pos)))
    menu = find_dialog(qtbot, QMenu)
    chosen = next(a for a in menu.actions() if a.objectName() == action)
    assert chosen.isEnabled()
    chosen.trigger()
    menu.close()


def menu_copy(qtbot: QtBot, widget: QWidget) -> None:
    menu_choose(qtbot, widget, "edit-copy")


def test_note_text_from_the_record_view_by_keys_and_menu(qtbot: QtBot, studio: dict) -> None:
    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        without_the_arrival_check()
        view = open_case(qtbot, app, main, studio["case"])
        show_note(qtbot, view)
        view.detail.selectAll()
        ctrl(qtbot, view.detail, Qt.Key.Key_C)
        copied = QApplication.clipboard().text()
        assert NOTE in copied
        assert_concealed(copied)
        expire(qtbot)
        assert QApplication.clipboard().text() == ""

        menu_copy(qtbot, view.detail)
        assert_concealed(copied)
        expire(qtbot)
        assert QApplication.clipboard().text() == ""


def test_names_and_case_numbers_from_labels_tables_and_lists(qtbot: QtBot,
                                                             studio: dict) -> None:
    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        without_the_arrival_check()
        view = open_case(qtbot, app, main, studio["case"])
        header = view.header
        menu_choose(qtbot, header, "select-all")
        ctrl(qtbot, header, Qt.Key.Key_C)
        assert NAME in QApplication.clipboard().text()
        assert_concealed(QApplication.clipboard().text())
        QApplication.clipboard().clear()
        menu_copy(qtbot, header)
        assert NAME in QApplication.clipboard().text()
        assert_concealed(QApplication.clipboard().text())

        view.tree.setCurrentItem(view.tree.topLevelItem(0), 1)
        ctrl(qtbot, view.tree, Qt.Key.Key_C)
        assert_concealed(view.tree.topLevelItem(0).text(1))

        cases = main.show_section("cases")
        table = cases.list_panel.table
        qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=5000)
        column = next(c for c in range(table.model().columnCount())
                      if table.model().index(0, c).data() == studio["case_no"])
        table.setCurrentIndex(table.model().index(0, column))
        ctrl(qtbot, table, Qt.Key.Key_C)
        assert_concealed(studio["case_no"])
        expire(qtbot)
        assert QApplication.clipboard().text() == ""


def test_form_fields_and_search_words_copy_and_cut_concealed(qtbot: QtBot,
                                                             studio: dict) -> None:
    from xinhe.ui.dialogs.new_case import NewCaseDialog
    from xinhe.ui.dialogs.records import SessionDialog

    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        without_the_arrival_check()
        type_into(qtbot, main.search, "保护令")
        main.search.selectAll()
        ctrl(qtbot, main.search, Qt.Key.Key_C)
        assert_concealed("保护令")

        click(qtbot, main.show_section("cases").list_panel.new_case)
        dialog = find_dialog(qtbot, NewCaseDialog)
        type_into(qtbot, dialog.name, "黄小梅")
        dialog.name.selectAll()
        ctrl(qtbot, dialog.name, Qt.Key.Key_X)
        assert_concealed("黄小梅")
        assert dialog.name.text() == ""  # cut, as Qt's cut would
        type_into(qtbot, dialog.name, "黄小梅")
        dialog.name.selectAll()
        menu_copy(qtbot, dialog.name)
        assert_concealed("黄小梅")
        dialog.reject()

        view = open_case(qtbot, app, main, studio["case"])
        click(qtbot, next(b for b in view.findChildren(type(dialog.next))
                          if b.text() == "新建咨询记录"))
        form = find_dialog(qtbot, SessionDialog)
        edit = form.form.inputs["data"].edit
        type_into(qtbot, edit, NOTE)
        edit.selectAll()
        ctrl(qtbot, edit, Qt.Key.Key_C)
        assert_concealed(NOTE)
        form.dirty = False
        form.reject()


def test_a_copy_made_past_the_filters_is_concealed_on_arrival(qtbot: QtBot,
                                                              studio: dict) -> None:
    """Qt's own copy slot called directly (as a menu or toolkit might) still ends concealed."""
    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        edit = QLineEdit(NAME)
        edit.selectAll()
        edit.copy()
        assert_concealed(NAME)
        expire(qtbot)
        assert QApplication.clipboard().text() == ""


def test_the_lock_clears_what_we_copied(qtbot: QtBot, studio: dict) -> None:
    from xinhe.ui.unlock_window import UnlockWindow

    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        without_the_arrival_check()
        view = open_case(qtbot, app, main, studio["case"])
        show_note(qtbot, view)
        view.detail.selectAll()
        ctrl(qtbot, view.detail, Qt.Key.Key_C)
        assert NOTE in QApplication.clipboard().text()
        ctrl(qtbot, view.detail, Qt.Key.Key_L)
        qtbot.waitUntil(lambda: isinstance(app.window, UnlockWindow), timeout=5000)
        assert QApplication.clipboard().text() == ""
        assert not clear_timer().isActive()


def test_the_recovery_key_copy_is_concealed_and_cleared(qtbot: QtBot) -> None:
    clipboard.copy_sensitive("ABCD-EFGH-IJKL")
    assert_concealed("ABCD-EFGH-IJKL")
    expire(qtbot)
    assert QApplication.clipboard().text() == ""


# -- across real processes, on a private X server ------------------------------------------------
OTHER_TEXT = "另一个程序复制的内容"


def start_x_server() -> tuple[subprocess.Popen[bytes], str]:
    """A private X server on the first free display from :40 on (ready once its socket
    appears)."""
    for number in range(40, 80):
        if Path(f"/tmp/.X{number}-lock").exists():
            continue
        server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "800x600x24",
                                   "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 20
        while server.poll() is None and not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if server.poll() is None and socket.exists():
            return server, f":{number}"
        server.kill()
        server.wait()
    raise AssertionError("no X server could be started")


def peer(role: str, display: str) -> subprocess.Popen[str]:
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": root}
    return subprocess.Popen([sys.executable, __file__, role], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            cwd=Path(__file__).parent)


def say(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


def hear(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().strip()


def read_clipboard(display: str) -> dict[str, Any]:
    reader = peer("reader", display)
    out, _ = reader.communicate(timeout=30)
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_other_applications_see_the_hints_and_a_newer_copy_is_left_alone() -> None:
    server, display = start_x_server()
    app_side = other = None
    try:
        app_side = peer("app", display)
        assert hear(app_side) == "copied"
        seen = read_clipboard(display)  # what a clipboard manager reads over X11
        assert seen["text"] == NAME
        assert seen["hint"] == "secret"
        assert set(clipboard.CONCEALED_FORMATS) <= set(seen["formats"])

        other = peer("other", display)
        assert hear(other) == "set"
        say(app_side, "expire")  # our 30 s are up after another program copied
        assert hear(app_side) == f"sees:{OTHER_TEXT}"
        assert read_clipboard(display)["text"] == OTHER_TEXT  # not cleared by us

        say(other, "quit")
        other.wait(timeout=30)
        say(app_side, "copy-and-expire")  # our own copy, still ours at 30 s: cleared
        assert hear(app_side) == "sees:"
        assert read_clipboard(display)["text"] == ""
        say(app_side, "quit")
        app_side.wait(timeout=30)
    finally:
        for process in (app_side, other):
            if process is not None and process.poll() is None:
                process.kill()
        server.terminate()
        server.wait(timeout=30)


def _run_peer(role: str) -> None:
    """The processes of the test above: our app copying a name, another program copying
    after it, and a reader standing in for a clipboard manager."""
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest

    app = QApplication([])
    board = QApplication.clipboard()
    if role == "reader":
        QTest.qWait(100)
        data = board.mimeData()
        print(json.dumps({"text": board.text(), "formats": list(data.formats()) if data else [],
                          "hint": bytes(data.data("x-kde-passwordManagerHint").data()).decode()
                          if data else ""}), flush=True)
        return
    commands: list[str] = []

    def poll() -> None:  # stdin without blocking the event loop that serves the selection
        while select.select([sys.stdin], [], [], 0)[0]:
            line = sys.stdin.readline().strip()
            commands.append(line or "quit")
        while commands:
            handle(commands.pop(0))

    edit = QLineEdit(NAME)

    def copy_name() -> None:
        edit.show()
        edit.selectAll()
        edit.setFocus()
        QTest.keyClick(edit, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    def handle(command: str) -> None:
        if command == "quit":
            app.quit()
        elif command in ("expire", "copy-and-expire"):
            if command == "copy-and-expire":
                copy_name()
            clipboard.keeper().timers[QClipboard.Mode.Clipboard].start(10)
            QTest.qWait(300)
            print(f"sees:{board.text()}", flush=True)

    if role == "app":
        clipboard.install(app)
        copy_name()
        print("copied", flush=True)
    else:
        board.setText(OTHER_TEXT)
        print("set", flush=True)
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    app.exec()


if __name__ == "__main__":
    _run_peer(sys.argv[1])
