"""The referral list after an act on one referral: that row changes in place, the list is
not rebuilt (the selection and the person's column widths stay)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from test_ui_referrals import idle, signed_in

from conftest import Clock, Studio
from tests.referral_fixtures import draft_referral, dv_case, install_identity
from ui_helpers import click
from xinhe.export.pipeline import export_referral
from xinhe.records.referral_policy import set_outbox_folder
from xinhe.ui.screens.referrals import STATUS_COLUMN, ReferralsScreen


def test_delivering_again_updates_that_row_without_rebuilding_the_list(
        qtbot: QtBot, studio: Studio, clock: Clock, tmp_path: Path) -> None:
    install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    set_outbox_folder(studio.admin.vault, str(tmp_path / "share"))  # not reachable yet
    export_referral(studio.staff, referral.id)
    draft_referral(studio, case, summary="第二份草稿")
    with signed_in(studio.folder, "staff", "staff-password") as ctx:
        screen = ReferralsScreen(ctx)
        qtbot.addWidget(screen)
        screen.resize(1100, 600)
        screen.show()
        qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
        screen.select(referral.id)
        screen.table.setColumnWidth(2, 240)  # the person widens the client column
        resets: list[int] = []
        screen.model.modelReset.connect(lambda: resets.append(1))
        (tmp_path / "share").mkdir()
        click(qtbot, screen.deliver_button)
        qtbot.waitUntil(lambda: screen.acknowledge_button.isEnabled(), timeout=10_000)
        idle(qtbot, ctx)
        selected = screen.selected()
        assert selected is not None and selected.id == referral.id
        assert selected.status == "delivered"
        assert screen.model.cell(selected, STATUS_COLUMN) == "已送达"
        assert resets == []
        assert screen.table.columnWidth(2) == 240


def test_a_long_list_is_sorted_by_the_model_and_a_sign_keeps_the_order_and_the_rows(
        qtbot: QtBot, studio: Studio, clock: Clock, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    install_identity(studio)
    case = dv_case(studio, clock)
    set_outbox_folder(studio.admin.vault, str(tmp_path / "share"))
    drafts = []
    for n in range(6):
        clock.advance(days=1)
        drafts.append(draft_referral(studio, case, summary=f"第{n}份"))
    with signed_in(studio.folder, "staff", "staff-password") as ctx:
        screen = ReferralsScreen(ctx)
        qtbot.addWidget(screen)
        screen.resize(1100, 600)
        screen.show()
        qtbot.waitUntil(lambda: screen.model.rowCount() == 6, timeout=10_000)

        def shown(column: int) -> list[str]:
            return [screen.proxy.index(row, column).data() for row in range(6)]
        # Newest first, as before; widths come from a sample, not measured cell by cell.
        assert shown(0) == sorted((d.referral_no for d in drafts), reverse=True)
        assert all(screen.table.columnWidth(c) > 40 for c in range(STATUS_COLUMN))
        screen.select(drafts[2].id)
        screen.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)  # a click on 创建日期
        assert shown(6) == sorted(shown(6))
        assert [screen.model.rows[r].id for r in range(6)] == [d.id for d in drafts]
        assert screen.proxy.sortColumn() == -1  # the proxy only filters
        assert screen.selected().id == drafts[2].id  # the selection followed its row
        screen.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # by client: all alike
        assert screen.selected().id == drafts[2].id
        screen.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # newest created first
        order = [screen.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).id for r in range(6)]
        resets: list[int] = []
        screen.model.modelReset.connect(lambda: resets.append(1))
        export_referral(studio.staff, drafts[2].id)  # signed elsewhere, then the list reloads
        screen.refresh()
        qtbot.waitUntil(lambda: screen.selected() is not None and
                        screen.selected().status != "draft", timeout=10_000)
        idle(qtbot, ctx)
        assert resets == []  # the same rows in the model's order: changed in place
        assert [screen.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).id
                for r in range(6)] == order
        screen.filter.setCurrentIndex(screen.filter.findData("draft"))
        assert screen.proxy.rowCount() == 5
