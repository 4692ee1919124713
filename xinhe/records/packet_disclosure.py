"""The counsellor's explicit act of sending a confidential client field in one referral:
the ticks are kept with the referral (a draft), audited with field names only, and read
back by `assemble_packet`, which hands them to `packet_client_fields`."""

from __future__ import annotations

from collections.abc import Iterable

from xinhe.errors import InvalidInput, NotFound
from xinhe.records.access import require_case
from xinhe.records.clients import CONFIDENTIAL_FIELDS, load_client
from xinhe.records.common import dumps, loads
from xinhe.records.storage.session import Session


def disclosed_fields(vault: Session, referral_id: int) -> frozenset[str]:
    """The confidential client fields the counsellor ticked for this one referral."""
    stored = vault.db.scalar("SELECT disclosed_fields FROM referrals WHERE id = ?",
                             (referral_id,))
    return frozenset(loads(stored) or []) if stored else frozenset()


def tick_confidential(vault: Session, referral_id: int, fields: Iterable[str]) -> frozenset[str]:
    """The counsellor's explicit act: send these confidential client fields in this one
    referral (an empty set unticks them all). Only the drafters (the case's counsellor or a
    supervisor) may, only on a draft, and only fields marked confidential. Audited with the
    field names (`referral.disclose`), never the values."""
    vault.require_role("counsellor", "supervisor")
    row = vault.db.one("SELECT case_id, referral_no, status FROM referrals WHERE id = ?",
                       (referral_id,))
    if row is None:
        raise NotFound("找不到该转介。", "The referral was not found.")
    case = require_case(vault, int(row["case_id"]), "write")
    chosen = frozenset(fields)
    unknown = chosen - set(CONFIDENTIAL_FIELDS)
    marked = set(load_client(vault, case["client_id"]).confidential)
    if unknown or chosen - marked:
        raise InvalidInput("只能勾选已标为保密的字段。",
                           "Only fields marked confidential can be ticked.")
    if row["status"] != "draft":
        raise InvalidInput("转介已签名，不能再改变要发送的内容。",
                           "The referral is signed; what it sends cannot change.")
    with vault.db.transaction():
        vault.db.execute("UPDATE referrals SET disclosed_fields = ? WHERE id = ?",
                         (dumps(sorted(chosen)), referral_id))
        vault.audit_event("referral.disclose", "referral", row["referral_no"],
                          ",".join(sorted(chosen)) or "none")
    return chosen
