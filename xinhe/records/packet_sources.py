"""The stored records a referral packet is made from, read on either home.

In the vault, and on the studio server for those who may read notes, straight from the
tables. Staff on the server may not read note tables at all (row-level security); while a
case has a consented draft referral they read its packet sources through the functions in
storage/pg_packets.py, which give no more than a packet can hold.
"""

from __future__ import annotations

from typing import Any

from xinhe.records.storage.session import Session

SESSION_NOTES_IN_PACKET = 3


def _via_functions(vault: Session) -> bool:
    return vault.db.dialect == "postgres" and vault.actor.role == "staff"


def assessments(vault: Session, case_id: int) -> list[Any]:
    """Every assessment of the case, newest first."""
    if _via_functions(vault):
        rows = vault.db.all("SELECT * FROM packet_assessments(?)", (case_id,))
        return sorted(rows, key=lambda r: (r["assessed_at"], r["id"]), reverse=True)
    return vault.db.all("SELECT * FROM assessments WHERE case_id = ? ORDER BY"
                        " assessed_at DESC, id DESC", (case_id,))


def latest_assessments(vault: Session, case_id: int, template_ids: list[str]) -> list[Any]:
    """The latest assessment of each of these templates, oldest first."""
    if not template_ids:
        return []
    if _via_functions(vault):
        latest: dict[str, Any] = {}
        for row in assessments(vault, case_id):  # newest first: the first seen is kept
            if row["template_id"] in template_ids:
                latest.setdefault(row["template_id"], row)
        return sorted(latest.values(), key=lambda r: (r["assessed_at"], r["id"]))
    marks = ", ".join("?" for _ in template_ids)
    return vault.db.all(
        f"SELECT a.* FROM assessments a WHERE a.case_id = ? AND a.template_id IN ({marks})"
        " AND a.id = (SELECT b.id FROM assessments b WHERE b.case_id = a.case_id AND"
        " b.template_id = a.template_id ORDER BY b.assessed_at DESC, b.id DESC LIMIT 1)"
        " ORDER BY a.assessed_at, a.id", [case_id, *template_ids])


def safety_plan(vault: Session, case_id: int) -> Any:
    """The case's latest safety plan, or None."""
    if _via_functions(vault):
        return vault.db.one("SELECT * FROM packet_safety_plan(?)", (case_id,))
    return vault.db.one("SELECT * FROM safety_plans WHERE case_id = ? ORDER BY id DESC"
                        " LIMIT 1", (case_id,))


def session_notes(vault: Session, case_id: int) -> list[Any]:
    """The latest signed session notes a packet holds, newest first."""
    if _via_functions(vault):
        return vault.db.all("SELECT * FROM packet_sessions(?)", (case_id,))
    return vault.db.all(
        "SELECT * FROM sessions WHERE case_id = ? AND signed_at IS NOT NULL"
        " ORDER BY started_at DESC, id DESC LIMIT ?", (case_id, SESSION_NOTES_IN_PACKET))


def session_addenda(vault: Session, case_id: int, session_id: int) -> list[Any]:
    """The addenda to one of those notes, in order."""
    if _via_functions(vault):
        return vault.db.all("SELECT text, created_at FROM packet_addenda(?, ?)",
                            (case_id, session_id))
    return vault.db.all("SELECT text, created_at FROM addenda WHERE parent_type = 'session'"
                        " AND parent_id = ? ORDER BY id", (session_id,))


def attachments(vault: Session, case_id: int, kinds: list[str]) -> list[Any]:
    """The case's attachments of these kinds, with their data, oldest first."""
    if _via_functions(vault):
        return vault.db.all("SELECT * FROM packet_attachments(?, CAST(? AS text[]))",
                            (case_id, kinds))
    marks = ", ".join("?" for _ in kinds)
    return vault.db.all(
        "SELECT filename, media_type, size, sha256, data FROM attachments WHERE"
        f" case_id = ? AND kind IN ({marks}) ORDER BY added_at, id", [case_id, *kinds])
