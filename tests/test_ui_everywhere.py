"""The walk's "everywhere" findings, driven offscreen on a real encrypted vault: Ctrl+N from
any section or case tab, the search popup closing on Escape and on a click elsewhere, risk
badges inside their column, sort arrows that point the way the rows run, and Save dialogs
that open in the documents folder with a sensible name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from everyday import open_case
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QHeaderView
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import find_dialog, signed_in, top_level, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder
from xinhe.ui.style import RISK_COLOURS

PASSWORD = "wang-password"


@pytest.fixture
def studio(tmp_path: Path, binding: DeviceBinding) -> dict[str, Any]:
    """A counsellor with one high-risk case, older than sixty cases not yet assessed."""
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORD)
    admin.close()
    vault = folder.unlock("wang", PASSWORD)
    svc = Services(vault, tpl.TemplateRegistry.default())
    high = svc.cases.open(client_id=svc.clients.create(name="林晓燕", birth_year=1990).id,
                          category="domestic_violence", source="self")
    svc.cases.override_risk(high.id, "high", "对方扬言报复")
    for n in range(60):
        client = svc.clients.create(name=f"来访者{n:02d}", birth_year=1980 + n % 20)
        svc.cases.open(client_id=client.id, category="emotional_dispute", source="self")
    vault.close()
    return {"folder": folder, "high": high.id}


def test_ctrl_n_opens_a_new_case_from_a_case_tab_and_any_section(
        qtbot: QtBot, studio: dict[str, Any]) -> None:
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        view = open_case(qtbot, app, main, studio["high"])
        main.activateWindow()
        qtbot.waitUntil(main.isActiveWindow)
        view.tree.setFocus()
        qtbot.keyClick(view.tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        dialog = find_dialog(qtbot, NewCaseDialog)
        assert main.search.text() == ""  # nothing landed in the search box
        dialog.reject()
        qtbot.waitUntil(lambda: not top_level(NewCaseDialog))
        main.show_section("dashboard")
        qtbot.keyClick(main.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        find_dialog(qtbot, NewCaseDialog).reject()


def test_the_search_popup_closes_on_escape_and_on_a_click_elsewhere(
        qtbot: QtBot, studio: dict[str, Any]) -> None:
    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        view = open_case(qtbot, app, main, studio["high"])
        search = main.search

        def search_for(text: str) -> None:
            search.clear()
            type_into(qtbot, search, text)
            qtbot.waitUntil(search.popup.isVisible, timeout=5000)
        search_for("来访者")
        qtbot.keyClick(search, Qt.Key.Key_Escape)
        assert not search.popup.isVisible()
        search_for("来访者")
        header = view.header  # a label of the case header: a click there takes no focus
        qtbot.mouseClick(header, Qt.MouseButton.LeftButton,
                         pos=QPoint(header.width() - 4, header.height() // 2))
        assert not search.popup.isVisible()
        search_for("来访者")
        qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton)  # takes focus
        assert not search.popup.isVisible()
        wait_idle(qtbot, app)


def arrow_points_up(header: QHeaderView, section: int) -> bool:
    """Reads the sort arrow off the screen: ▲ has its wide row at the bottom."""
    image: QImage = header.grab().toImage()
    left = header.sectionViewportPosition(section)
    width = header.sectionSize(section)
    rows: dict[int, int] = {}
    for x in range(left + width - 22, min(left + width - 2, image.width())):  # the arrow's
        for y in range(2, image.height() - 2):  # not the header's border lines
            if image.pixelColor(x, y).value() < 180:
                rows[y] = rows.get(y, 0) + 1
    assert rows, "no sort arrow drawn"
    ys = sorted(rows)
    return rows[ys[-1]] > rows[ys[0]]


def colour_in(image: QImage, left: int, right: int, top: int, bottom: int,
              colour: QColor) -> bool:
    return any(image.pixelColor(x, y) == colour for x in range(left, right)
               for y in range(top, bottom))


def test_risk_badges_stay_in_their_column_and_arrows_follow_the_order(
        qtbot: QtBot, studio: dict[str, Any]) -> None:
    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        panel = main.show_section("cases").list_panel
        table, header = panel.table, panel.table.horizontalHeader()
        qtbot.waitUntil(lambda: panel.model.rowCount() == 61, timeout=5000)
        # Newest first, as opened: ▼.
        table.scrollTo(panel.model.index(0, 8))
        QApplication.processEvents()
        assert header.sortIndicatorSection() == 8 and not arrow_points_up(header, 8)
        risk = panel.model.COLUMNS.index("risk")
        table.scrollTo(panel.model.index(0, 0))
        QApplication.processEvents()
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(header.sectionViewportPosition(risk) + 10, 5))
        first = [panel.model.matching[i].risk_level for i in range(2)]
        ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
        assert arrow_points_up(header, risk) == ascending
        if ascending:  # the lowest first: click again for the high-risk case on top
            assert first == [None, None]
            qtbot.wait(QApplication.doubleClickInterval() + 50)  # two clicks, not a double
            qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                             pos=QPoint(header.sectionViewportPosition(risk) + 10, 5))
            assert not arrow_points_up(header, risk)
        assert panel.model.matching[0].id == studio["high"]
        red = QColor(RISK_COLOURS["high"])
        for narrowed in (False, True):
            if narrowed:
                header.resizeSection(risk, 24)  # the person drags the column narrow
            QApplication.processEvents()
            cell = table.visualRect(panel.model.index(0, risk))
            image = table.viewport().grab().toImage()
            assert colour_in(image, cell.left(), cell.right(), cell.top(), cell.bottom(), red)
            after = table.visualRect(panel.model.index(0, risk + 1))
            assert not colour_in(image, after.left(), after.right(), after.top(),
                                 after.bottom(), red), "the badge covers the next column"


def test_save_dialogs_open_in_the_documents_folder_with_the_files_name(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xinhe.ui.save_dialogs import ask_folder, ask_save_path, documents_folder

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    (tmp_path / "home" / "Documents").mkdir(parents=True)
    assert documents_folder() == tmp_path / "home" / "Documents"
    seen: dict[str, str] = {}

    def answer() -> None:
        dialog = next(w for w in top_level(QFileDialog))
        seen["folder"] = dialog.directory().absolutePath()
        seen["name"] = dialog.selectedFiles()[0]
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    QTimer.singleShot(300, answer)
    chosen = ask_save_path(None, "Save", "统计_2026年第1季度.csv", "CSV (*.csv)",
                           folder=tmp_path / "gone", suffix=".csv")
    assert seen["folder"] == str(documents_folder())
    assert chosen == documents_folder() / "统计_2026年第1季度.csv"
    QTimer.singleShot(300, answer)
    assert ask_folder(None, "Folder") == str(documents_folder())


def test_opening_a_case_names_the_clocks_it_starts_and_then_they_show(
        qtbot: QtBot, studio: dict[str, Any]) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui_helpers import click
    from xinhe.ui.case_view import CaseView
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        cases = main.show_section("cases")
        click(qtbot, cases.list_panel.new_case)
        dialog = find_dialog(qtbot, NewCaseDialog)
        type_into(qtbot, dialog.name, "赵静")
        click(qtbot, dialog.next)
        qtbot.waitUntil(lambda: dialog.form is not None and dialog.form.isVisible())
        form = dialog.form
        for field in ("wants_protection_order", "protection_order_urgent"):
            form.page_scroll.ensureWidgetVisible(form.inputs[field], 0, 60)
            qtbot.waitUntil(lambda f=field: form.inputs[f].isVisible())
            click(qtbot, form.inputs[field].button_for(True))
        click(qtbot, dialog.next)
        ask = find_dialog(qtbot, QMessageBox)
        assert ask.objectName() == "confirmOpen"
        assert "签名后将开始计算以下法定时限" in ask.text()
        assert "人身安全保护令申请（紧急，24 小时）：" in ask.text()
        click(qtbot, ask.defaultButton())
        qtbot.waitUntil(lambda: isinstance(cases.tabs.currentWidget(), CaseView),
                        timeout=5000)
        view = cases.tabs.currentWidget()
        wait_idle(qtbot, app)
        qtbot.waitUntil(lambda: "人身安全保护令申请（紧急，24 小时）" in view.clocks.text(),
                        timeout=5000)
        dashboard = main.show_section("dashboard")
        wait_idle(qtbot, app)
        whats = [dashboard.due.topLevelItem(i).text(1)
                 for i in range(dashboard.due.topLevelItemCount())]
        assert "人身安全保护令申请（紧急，24 小时）" in whats


def test_signing_a_mandatory_report_names_the_clock_first(
        qtbot: QtBot, studio: dict[str, Any]) -> None:
    from everyday import in_vault
    from PySide6.QtWidgets import QMessageBox

    from ui_helpers import click
    from xinhe.ui.dialogs.records import AssessmentDialog

    answers = {"child_age": 9, "harm_kinds": ["physical"], "how_discovered": "school",
               "discovery_details": "老师发现孩子手臂有淤青。", "child_in_danger_now": False,
               "reported_to_police": False, "not_reported_reason": "家长不同意，今天下午陪同报案"}
    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        view = open_case(qtbot, app, main, studio["high"])
        template = app.ctx.services.templates.get("minor_mandatory_report")
        dialog = AssessmentDialog(app.ctx, studio["high"], template, answers=answers,
                                  parent=view)
        dialog.open()
        click(qtbot, dialog.save_button)
        box = find_dialog(qtbot, QMessageBox)
        assert box.objectName() == "confirmClocks"
        assert "向公安机关报告（未成年人受侵害）：应立即办理" in box.text()
        click(qtbot, box.button(QMessageBox.StandardButton.Cancel))
        wait_idle(qtbot, app)
        assert dialog.isVisible()
        assert in_vault(app, lambda s: s.planning.clocks(studio["high"])) == []
        click(qtbot, dialog.save_button)
        click(qtbot, find_dialog(qtbot, QMessageBox).button(QMessageBox.StandardButton.Yes))
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        kinds = [c.kind for c in in_vault(app, lambda s: s.planning.clocks(studio["high"]))]
        assert kinds == ["minor_report"]
