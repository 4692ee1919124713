"""A case's risk level: the highest of its latest assessments (one per instrument, a high-
risk crisis counting as one), or a counsellor's or supervisor's override with a reason.
Every change is kept as history; reaching "high" puts the case in the supervisor's review
queue with a 24-hour clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from xinhe.errors import InvalidInput
from xinhe.records import vocab
from xinhe.records.common import iso
from xinhe.records.storage.session import Session

HIGH_RISK_REVIEW_HOURS = 24
HIGH_RISK_CRISES = ("dv_high_risk", "suicide")


@dataclass(frozen=True)
class RiskChange:
    level: str | None
    previous: str | None
    source: str
    reason: str | None
    changed_by: str
    changed_at: str


def computed_level(vault: Session, case_id: int) -> str | None:
    """Highest level among the latest assessment of each instrument, and high-risk crises."""
    rows = vault.db.all(
        "SELECT a.level FROM assessments a WHERE a.case_id = ? AND a.id = ("
        " SELECT b.id FROM assessments b WHERE b.case_id = a.case_id AND"
        " b.template_id = a.template_id ORDER BY b.assessed_at DESC, b.id DESC LIMIT 1)",
        (case_id,))
    level: str | None = None
    for row in rows:
        level = vocab.higher_risk(level, row["level"])
    crisis = vault.db.one(
        "SELECT 1 FROM crisis_interventions WHERE case_id = ? AND kind IN (?, ?)",
        (case_id, *HIGH_RISK_CRISES))
    if crisis is not None:
        level = "high"
    return level


def _record(vault: Session, case_id: int, level: str | None, previous: str | None, source: str,
            reason: str | None) -> None:
    now = iso(vault.now())
    vault.db.execute(
        "INSERT INTO risk_history (case_id, level, previous, source, reason, changed_by,"
        " changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (case_id, level, previous, source, reason, vault.actor.user_id, now))
    vault.db.execute("UPDATE cases SET risk_level = ?, risk_updated_at = ?, updated_at = ?,"
                     " version = version + 1 WHERE id = ?", (level, now, now, case_id))
    if level == "high" and previous != "high":
        open_review = vault.db.one(
            "SELECT 1 FROM reviews WHERE case_id = ? AND kind = 'high_risk' AND status = 'open'",
            (case_id,))
        if open_review is None:
            vault.db.execute(
                "INSERT INTO reviews (case_id, kind, target_type, target_id, due_at,"
                " requested_by, requested_at) VALUES (?, 'high_risk', 'case', ?, ?, ?, ?)",
                (case_id, case_id, iso(vault.now() + timedelta(hours=HIGH_RISK_REVIEW_HOURS)),
                 vault.actor.user_id, now))
    case_no = vault.db.scalar("SELECT case_no FROM cases WHERE id = ?", (case_id,))
    vault.audit_event("case.risk", "case", case_no, f"{previous or '-'}->{level or '-'}")


def refresh(vault: Session, case_id: int, source: str) -> str | None:
    """Recompute after a new assessment or crisis. An override stands unless the new
    computed level is higher, in which case the override lapses (safety first)."""
    row = vault.db.one("SELECT risk_level, risk_override FROM cases WHERE id = ?", (case_id,))
    assert row is not None
    current: str | None = row["risk_level"]
    override: str | None = row["risk_override"]
    computed = computed_level(vault, case_id)
    if override is not None:
        if vocab.RISK_RANK[computed] <= vocab.RISK_RANK[override]:
            return current
        vault.db.execute("UPDATE cases SET risk_override = NULL WHERE id = ?", (case_id,))
    if computed != current:
        _record(vault, case_id, computed, current, source, None)
    return computed


def override(vault: Session, case_id: int, level: str | None, reason: str) -> None:
    """Set the level by professional judgement (None returns to the computed level)."""
    if not reason or not reason.strip():
        raise InvalidInput("调整风险等级必须写明理由。",
                           "A reason is required to change the risk level.")
    if level is not None:
        vocab.check(vocab.RISK_LEVELS, level, "风险等级", "Risk level")
    row = vault.db.one("SELECT risk_level FROM cases WHERE id = ?", (case_id,))
    assert row is not None
    target = level if level is not None else computed_level(vault, case_id)
    vault.db.execute("UPDATE cases SET risk_override = ? WHERE id = ?", (level, case_id))
    _record(vault, case_id, target, row["risk_level"],
            "override" if level is not None else "override_cleared", reason.strip())


def history(vault: Session, case_id: int) -> list[RiskChange]:
    rows = vault.db.all(
        "SELECT h.*, u.display_name FROM risk_history h JOIN users u ON u.id = h.changed_by"
        " WHERE h.case_id = ? ORDER BY h.id", (case_id,))
    return [RiskChange(r["level"], r["previous"], r["source"], r["reason"], r["display_name"],
                       r["changed_at"]) for r in rows]
