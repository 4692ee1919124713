"""The supervisor's review queue: the items, one item's note, co-signing, sending one
back; and a counsellor asking for a review. The forms' operations take the services and
the form's values (SimpleForm.run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.ui.changes import Change
from xinhe.ui.operations import FormValues, run
from xinhe.ui.screens.review_preview import review_html

if TYPE_CHECKING:
    from xinhe.records.reviews import ReviewItem
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext


def load_queue(*, ctx: AppContext, parent: QWidget, include_done: bool,
               on_done: Callable[[list[ReviewItem]], None]) -> None:
    run(ctx, lambda s: s.reviews.queue(include_done=include_done), parent=parent,
        on_done=on_done)


def load_review_note(*, ctx: AppContext, parent: QWidget, review_id: int,
                     on_done: Callable[[str], None]) -> None:
    """The record under review, as HTML."""
    run(ctx, lambda s: review_html(s, review_id), parent=parent, on_done=on_done)


def cosign(*, ctx: AppContext, parent: QWidget, review_id: int,
           on_done: Callable[[object], None]) -> None:
    """Co-sign the note (or mark the item reviewed)."""
    run(ctx, lambda s: s.reviews.cosign(review_id), parent=parent, on_done=on_done,
        changed={Change.REVIEW, Change.SESSION, Change.CRISIS})


def request_review(services: Services, values: FormValues, *, case_id: int) -> int:
    """Counsellor: ask a supervisor to look at the case (`text`: what to look at)."""
    return services.reviews.request(case_id, "consult", "case", case_id, values["text"])


def return_with_comment(services: Services, values: FormValues, *,
                        review_id: int) -> ReviewItem:
    """Supervisor: send the item back to the counsellor with a `comment`."""
    return services.reviews.return_with_comment(review_id, values["comment"])
