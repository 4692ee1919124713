"""Referrals (转介): the record and its status. Nothing can be referred without a consent
covering that purpose and recipient, or a recorded legal basis.

Status: draft → signed (the PDF is made and signed) → delivered (in the platform's outbox)
→ acknowledged (recorded by hand when the agency confirms). A delivered (or acknowledged)
referral can be recalled with a reason → recalled; a signed recall notice then follows it to
the outbox (xinhe/export/recall.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinhe.errors import InvalidInput, NotFound
from xinhe.records import vocab
from xinhe.records.access import require_case, require_case_role, visible_cases_clause
from xinhe.records.common import iso, next_number, stale
from xinhe.records.consent import Consent, ConsentService
from xinhe.records.storage.session import Session


class ConsentMissing(InvalidInput):
    code = "consent_missing"

    def __init__(self, purpose: str, agency: str) -> None:
        super().__init__(
            f"没有当事人对“{vocab.label(vocab.CONSENT_PURPOSES, purpose, 'zh_CN')}”转介给"
            f"“{vocab.label(vocab.AGENCIES, agency, 'zh_CN')}”的有效同意，也没有记录无需同意的"
            "法律依据。请先记录知情同意（或法律依据），再转介。",
            f"There is no valid consent from the client for "
            f"'{vocab.label(vocab.CONSENT_PURPOSES, purpose, 'en')}' to "
            f"'{vocab.label(vocab.AGENCIES, agency, 'en')}', and no legal basis recorded. "
            "Record the consent (or the legal basis) first.")
        self.purpose = purpose
        self.agency = agency


@dataclass(frozen=True)
class Referral:
    id: int
    case_id: int
    case_no: str
    client_name: str
    referral_no: str
    agency: str
    purpose: str
    urgency: str
    summary: str
    status: str
    status_note: str | None
    consent_id: int | None
    created_by: str
    created_at: str
    signed_by: str | None
    signed_at: str | None
    file_sha256: str | None
    delivered_at: str | None
    delivered_to: str | None
    acknowledged_at: str | None
    acknowledgement: str | None
    version: int
    recalled_at: str | None = None
    recalled_by: str | None = None
    recall_reason: str | None = None
    recall_sha256: str | None = None


#: A recall notice's machine-readable part, embedded in its signed PDF.
RECALL_JSON = "referral-recall.json"
RECALLABLE = ("delivered", "acknowledged")

SQL = """
SELECT r.id, r.case_id, c.case_no, cl.name AS client_name, r.referral_no, r.agency, r.purpose,
       r.urgency, r.summary, r.status, r.status_note, r.consent_id,
       (SELECT display_name FROM users WHERE id = r.created_by) AS created_by_name,
       r.created_at, (SELECT display_name FROM users WHERE id = r.signed_by) AS signed_by_name,
       r.signed_at, r.file_sha256, r.delivered_at, r.delivered_to, r.acknowledged_at,
       r.acknowledgement, r.version, r.recalled_at,
       (SELECT display_name FROM users WHERE id = r.recalled_by) AS recalled_by_name,
       r.recall_reason, r.recall_sha256
FROM referrals r JOIN cases c ON c.id = r.case_id JOIN clients cl ON cl.id = c.client_id
"""


def _referral(r: Any) -> Referral:
    return Referral(r["id"], r["case_id"], r["case_no"], r["client_name"], r["referral_no"],
                    r["agency"], r["purpose"], r["urgency"], r["summary"], r["status"],
                    r["status_note"], r["consent_id"], r["created_by_name"], r["created_at"],
                    r["signed_by_name"], r["signed_at"], r["file_sha256"], r["delivered_at"],
                    r["delivered_to"], r["acknowledged_at"], r["acknowledgement"],
                    r["version"], r["recalled_at"], r["recalled_by_name"], r["recall_reason"],
                    r["recall_sha256"])


class ReferralService:
    def __init__(self, vault: Session) -> None:
        self.vault = vault

    def consent_for(self, case_id: int, purpose: str, agency: str) -> Consent:
        """The consent covering this referral; ConsentMissing if there is none."""
        consent = ConsentService(self.vault).covering(case_id, purpose, agency)
        if consent is None:
            case_no = self.vault.db.scalar("SELECT case_no FROM cases WHERE id = ?", (case_id,))
            self.vault.audit_event("referral.refused", "case", case_no, "no consent")
            raise ConsentMissing(purpose, agency)
        return consent

    def create(self, case_id: int, *, agency: str, purpose: str, urgency: str = "normal",
               summary: str = "") -> Referral:
        """Counsellor or supervisor: draft a referral. Refused without consent."""
        self.vault.require_role("counsellor", "supervisor")
        case = require_case(self.vault, case_id, "write")
        vocab.check(vocab.AGENCIES, agency, "接收机构", "Agency")
        vocab.check(vocab.CONSENT_PURPOSES, purpose, "转介用途", "Purpose")
        vocab.check(vocab.URGENCIES, urgency, "紧急程度", "Urgency")
        consent = self.consent_for(case_id, purpose, agency)
        now = self.vault.now()
        with self.vault.db.transaction():
            number = f"ZJ-{now.year}-{next_number(self.vault, 'referral', now.year):04d}"
            referral_id = self.vault.db.insert(
                "INSERT INTO referrals (case_id, referral_no, agency, purpose, urgency, summary,"
                " consent_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (case_id, number, agency, purpose, urgency, summary.strip(), consent.id,
                 self.vault.actor.user_id, iso(now)))
            self.vault.audit_event("referral.create", "referral", number, case["case_no"])
        return self.get(referral_id)

    def update_draft(self, referral_id: int, expected_version: int, *, summary: str,
                     urgency: str) -> Referral:
        referral = self.get(referral_id)
        require_case(self.vault, referral.case_id, "write")
        vocab.check(vocab.URGENCIES, urgency, "紧急程度", "Urgency")
        if referral.status != "draft":
            raise InvalidInput("已签名的转介不能修改。", "A signed referral cannot be changed.")
        cursor = self.vault.db.execute(
            "UPDATE referrals SET summary = ?, urgency = ?, version = version + 1 WHERE id = ?"
            " AND version = ? AND status = 'draft'",
            (summary.strip(), urgency, referral_id, expected_version))
        if cursor.rowcount != 1:
            raise stale(self.vault, "referrals", referral_id, "转介", "referral",
                        referral.referral_no)
        self.vault.audit_event("referral.update", "referral", referral.referral_no)
        return self.get(referral_id)

    def get(self, referral_id: int) -> Referral:
        row = self.vault.db.one(SQL + " WHERE r.id = ?", (referral_id,))
        if row is None:
            raise NotFound("找不到该转介。", "The referral was not found.")
        require_case(self.vault, row["case_id"], "header")
        return _referral(row)

    def find(self, *, case_id: int | None = None, status: str | None = None) -> list[Referral]:
        require_case_role(self.vault)
        clause, params = visible_cases_clause(self.vault)
        where = [clause]
        if case_id is not None:
            where.append("r.case_id = ?")
            params.append(case_id)
        if status is not None:
            where.append("r.status = ?")
            params.append(status)
        return [_referral(r) for r in self.vault.db.all(
            SQL + " WHERE " + " AND ".join(where) + " ORDER BY r.created_at DESC", params)]

    # -- status, driven by the export layer ------------------------------------------------
    def mark_signed(self, referral_id: int, pdf: bytes, sha256: str) -> Referral:
        referral = self.get(referral_id)
        if referral.status != "draft":
            raise InvalidInput("该转介已经签名。", "This referral is already signed.")
        cursor = self.vault.db.execute(
            "UPDATE referrals SET status = 'signed', signed_by = ?, signed_at = ?, pdf = ?,"
            " file_sha256 = ?, status_note = NULL, version = version + 1 WHERE id = ?"
            " AND status = 'draft'",
            (self.vault.actor.user_id, iso(self.vault.now()), pdf, sha256, referral_id))
        if cursor.rowcount != 1:  # signed on another workstation a moment ago
            raise InvalidInput("该转介已经签名。", "This referral is already signed.")
        self.vault.audit_event("referral.sign", "referral", referral.referral_no, sha256[:16])
        return self.get(referral_id)

    def signed_pdf(self, referral_id: int) -> bytes:
        referral = self.get(referral_id)
        blob = self.vault.db.scalar("SELECT pdf FROM referrals WHERE id = ?", (referral.id,))
        if blob is None:
            raise InvalidInput("该转介还没有签名的文件。", "This referral has no signed file yet.")
        return bytes(blob)

    def mark_delivered(self, referral_id: int, destination: str) -> Referral:
        referral = self.get(referral_id)
        self.vault.db.execute(
            "UPDATE referrals SET status = 'delivered', delivered_at = ?, delivered_to = ?,"
            " status_note = NULL, version = version + 1 WHERE id = ?",
            (iso(self.vault.now()), destination, referral_id))
        self.vault.audit_event("referral.deliver", "referral", referral.referral_no)
        return self.get(referral_id)

    def mark_delivery_failed(self, referral_id: int, reason: str) -> Referral:
        referral = self.get(referral_id)
        self.vault.db.execute("UPDATE referrals SET status_note = ?, version = version + 1"
                              " WHERE id = ?", (reason, referral_id))
        self.vault.audit_event("referral.deliver", "referral", referral.referral_no, "failed")
        return self.get(referral_id)

    def acknowledge(self, referral_id: int, note: str) -> Referral:
        """Record by hand that the agency confirmed receipt."""
        referral = self.get(referral_id)
        if referral.status != "delivered":
            raise InvalidInput("只有已送达的转介才能登记回执。",
                               "Only a delivered referral can be acknowledged.")
        self.vault.db.execute(
            "UPDATE referrals SET status = 'acknowledged', acknowledged_at = ?,"
            " acknowledgement = ?, version = version + 1 WHERE id = ?",
            (iso(self.vault.now()), note.strip() or None, referral_id))
        self.vault.audit_event("referral.acknowledge", "referral", referral.referral_no)
        return self.get(referral_id)

    # -- recall ------------------------------------------------------------------------------
    def recall(self, referral_id: int, reason: str, *, consent_id: int | None = None) -> Referral:
        """Counsellor or supervisor: recall a delivered referral, with the reason (audited).
        The signed notice to the agency is made and delivered by xinhe.export.recall."""
        self.vault.require_role("counsellor", "supervisor")
        referral = self.get(referral_id)
        require_case(self.vault, referral.case_id, "write")
        reason = reason.strip()
        if not reason:
            raise InvalidInput("请写明撤回转介的原因。", "Give the reason for the recall.")
        if referral.status not in RECALLABLE:
            raise InvalidInput("只有已送达的转介才能撤回。",
                               "Only a delivered referral can be recalled.")
        cursor = self.vault.db.execute(
            "UPDATE referrals SET status = 'recalled', recalled_at = ?, recalled_by = ?,"
            " recall_reason = ?, status_note = NULL, version = version + 1 WHERE id = ?"
            " AND status IN ('delivered', 'acknowledged')",
            (iso(self.vault.now()), self.vault.actor.user_id, reason, referral_id))
        if cursor.rowcount != 1:  # recalled on another workstation a moment ago
            raise InvalidInput("该转介已经撤回。", "This referral was already recalled.")
        self.vault.audit_event("referral.recall", "referral", referral.referral_no,
                               f"consent:{consent_id}" if consent_id else "ok")
        return self.get(referral_id)

    def mark_recall_signed(self, referral_id: int, pdf: bytes, sha256: str) -> Referral:
        """Keep the signed recall notice with the referral."""
        referral = self.get(referral_id)
        if referral.status != "recalled":
            raise InvalidInput("该转介没有撤回。", "This referral was not recalled.")
        self.vault.db.execute("UPDATE referrals SET recall_pdf = ?, recall_sha256 = ?,"
                              " version = version + 1 WHERE id = ?", (pdf, sha256, referral_id))
        self.vault.audit_event("referral.recall_sign", "referral", referral.referral_no,
                               sha256[:16])
        return self.get(referral_id)

    def mark_recall_delivered(self, referral_id: int, destination: str) -> Referral:
        """The recall notice reached the outbox (the status stays "recalled")."""
        referral = self.get(referral_id)
        self.vault.db.execute("UPDATE referrals SET status_note = NULL, version = version + 1"
                              " WHERE id = ?", (referral_id,))
        self.vault.audit_event("referral.recall_deliver", "referral", referral.referral_no,
                               Path(destination).name)
        return self.get(referral_id)

    def recall_pdf(self, referral_id: int) -> bytes:
        referral = self.get(referral_id)
        blob = self.vault.db.scalar("SELECT recall_pdf FROM referrals WHERE id = ?",
                                    (referral.id,))
        if blob is None:
            raise InvalidInput("该转介还没有签名的撤回通知。",
                               "This referral has no signed recall notice yet.")
        return bytes(blob)

    def print_copy(self, referral_id: int) -> bytes:
        """The signed file to print — the recall notice once recalled, else the referral —
        audited as a print, as an export is (the same people may do it)."""
        referral = self.get(referral_id)
        if referral.status not in ("signed", *RECALLABLE, "recalled"):
            raise InvalidInput("该转介还没有签名的文件。", "This referral has no signed file yet.")
        recalled = referral.status == "recalled" and referral.recall_sha256 is not None
        pdf = self.recall_pdf(referral_id) if recalled else self.signed_pdf(referral_id)
        self.vault.audit_event("referral.print", "referral", referral.referral_no,
                               "recall" if recalled else "ok")
        return pdf

    def rested_on(self, consent_id: int) -> list[Referral]:
        """The referrals still out (delivered or acknowledged) that rested on a consent."""
        return [r for r in self.find() if r.consent_id == consent_id
                and r.status in RECALLABLE]
