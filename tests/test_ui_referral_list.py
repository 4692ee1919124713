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
