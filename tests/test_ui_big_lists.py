"""Long lists and screens stay off the UI thread's critical path: the dashboard's and the
follow-up screen's lists fill a chunk per event-loop turn (a new load cancels an unfinished
fill), and a section's screen is built only when it is first opened, a turn after the click;
the main window's first screen a turn after the window shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import signed_in, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder
from xinhe.ui.screens import chunked

PASSWORD = "wang-password"
DUE = 12


@pytest.fixture
def busy(tmp_path: Path, binding: DeviceBinding) -> VaultFolder:
    """A counsellor with DUE overdue follow-ups, on DUE cases."""
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORD)
    admin.close()
    vault = folder.unlock("wang", PASSWORD)
    svc = Services(vault, tpl.TemplateRegistry.default())
    for n in range(DUE):
        client = svc.clients.create(name=f"当事人{n:02d}", birth_date="1990-05-01",
                                    phone=f"138001380{n:02d}")
        case = svc.cases.open(client_id=client.id, category="emotional_dispute",
                              source="self")
        svc.planning.schedule_followup(case.id, datetime.now(UTC) - timedelta(hours=n + 1),
                                       "routine", "phone")
    vault.close()
    return folder


def names(tree: Any, column: int) -> list[str]:
    return [tree.topLevelItem(i).text(column) for i in range(tree.topLevelItemCount())]


def test_the_dashboards_due_list_fills_in_chunks(qtbot: QtBot, busy: VaultFolder,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunked, "CHUNK", 5)
    with signed_in(qtbot, busy, "wang", PASSWORD) as (app, main):
        dashboard = main._built["dashboard"]
        qtbot.waitUntil(lambda: dashboard.due_fill.done and
                        dashboard.due.topLevelItemCount() == DUE)
        assert dashboard.due_fill.chunks == 3  # 5 + 5 + 2, one turn each
        # Oldest first, as before; every row is overdue and says so.
        assert names(dashboard.due, 3) == [f"当事人{n:02d}" for n in reversed(range(DUE))]
        assert all("逾期" in dashboard.due.topLevelItem(i).text(4) for i in range(DUE))
        # Loads arriving while a fill is under way start it over instead of adding to it.
        dashboard.reload()
        dashboard.reload()
        wait_idle(qtbot, app)
        qtbot.waitUntil(lambda: dashboard.due_fill.done)
        assert names(dashboard.due, 3) == [f"当事人{n:02d}" for n in reversed(range(DUE))]


def test_follow_ups_fill_in_chunks_and_a_screen_is_built_when_first_opened(
        qtbot: QtBot, busy: VaultFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunked, "CHUNK", 5)
    with signed_in(qtbot, busy, "wang", PASSWORD) as (app, main):
        keys = main.section_keys()
        assert list(main._built) == ["dashboard"]  # nothing else is built at sign-in
        main.nav.setCurrentRow(keys.index("followups"))  # as a click does
        assert "followups" not in main._built  # the click is answered first
        QCoreApplication.sendPostedEvents()  # a posted build would run in the click's pass
        assert "followups" not in main._built
        qtbot.waitUntil(lambda: "followups" in main._built)
        screen = main._built["followups"]
        qtbot.waitUntil(lambda: screen.fill.done and screen.list.topLevelItemCount() == DUE)
        assert screen.fill.chunks == 3
        assert screen.isVisible() and main.stack.currentIndex() == keys.index("followups")
        assert sorted(names(screen.list, 2)) == [f"当事人{n:02d}" for n in range(DUE)]
        assert set(main._built) == {"dashboard", "followups"}


def test_the_main_window_shows_before_its_first_screen_is_built(qtbot: QtBot,
                                                                busy: VaultFolder) -> None:
    from xinhe.ui.main_window import MainWindow

    with signed_in(qtbot, busy, "wang", PASSWORD) as (app, _main):
        window = MainWindow(app.ctx)
        window.show()
        # The window and the dashboard are separate turns of the event loop, with the
        # paint and any input in between; not even the events already posted build it.
        QCoreApplication.sendPostedEvents()
        assert window._built == {}
        qtbot.waitUntil(lambda: "dashboard" in window._built)
        dashboard = window._built["dashboard"]
        qtbot.waitUntil(dashboard.isVisible)
        qtbot.waitUntil(lambda: dashboard.due.topLevelItemCount() == DUE)
        wait_idle(qtbot, app)
        window.hide()
        window.deleteLater()


def test_a_section_is_imported_made_and_shown_on_turns_of_their_own(qtbot: QtBot,
                                                                    busy: VaultFolder) -> None:
    """Importing, making and first showing the case list in one turn held the UI thread
    ~100 ms on a big vault: each is a turn of its own, with paints and input between."""
    with signed_in(qtbot, busy, "wang", PASSWORD) as (app, main):
        row = main.section_keys().index("cases")
        holder = main.stack.widget(row)
        main.nav.setCurrentRow(row)  # a click in the section list
        QCoreApplication.sendPostedEvents()
        assert "cases" not in main._built
        main._build_in_turns(row)  # the turn after the click: the module's import only
        QCoreApplication.sendPostedEvents()
        assert "cases" not in main._built
        qtbot.waitUntil(lambda: "cases" in main._built)  # made inside its place
        cases = main._built["cases"]
        assert cases.parentWidget() is holder
        qtbot.waitUntil(cases.isVisible)
        qtbot.waitUntil(lambda: cases.list_panel.model.rowCount() == DUE)
        wait_idle(qtbot, app)


def test_a_screen_asked_for_by_name_is_shown_at_once(qtbot: QtBot, busy: VaultFolder) -> None:
    with signed_in(qtbot, busy, "wang", PASSWORD) as (app, main):
        row = main.section_keys().index("followups")
        main._build(row, show_now=False)  # made on its turn, to show on the next
        followups = main._built["followups"]
        QCoreApplication.sendPostedEvents()
        assert followups.isHidden()
        assert main.show_section("followups") is followups  # e.g. a follow-up opened
        assert followups.isVisible()
        wait_idle(qtbot, app)


def test_a_screen_out_of_sight_reloads_when_it_shows_again(qtbot: QtBot,
                                                           busy: VaultFolder) -> None:
    from xinhe.ui.changes import Change

    with signed_in(qtbot, busy, "wang", PASSWORD) as (app, main):
        dashboard = main._built["dashboard"]
        qtbot.waitUntil(lambda: dashboard.due_fill.done and
                        dashboard.due.topLevelItemCount() == DUE)
        main.nav.setCurrentRow(main.section_keys().index("followups"))
        qtbot.waitUntil(lambda: "followups" in main._built)
        wait_idle(qtbot, app)
        assert not dashboard.isVisible()

        def schedule(services: Services) -> None:
            case = services.cases.find()[0]
            services.planning.schedule_followup(case.id, datetime.now(UTC) - timedelta(
                minutes=5), "routine", "phone")
        app.worker.call(lambda: schedule(app.ctx.services))
        skipped = dashboard.reload_when_shown.skipped
        for _ in range(3):  # a save announces its change; nobody looks at the dashboard
            app.ctx.bus.changed.emit({Change.FOLLOWUP})
        wait_idle(qtbot, app)
        followups = main._built["followups"]
        qtbot.waitUntil(lambda: followups.fill.done and
                        followups.list.topLevelItemCount() == DUE + 1)  # on screen: at once
        # Left for when it shows, once however many changes came (one may have come
        # before ours, while signing in).
        assert dashboard.reload_when_shown.stale
        assert dashboard.reload_when_shown.skipped - skipped <= 1
        assert dashboard.due.topLevelItemCount() == DUE  # not reloaded out of sight
        main.nav.setCurrentRow(main.section_keys().index("dashboard"))
        qtbot.waitUntil(lambda: dashboard.due_fill.done and
                        dashboard.due.topLevelItemCount() == DUE + 1)
