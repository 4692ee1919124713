"""The record forms of a case (session notes, assessments, crises, safety plans,
follow-ups): opening one, its encrypted draft, saving it, an addendum to a signed one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtWidgets import QWidget

from xinhe.ui.changes import Change
from xinhe.ui.operations import FormValues, run, show_failure

if TYPE_CHECKING:
    from xinhe.records.drafts import Draft
    from xinhe.records.notes import Addendum, Assessment, SessionNote
    from xinhe.records.planning import FollowUp
    from xinhe.records.services import Services
    from xinhe.records.storage.pending import SignedIn
    from xinhe.ui.context import AppContext

Failure = Callable[[BaseException], None]
SaveWork = Callable[["Services", dict[str, Any], dict[str, Any], bool], object]


def load_session(*, ctx: AppContext, parent: QWidget, note_id: int,
                 on_done: Callable[[SessionNote], None]) -> None:
    run(ctx, lambda s: s.notes.session(note_id), parent=parent, on_done=on_done)


def load_assessment(*, ctx: AppContext, parent: QWidget, assessment_id: int,
                    on_done: Callable[[Assessment], None]) -> None:
    run(ctx, lambda s: s.notes.assessment(assessment_id), parent=parent, on_done=on_done)


def load_followup(*, ctx: AppContext, parent: QWidget, followup_id: int,
                  on_done: Callable[[FollowUp], None]) -> None:
    run(ctx, lambda s: s.planning.followup(followup_id), parent=parent, on_done=on_done)


def load_followups(*, ctx: AppContext, parent: QWidget, status: str | None,
                   on_done: Callable[[list[FollowUp]], None]) -> None:
    """The follow-ups this user sees (`status`: only those in it; None: all)."""
    run(ctx, lambda s: s.planning.followups(status=status), parent=parent, on_done=on_done)


def load_drafts(*, ctx: AppContext, parent: QWidget,
                on_done: Callable[[list[Draft]], None]) -> None:
    """This user's forms left unsaved when the session locked."""
    run(ctx, lambda s: s.drafts.all(), parent=parent, on_done=on_done)


def load_risk_level(*, ctx: AppContext, parent: QWidget, case_id: int,
                    on_done: Callable[[object], None], on_failure: Failure) -> None:
    """The case's risk level now (asked again before a note is signed)."""
    run(ctx, lambda s: s.cases.header(case_id).risk_level, parent=parent, on_done=on_done,
        on_failure=on_failure)


def save_draft(*, ctx: AppContext, key: str, title: str, payload: dict[str, Any],
               parent: QWidget | None = None,
               on_kept: Callable[[], None] | None = None) -> None:
    """Keep an unsaved form encrypted in the vault; quietly, as it happens in the
    background (the form itself is still open). When the studio server cannot be reached
    it is kept encrypted on this workstation instead (`on_kept` is told)."""
    run(ctx, lambda s: save_or_keep(s, key, title, payload), parent=parent,
        on_done=lambda kept: on_kept() if kept and on_kept is not None else None,
        on_failure=lambda exc: None)


def save_or_keep(services: Services, key: str, title: str, payload: dict[str, Any]) -> bool:
    """The form as the user's draft; kept on this workstation if the server is away
    (True then). A server draft replaces an older copy kept here."""
    from xinhe.errors import ServerUnreachable
    from xinhe.records.storage import pending

    try:
        services.drafts.save(key, title, payload)
    except ServerUnreachable:
        pending.keep(_signed_in(services), key, title, payload)
        return True
    if _on_server(services):
        pending.forget(_signed_in(services), key)
    return False


def _on_server(services: Services) -> bool:
    session: object = services.vault
    return hasattr(session, "data_key")  # only a server session keeps forms here


def _signed_in(services: Services) -> SignedIn:
    return cast("SignedIn", services.vault)


def keep_on_workstation(*, ctx: AppContext, parent: QWidget, key: str, title: str,
                        payload: dict[str, Any], on_done: Callable[[object], None],
                        on_failure: Failure) -> None:
    """A form the studio server could not take, kept encrypted on this workstation until
    it answers again (then it becomes the user's draft there)."""
    from xinhe.records.storage import pending

    run(ctx, lambda s: pending.keep(_signed_in(s), key, title, payload), parent=parent,
        on_done=on_done, on_failure=on_failure)


def flush_kept(*, ctx: AppContext, parent: QWidget | None) -> None:
    """Forms kept on this workstation while the server was away become the user's drafts
    on the server. The server gone again keeps them for the next time, quietly."""
    from xinhe.errors import ServerUnreachable

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, ServerUnreachable):
            show_failure(parent, exc)
    run(ctx, _flush, parent=parent, on_failure=failed, changed={Change.DRAFT})


def _flush(services: Services) -> int:
    from xinhe.records.storage import pending

    if not _on_server(services):
        return 0
    return pending.flush(_signed_in(services), services)


def discard_draft(*, ctx: AppContext, key: str) -> None:
    run(ctx, lambda s: _discard(s, key), parent=None, on_failure=lambda exc: None)


def _discard(services: Services, key: str) -> None:
    from xinhe.records.storage import pending

    if _on_server(services):  # a copy kept here while the server was away
        pending.forget(_signed_in(services), key)
    services.drafts.discard(key)


def save_record(*, ctx: AppContext, parent: QWidget, kind: str, save: SaveWork,
                answers: dict[str, Any], meta: dict[str, Any], final: bool,
                on_done: Callable[[object], None], on_failure: Failure) -> None:
    """Save a record form (`save`: the form's own write; `final`: signed, not a draft)."""
    run(ctx, lambda s: save(s, answers, meta, final), parent=parent, on_done=on_done,
        on_failure=on_failure,
        changed={Change.CASE, Change(kind), Change.REVIEW, Change.RISK})


def add_addendum(services: Services, values: FormValues, *, kind: str,
                 record_id: int) -> Addendum:
    """A signed correction or addition (`text`) to the signed record `kind` `record_id`."""
    return services.notes.add_addendum(kind, record_id, values["text"])
