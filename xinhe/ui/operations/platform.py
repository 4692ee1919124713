"""The platform's dispatches and reports, one function per user action: each runs on the
database thread and hands its result back on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.ui import operations
from xinhe.ui.changes import Change

if TYPE_CHECKING:
    from xinhe.records.cases import CaseHeader
    from xinhe.records.clients import DuplicateMatch
    from xinhe.records.platform_dispatch import Dispatch
    from xinhe.records.platform_inbox import InboxResult, WaitingDispatch
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext

#: Record kinds after which reports may be waiting (automatic events).
REPORT_AFTER = {Change.CASE, Change.SESSION, Change.CRISIS, Change.FOLLOWUP, Change.REFERRAL,
                Change.PLATFORM}


@dataclass(frozen=True)
class AcceptData:
    """What the supervisor sees before accepting: the dispatch, the duplicate check's
    matches and the counsellors who may be given the case."""

    dispatch: Dispatch
    matches: list[DuplicateMatch]
    counsellors: list[tuple[int, str]]


def _waiting(services: Services) -> list[WaitingDispatch]:
    from xinhe.records import platform_inbox

    return platform_inbox.waiting(services.vault)


def load_waiting(*, ctx: AppContext, parent: QWidget,
                 on_done: Callable[[list[WaitingDispatch]], None]) -> None:
    operations.run(ctx, _waiting, parent=parent, on_done=on_done)


def receive_inbox(*, ctx: AppContext, parent: QWidget,
                  on_done: Callable[[InboxResult], None],
                  on_failure: Callable[[BaseException], None]) -> None:
    """Receive every file waiting in the configured inbox folder."""
    from xinhe.records import platform_inbox

    operations.run(ctx, lambda s: platform_inbox.receive_inbox(s.vault), parent=parent,
                   on_done=on_done, on_failure=on_failure, changed={Change.PLATFORM})


def _accept_data(services: Services, dispatch_id: int) -> AcceptData:
    from xinhe.records import platform_inbox

    vault = services.vault
    people = [(u.id, u.display_name) for u in services.accounts.users()
              if u.active and u.role in ("counsellor", "supervisor")]
    return AcceptData(platform_inbox.dispatch(vault, dispatch_id),
                      platform_inbox.duplicates(vault, dispatch_id), people)


def load_accept(*, ctx: AppContext, parent: QWidget, dispatch_id: int,
                on_done: Callable[[AcceptData], None]) -> None:
    operations.run(ctx, lambda s: _accept_data(s, dispatch_id), parent=parent,
                   on_done=on_done)


def accept_dispatch(*, ctx: AppContext, parent: QWidget, dispatch_id: int,
                    counsellor_id: int, client_id: int | None,
                    on_done: Callable[[CaseHeader], None],
                    on_failure: Callable[[BaseException], None]) -> None:
    """Accept: the client (picked or new), the case for the counsellor, the clock."""
    from xinhe.records import platform_inbox

    operations.run(ctx, lambda s: platform_inbox.accept(
        s.vault, dispatch_id, counsellor_id=counsellor_id, client_id=client_id),
        parent=parent, on_done=on_done, on_failure=on_failure,
        changed={Change.CASE, Change.CLOCK, Change.CLIENT, Change.PLATFORM})


def _send(services: Services) -> int:
    """Sign and deliver waiting reports; how many are still waiting afterwards. Without a
    signing identity or an outbox they simply wait for the next change."""
    from xinhe.errors import XinheError
    from xinhe.export.platform_report import send_unsent
    from xinhe.records import platform_reports

    try:
        if platform_reports.unsent(services.vault):
            send_unsent(services.vault)
    except XinheError:
        pass  # no signing identity yet: the reports stay queued, nothing is lost
    return len(platform_reports.unsent(services.vault))


def send_reports(*, ctx: AppContext, parent: QWidget,
                 on_done: Callable[[int], None]) -> None:
    operations.run(ctx, _send, parent=parent, on_done=on_done, on_failure=lambda _e: None)


def _inbox(services: Services) -> str:
    from xinhe.records.platform_inbox import inbox_folder

    folder = inbox_folder(services.vault)
    return str(folder) if folder else ""


def load_inbox_folder(*, ctx: AppContext, parent: QWidget,
                      on_done: Callable[[str], None]) -> None:
    operations.run(ctx, _inbox, parent=parent, on_done=on_done)


def _set_inbox(services: Services, folder: str) -> bool:
    from pathlib import Path

    from xinhe.records.platform_inbox import set_inbox_folder

    set_inbox_folder(services.vault, folder)
    return bool(folder) and Path(folder).is_dir()


def save_inbox_folder(*, ctx: AppContext, parent: QWidget, folder: str,
                      on_done: Callable[[bool], None]) -> None:
    """The folder the platform's dispatches arrive in ("": none); hands back whether it
    is reachable."""
    operations.run(ctx, lambda s: _set_inbox(s, folder), parent=parent, on_done=on_done,
                   changed={Change.SETTINGS})
