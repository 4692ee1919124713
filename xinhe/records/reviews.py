"""The supervisor's review queue: high-risk cases (24 h), notes awaiting co-signature,
closure requests. Sorted by due time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from xinhe.errors import InvalidInput, NotFound
from xinhe.records.access import require_case
from xinhe.records.common import iso
from xinhe.records.storage.session import Session

KINDS = {
    "high_risk": ("高风险个案审核", "High-risk case review"),
    "cosign": ("记录待督导会签", "Note awaiting co-signature"),
    "closure": ("结案申请", "Closure request"),
    "consult": ("请督导审阅", "Supervisor review requested"),
}
NOTE_TABLES = {"session": "sessions", "crisis": "crisis_interventions"}


@dataclass(frozen=True)
class ReviewItem:
    id: int
    case_id: int
    case_no: str
    client_name: str
    risk_level: str | None
    kind: str
    target_type: str
    target_id: int
    status: str
    due_at: str
    requested_by: str
    requested_at: str
    comment: str | None
    reviewer: str | None
    decided_at: str | None


QUEUE_SQL = """
SELECT r.*, c.case_no, c.risk_level, cl.name AS client_name, u.display_name AS requester,
       v.display_name AS reviewer_name
FROM reviews r JOIN cases c ON c.id = r.case_id JOIN clients cl ON cl.id = c.client_id
JOIN users u ON u.id = r.requested_by LEFT JOIN users v ON v.id = r.reviewer_id
"""


def _item(row: Any) -> ReviewItem:
    return ReviewItem(row["id"], row["case_id"], row["case_no"], row["client_name"],
                      row["risk_level"], row["kind"], row["target_type"], row["target_id"],
                      row["status"], row["due_at"], row["requester"], row["requested_at"],
                      row["comment"], row["reviewer_name"], row["decided_at"])


class ReviewService:
    def __init__(self, vault: Session) -> None:
        self.vault = vault

    def request(self, case_id: int, kind: str, target_type: str, target_id: int,
                comment: str = "", hours: int = 24) -> int:
        if kind not in KINDS:
            raise InvalidInput("未知的审核类型。", "Unknown kind of review.")
        require_case(self.vault, case_id, "write")
        existing = self.vault.db.one(
            "SELECT id FROM reviews WHERE kind = ? AND target_type = ? AND target_id = ? AND"
            " status = 'open'", (kind, target_type, target_id))
        if existing is not None:
            return int(existing["id"])
        now = self.vault.now()
        return self.vault.db.insert(
            "INSERT INTO reviews (case_id, kind, target_type, target_id, due_at, requested_by,"
            " requested_at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, kind, target_type, target_id, iso(now + timedelta(hours=hours)),
             self.vault.actor.user_id, iso(now), comment.strip() or None))

    def queue(self, include_done: bool = False) -> list[ReviewItem]:
        """Supervisor: open items, the most urgent first."""
        self.vault.require_role("supervisor")
        where = "" if include_done else " WHERE r.status = 'open'"
        return [_item(r) for r in self.vault.db.all(QUEUE_SQL + where + " ORDER BY r.due_at, r.id")]

    def for_case(self, case_id: int) -> list[ReviewItem]:
        require_case(self.vault, case_id, "notes")
        return [_item(r) for r in self.vault.db.all(
            QUEUE_SQL + " WHERE r.case_id = ? ORDER BY r.requested_at DESC", (case_id,))]

    def returned_to_me(self) -> list[ReviewItem]:
        """Counsellor: items a supervisor sent back on my cases, not yet resubmitted."""
        return [_item(r) for r in self.vault.db.all(
            QUEUE_SQL + " WHERE r.status = 'returned' AND c.counsellor_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM reviews o WHERE o.target_type = r.target_type AND"
            " o.target_id = r.target_id AND o.kind = r.kind AND o.id > r.id)"
            " ORDER BY r.decided_at DESC", (self.vault.actor.user_id,))]

    def get(self, review_id: int) -> ReviewItem:
        row = self.vault.db.one(QUEUE_SQL + " WHERE r.id = ?", (review_id,))
        if row is None:
            raise NotFound("找不到该审核事项。", "The review item was not found.")
        return _item(row)

    def read(self, review_id: int) -> ReviewItem:
        """Supervisor: open an item to read what it is about (the note, the case); the read
        is audited as one of the case by someone other than its counsellor."""
        self.vault.require_role("supervisor")
        item = self.get(review_id)
        require_case(self.vault, item.case_id, "supervise", audit_read=True)
        return item

    def _decide(self, review_id: int, status: str, comment: str) -> ReviewItem:
        self.vault.require_role("supervisor")
        item = self.get(review_id)
        require_case(self.vault, item.case_id, "supervise")
        if item.status != "open":
            raise InvalidInput("该审核事项已经处理过了。",
                               "This review item has already been handled.")
        self.vault.db.execute(
            "UPDATE reviews SET status = ?, reviewer_id = ?, decided_at = ?, comment ="
            " coalesce(?, comment) WHERE id = ?",
            (status, self.vault.actor.user_id, iso(self.vault.now()), comment.strip() or None,
             review_id))
        self.vault.audit_event(f"review.{status}", "case", item.case_no, item.kind)
        return self.get(review_id)

    def cosign(self, review_id: int, comment: str = "") -> ReviewItem:
        """Supervisor: co-sign the note under review (or acknowledge a high-risk case)."""
        item = self.get(review_id)
        with self.vault.db.transaction():
            if item.kind == "cosign":
                table = NOTE_TABLES[item.target_type]
                self.vault.db.execute(
                    f"UPDATE {table} SET cosigned_by = ?, cosigned_at = ? WHERE id = ?",
                    (self.vault.actor.user_id, iso(self.vault.now()), item.target_id))
            if item.kind == "closure":
                raise InvalidInput("结案申请请使用“结案”处理。",
                                   "Handle a closure request by closing the case.")
            return self._decide(review_id, "cosigned" if item.kind == "cosign" else "reviewed",
                                comment)

    def return_with_comment(self, review_id: int, comment: str) -> ReviewItem:
        """Supervisor: send it back to the counsellor with a comment (required)."""
        if not comment.strip():
            raise InvalidInput("退回时请写明意见。", "Please write a comment when returning it.")
        return self._decide(review_id, "returned", comment)
