"""Consent (知情同意): per purpose and per recipient agency, with its form and date — or the
legal basis when consent is not required (a legal duty, or protecting life in an
emergency). A child under 14 needs a guardian's consent. Consent can be withdrawn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from xinhe.errors import InvalidInput, NotFound
from xinhe.records import vocab
from xinhe.records.access import require_case
from xinhe.records.clients import ClientService
from xinhe.records.common import iso
from xinhe.records.storage.session import Session

GUARDIAN_AGE = 14


@dataclass(frozen=True)
class Consent:
    id: int
    case_id: int
    purpose: str
    recipient: str
    form: str | None
    legal_basis: str | None
    basis_note: str | None
    given_at: str
    given_by: str | None
    recorded_by: str
    withdrawn_at: str | None
    withdrawn_by: str | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def describe(self, lang: str | None = None) -> str:
        how = (vocab.label(vocab.CONSENT_FORMS, self.form, lang) if self.form else
               vocab.label(vocab.LEGAL_BASES, self.legal_basis, lang))
        return (f"{vocab.label(vocab.CONSENT_PURPOSES, self.purpose, lang)} → "
                f"{vocab.label(vocab.AGENCIES, self.recipient, lang)}: {how}")


def _consent(r: Any) -> Consent:
    return Consent(r["id"], r["case_id"], r["purpose"], r["recipient"], r["form"],
                   r["legal_basis"], r["basis_note"], r["given_at"], r["given_by"],
                   r["recorder"], r["withdrawn_at"], r["withdrawer"])


SQL = ("SELECT k.*, u.display_name AS recorder, w.display_name AS withdrawer FROM consents k"
       " JOIN users u ON u.id = k.recorded_by LEFT JOIN users w ON w.id = k.withdrawn_by")


class ConsentService:
    def __init__(self, vault: Session) -> None:
        self.vault = vault

    def record(self, case_id: int, *, purpose: str, recipient: str, given_at: datetime,
               form: str | None = None, given_by: str = "", legal_basis: str | None = None,
               basis_note: str = "", attachment_id: int | None = None) -> Consent:
        """Record consent (form + who gave it) or the legal basis used instead."""
        case = require_case(self.vault, case_id, "write")
        vocab.check(vocab.CONSENT_PURPOSES, purpose, "用途", "Purpose")
        vocab.check(vocab.AGENCIES, recipient, "接收机构", "Recipient")
        if (form is None) == (legal_basis is None):
            raise InvalidInput("请选择同意方式，或者选择无需同意的法律依据（二者选一）。",
                               "Choose how consent was given, or the legal basis that makes "
                               "consent unnecessary (one of the two).")
        if form is not None:
            vocab.check(vocab.CONSENT_FORMS, form, "同意方式", "Form of consent")
            client = ClientService(self.vault).get(case["client_id"])
            age = client.age_on(given_at.date())
            if age is not None and age < GUARDIAN_AGE and form != "guardian":
                raise InvalidInput("当事人未满14周岁，需要监护人同意。",
                                   "The client is under 14: a guardian must consent.")
        else:
            vocab.check(vocab.LEGAL_BASES, str(legal_basis), "法律依据", "Legal basis")
            if not basis_note.strip():
                raise InvalidInput("使用法律依据时，请简要写明情况。",
                                   "When relying on a legal basis, briefly note the situation.")
        consent_id = self.vault.db.insert(
            "INSERT INTO consents (case_id, purpose, recipient, form, legal_basis, basis_note,"
            " given_at, given_by, attachment_id, recorded_by, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, purpose, recipient, form, legal_basis, basis_note.strip() or None,
             iso(given_at), given_by.strip() or None, attachment_id, self.vault.actor.user_id,
             iso(self.vault.now())))
        self.vault.audit_event("consent.record", "consent", consent_id,
                               form or f"basis:{legal_basis}")
        return self.get(consent_id)

    def get(self, consent_id: int) -> Consent:
        row = self.vault.db.one(SQL + " WHERE k.id = ?", (consent_id,))
        if row is None:
            raise NotFound("找不到该同意记录。", "The consent record was not found.")
        require_case(self.vault, row["case_id"], "header")
        return _consent(row)

    def for_case(self, case_id: int) -> list[Consent]:
        require_case(self.vault, case_id, "header")
        return [_consent(r) for r in self.vault.db.all(SQL + " WHERE k.case_id = ? ORDER BY"
                                                       " k.given_at", (case_id,))]

    def withdraw(self, consent_id: int) -> Consent:
        consent = self.get(consent_id)
        require_case(self.vault, consent.case_id, "write")
        if not consent.active:
            raise InvalidInput("该同意已经撤回。", "This consent was already withdrawn.")
        self.vault.db.execute("UPDATE consents SET withdrawn_at = ?, withdrawn_by = ? WHERE"
                              " id = ?", (iso(self.vault.now()), self.vault.actor.user_id,
                                          consent_id))
        self.vault.audit_event("consent.withdraw", "consent", consent_id)
        return self.get(consent_id)

    def covering(self, case_id: int, purpose: str, recipient: str) -> Consent | None:
        """The active consent (or legal basis) for this purpose and recipient, if any."""
        row = self.vault.db.one(
            SQL + " WHERE k.case_id = ? AND k.purpose = ? AND k.recipient = ? AND"
            " k.withdrawn_at IS NULL ORDER BY k.given_at DESC LIMIT 1",
            (case_id, purpose, recipient))
        return None if row is None else _consent(row)
