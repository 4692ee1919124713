"""The court extracts the studio signed, kept in the vault: what was chosen for each, the
document and the signed PDF, to print or save again (each time audited)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from xinhe.errors import NotFound
from xinhe.records.common import dumps, iso, loads
from xinhe.records.court_extract import CourtExtract, require_extract_access
from xinhe.records.storage.session import Session


@dataclass(frozen=True)
class ExtractRecord:
    """A signed extract kept in the vault (the list in the case, and printing a copy)."""

    extract_no: str
    case_id: int
    created_at: str
    created_by: str
    sha256: str


def record_extract(vault: Session, extract: CourtExtract, chosen: Collection[str], pdf: bytes,
                   sha256: str) -> ExtractRecord:
    """Keep the signed extract in the vault, with the keys chosen for it (audited)."""
    case_id = vault.db.scalar("SELECT id FROM cases WHERE case_no = ?", (extract.case_no,))
    require_extract_access(vault, int(case_id))
    vault.db.execute(
        "INSERT INTO court_extracts (case_id, extract_no, chosen, document, created_by,"
        " created_at, file_sha256, pdf) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, extract.extract_no, dumps(sorted(chosen)), dumps(extract.to_json()),
         vault.actor.user_id, iso(extract.created_at), sha256, pdf))
    vault.audit_event("extract.sign", "court_extract", extract.extract_no, sha256[:16])
    return _records(vault, "e.extract_no = ?", (extract.extract_no,))[0]


def _records(vault: Session, where: str, params: tuple[Any, ...]) -> list[ExtractRecord]:
    return [ExtractRecord(str(r["extract_no"]), int(r["case_id"]), str(r["created_at"]),
                          str(r["who"]), str(r["file_sha256"])) for r in vault.db.all(
        "SELECT e.extract_no, e.case_id, e.created_at, e.file_sha256, u.display_name AS who"
        f" FROM court_extracts e JOIN users u ON u.id = e.created_by WHERE {where}"
        " ORDER BY e.id", params)]


def extracts_for_case(vault: Session, case_id: int) -> list[ExtractRecord]:
    """The court extracts made of a case, oldest first."""
    require_extract_access(vault, case_id)
    return _records(vault, "e.case_id = ?", (case_id,))


def extract_copy(vault: Session, extract_no: str, *, purpose: str = "print"
                 ) -> tuple[CourtExtract, bytes]:
    """A kept extract and its signed PDF, to print or save again (audited as `purpose`)."""
    row = vault.db.one("SELECT case_id, document, pdf FROM court_extracts WHERE"
                       " extract_no = ?", (extract_no,))
    if row is None:
        raise NotFound("找不到该求助记录证明。", "The court extract was not found.")
    require_extract_access(vault, int(row["case_id"]))
    vault.audit_event(f"extract.{purpose}", "court_extract", extract_no)
    return CourtExtract.from_json(loads(row["document"])), bytes(row["pdf"])
