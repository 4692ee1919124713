"""Clients and opening cases: the case list, the search box, the duplicate check,
opening a case at intake, and a client's details."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from xinhe.records import templates as tpl
from xinhe.ui.changes import Change
from xinhe.ui.operations import run

if TYPE_CHECKING:
    from xinhe.records.cases import CaseRow
    from xinhe.records.clients import Client, DuplicateMatch
    from xinhe.records.search_index import Hit
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext

Failure = Callable[[BaseException], None]


def load_cases(*, ctx: AppContext, parent: QWidget, limit: int | None,
               on_done: Callable[[list[CaseRow]], None]) -> None:
    """The cases this user may see (`limit`: only the newest, for a quick first page)."""
    if limit is None:
        run(ctx, lambda s: s.cases.find(), parent=parent, on_done=on_done)
    else:
        run(ctx, lambda s: s.cases.find(limit=limit), parent=parent, on_done=on_done)


def search(*, ctx: AppContext, parent: QWidget, query: str,
           on_done: Callable[[list[Hit]], None]) -> None:
    run(ctx, lambda s: s.search(query, limit=20), parent=parent, on_done=on_done)


def find_duplicates(*, ctx: AppContext, parent: QWidget, name: str, birth_year: int | None,
                    phone: str | None, id_number: str | None,
                    on_done: Callable[[list[DuplicateMatch]], None]) -> None:
    """Clients already known who may be the same woman."""
    run(ctx, lambda s: s.clients.find_duplicates(name=name, birth_year=birth_year, phone=phone,
                                                 id_number=id_number),
        parent=parent, on_done=on_done)


def _open_case(s: Services, existing: int | None, details: dict[str, Any],
               template: tpl.Template, answers: dict[str, Any], category: Any, source: Any,
               reference: str) -> int:
    # before anything is written
    tpl.validate_answers(template, answers, partial=template.saves_incomplete)
    client_id = existing or s.clients.create(**details).id
    case = s.cases.open(client_id=client_id, category=category, source=source,
                        platform_ref=reference)
    s.notes.record_assessment(case.id, template_id=template.id, answers=answers,
                              template_version=template.version)
    return case.id


def open_case(*, ctx: AppContext, parent: QWidget, existing_client: int | None,
              details: dict[str, Any], template: tpl.Template, answers: dict[str, Any],
              category: Any, source: Any, platform_ref: str,
              on_done: Callable[[int], None], on_failure: Failure) -> None:
    """Open a case at intake (a new client unless `existing_client`) with its first
    assessment; hands back the case id."""
    run(ctx, lambda s: _open_case(s, existing_client, details, template, answers, category,
                                  source, platform_ref),
        parent=parent, on_done=on_done, on_failure=on_failure,
        changed={Change.CASE, Change.CLIENT, Change.ASSESSMENT, Change.RISK, Change.REVIEW})


def reveal_field(*, ctx: AppContext, parent: QWidget, client_id: int, key: str,
                 on_done: Callable[[object], None], on_failure: Failure) -> None:
    """One confidential field of the client (the records layer audits the reading)."""
    run(ctx, lambda s: s.clients.reveal(client_id, key), parent=parent, on_done=on_done,
        on_failure=on_failure)


def _save_details(s: Services, client: Client, values: dict[str, Any], mark: dict[str, str],
                  unmark: list[str]) -> None:
    # Marks first: a missing reason stops the save before any value is written,
    # and a value becomes confidential no later than it is stored.
    for key, reason in mark.items():
        s.clients.mark_confidential(client.id, key, reason)
    if values:
        s.clients.update(client.id, client.version, **values)
    for key in unmark:
        s.clients.unmark_confidential(client.id, key)


def save_details(*, ctx: AppContext, parent: QWidget, client: Client, values: dict[str, Any],
                 mark: dict[str, str], unmark: list[str], on_done: Callable[[object], None],
                 on_failure: Failure) -> None:
    """Change a client's details (`mark`: fields made confidential, with the reason)."""
    run(ctx, lambda s: _save_details(s, client, values, mark, unmark), parent=parent,
        on_done=on_done, on_failure=on_failure, changed={Change.CLIENT})
