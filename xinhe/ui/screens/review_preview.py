"""What a review item is about, for the supervisor to read beside the queue before deciding:
the whole note awaiting co-signature with its template's labels, or for a high-risk case
the record that made it high risk. Gathered on the database thread as escaped HTML."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication

from xinhe.i18n import pick
from xinhe.records.reviews import KINDS, ReviewItem
from xinhe.records.services import Services
from xinhe.records.timeline import TimelineEntry
from xinhe.ui.case_data import detail_html, local_time

translate = QCoreApplication.translate


def note_entry(services: Services, kind: str, record_id: int) -> TimelineEntry | None:
    """A session note or crisis record as the case view's timeline names it."""
    if kind == "session":
        note = services.notes.session(record_id)
        status = "cosigned" if note.cosigned_at else (
            "cosign_pending" if note.cosign_required else "signed")
        return TimelineEntry("session", note.id, note.started_at, note.author_name,
                             note.template_id, status, None, note.modality,
                             author_id=note.author_id)
    if kind == "crisis":
        crisis = services.notes.crisis(record_id)
        status = "cosigned" if crisis.cosigned_by else (
            "cosign_pending" if crisis.cosign_required else "signed")
        return TimelineEntry("crisis", crisis.id, crisis.occurred_at, crisis.author_name,
                             crisis.template_id, status, None,
                             crisis.kind + (":on_site" if crisis.on_site else ""))
    if kind == "assessment":
        item = services.notes.assessment(record_id)
        return TimelineEntry("assessment", item.id, item.assessed_at, item.author_name,
                             item.template_id, "signed", item.level)
    return None


def _cause(services: Services, item: ReviewItem) -> TimelineEntry | None:
    """The record whose signing made the case high risk, if a record did."""
    for change in reversed(services.cases.risk_history(item.case_id)):
        if change.level == "high":
            kind, _, record_id = change.source.partition(":")
            return note_entry(services, kind, int(record_id)) if record_id.isdigit() else None
    return None


def review_html(services: Services, review_id: int) -> str:
    """The item's heading (what, case, who asked, their comment) and what it is about."""
    item = services.reviews.read(review_id)
    what = pick(*KINDS.get(item.kind, (item.kind, item.kind)))
    asked = translate("ReviewPreview", "Asked by %1 on %2").replace(
        "%1", item.requested_by).replace("%2", local_time(item.requested_at))
    head = (f"<p style='color:#5f5f5f'>{html.escape(what)} · {html.escape(item.case_no)} · "
            f"{html.escape(item.client_name)}<br>{html.escape(asked)}</p>")
    if item.comment:
        head += f"<p><i>{html.escape(item.comment).replace(chr(10), '<br>')}</i></p>"
    if item.target_type in ("session", "crisis"):
        entry = note_entry(services, item.target_type, item.target_id)
    else:
        entry = _cause(services, item) if item.kind == "high_risk" else None
    if entry is None:
        return head
    return head + "<hr>" + detail_html(services, entry)
