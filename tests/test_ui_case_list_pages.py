"""A long case list is handed to the view a page at a time: opening it formats only the
first page, scrolling down fetches the next, and filters and sorting search all cases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from conftest import Studio
from ui_helpers import signed_in, type_into, wait_idle
from xinhe.ui.models.cases_model import PAGE

CASES = 1_050


@pytest.fixture
def crowded(studio: Studio) -> Iterator[dict[str, Any]]:
    """1,050 open cases of one counsellor, the oldest one with a client easy to find."""
    svc = studio.wang
    with svc.vault.db.transaction():
        for number in range(CASES):
            studio.new_case(svc, name="林晓月" if number == 0 else f"客户{number:04d}",
                            phone=f"1380000{number:04d}")
    studio.close()
    yield {"folder": studio.folder}


def test_a_long_case_list_opens_with_one_page_and_fetches_more_on_scroll(
        qtbot: QtBot, crowded: dict[str, Any]) -> None:
    with signed_in(qtbot, crowded["folder"], "wang", Studio.PASSWORDS["wang"]) as (app, main):
        panel = main.show_section("cases").list_panel
        qtbot.waitUntil(lambda: len(panel.model.rows) == CASES, timeout=10_000)
        wait_idle(qtbot, app)
        table, model = panel.table, panel.model
        # Only the first page is made ready for the view; all cases are counted.
        assert model.rowCount() == PAGE
        assert "1050" in panel.count.text()
        assert table.model().index(0, 1).data() == "客户1049"  # newest first
        # Scrolling to the end fetches the next page, not everything.
        table.scrollToBottom()
        qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE)
        assert model.canFetchMore()
        # The filter finds a case that was never fetched, from all 1,050.
        type_into(qtbot, panel.search, "林晓月")
        assert model.rowCount() == 1
        assert table.model().index(0, 1).data() == "林晓月"
        assert not model.canFetchMore()
        panel.search.clear()
        # Sorting orders all cases, and again shows only the first page.
        table.sortByColumn(1, table.horizontalHeader().sortIndicatorOrder().AscendingOrder)
        assert model.rowCount() == PAGE
        assert table.model().index(0, 1).data() == "客户0001"
        assert [table.model().index(r, 1).data() for r in range(3)] == [
            "客户0001", "客户0002", "客户0003"]
