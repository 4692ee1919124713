"""Retention: closed cases are kept for a period per category, then purged for good.

The period counts from closure: by default 10 years, and 3 years for cases that never
went past intake. A case went past intake if it holds a session note (draft or signed), a
crisis intervention, a safety plan, a completed follow-up, a legal clock or a referral,
or if the audit trail shows it was ever moved to active or follow-up (reopened cases
included). A session draft that was discarded leaves nothing to keep, so on its own it
does not make a case more than intake.

Purging (a supervisor, who types their password again) deletes the case and everything
recorded in it, its search-index entries, and the client when no other case is theirs.
An audit entry names the case number and who purged it, nothing more. The database is
then vacuumed and its log truncated, so no page of the file still holds what was
deleted (secure_delete zeroes freed pages too).

On the studio server the same purge runs as one server function (storage/pg_retention.py,
supervisors only); there is no file to compact: PostgreSQL's autovacuum reclaims the
deleted rows, whose person-describing values were sealed ciphertext (docs/server.md).

Backups made before a purge still hold the case until they are rotated out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlcipher3
from dateutil.relativedelta import relativedelta

from xinhe.crypto import keyslots as ks
from xinhe.errors import (
    DeviceBindingUnavailable,
    InvalidInput,
    NotFound,
    StorageError,
    WrongPassword,
)
from xinhe.records import search, vocab
from xinhe.records.common import parse_ts
from xinhe.records.storage.session import Session
from xinhe.records.vault import Vault

DEFAULT_YEARS = 10
DEFAULT_INTAKE_ONLY_YEARS = 3
MAX_YEARS = 100
SETTING = "retention.policy"
PENDING_COMPACTION = "retention.compact_pending"

# Casework that takes a case past intake (any row in these tables).
PAST_INTAKE_TABLES = ("sessions", "crisis_interventions", "safety_plans", "clocks", "referrals")
# The order in which a case's records are deleted on purge (what refers to another row
# goes before it). Any other table with a case_id column is emptied of the case first;
# foreign keys refuse a purge that would leave a dangling reference.
CASE_TABLES = ("referrals", "consents", "attachments", "addenda", "reviews", "clocks",
               "followups", "safety_plans", "assessments", "crisis_interventions", "sessions",
               "risk_history", "case_shares")


@dataclass(frozen=True)
class RetentionPolicy:
    """Years to keep a closed case, per category; shorter for cases that stayed at intake."""

    years: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        vocab.CATEGORIES, DEFAULT_YEARS))
    intake_only_years: int = DEFAULT_INTAKE_ONLY_YEARS

    def years_for(self, category: str, intake_only: bool) -> int:
        years = self.years.get(category, DEFAULT_YEARS)
        return min(years, self.intake_only_years) if intake_only else years

    def to_json(self) -> dict[str, object]:
        return {"years": dict(sorted(self.years.items())),
                "intake_only_years": self.intake_only_years}


def _check_years(value: int) -> int:
    if not 1 <= int(value) <= MAX_YEARS:
        raise InvalidInput(f"保存年限应在 1 到 {MAX_YEARS} 年之间。",
                           f"A retention period is between 1 and {MAX_YEARS} years.")
    return int(value)


def policy(vault: Session) -> RetentionPolicy:
    """The studio's retention periods (defaults for what was never set)."""
    default = RetentionPolicy()
    try:
        stored = json.loads(vault.setting(SETTING) or "{}")
        years = {**default.years, **{str(k): int(v) for k, v in stored.get("years", {}).items()
                                     if k in vocab.CATEGORIES}}
        intake = int(stored.get("intake_only_years", default.intake_only_years))
    except (ValueError, TypeError, AttributeError):
        return default
    return RetentionPolicy(years, intake)


def set_policy(vault: Session, new: RetentionPolicy) -> RetentionPolicy:
    """Supervisor: change the retention periods."""
    vault.require_role("supervisor")
    for category, years in new.years.items():
        vocab.check(vocab.CATEGORIES, category, "个案类别", "Case category")
        _check_years(years)
    _check_years(new.intake_only_years)
    clean = RetentionPolicy({**RetentionPolicy().years, **new.years}, new.intake_only_years)
    with vault.db.transaction():
        if vault.db.dialect == "postgres":  # settings are the administrator's there
            vault.db.execute("SELECT set_retention_policy(?)", (json.dumps(clean.to_json()),))
        else:
            vault.set_setting(SETTING, json.dumps(clean.to_json()))
        vault.audit_event("retention.policy", "settings", "retention")
    return clean


@dataclass(frozen=True)
class DueCase:
    """A closed case whose retention period is over: a line of the purge list."""

    id: int
    case_no: str
    category: str
    closed_at: str
    intake_only: bool
    years: int
    keep_until: date  # the last day of the retention period; purge from the day after
    counsellor_name: str


def _past_intake_sql() -> str:
    tables = " OR ".join(f"EXISTS (SELECT 1 FROM {t} x WHERE x.case_id = c.id)"
                         for t in PAST_INTAKE_TABLES)
    return (f"({tables} OR EXISTS (SELECT 1 FROM followups f WHERE f.case_id = c.id AND"
            " f.status = 'done'))")


def _moved_on_in_audit(vault: Session) -> set[str]:
    """Case numbers the audit trail shows moved to active or follow-up (one scan)."""
    return {str(r[0]) for r in vault.db.all(
        "SELECT DISTINCT object_id FROM audit_event WHERE action = 'case.status' AND"
        " object_type = 'case' AND outcome IN ('active', 'followup')")}


def due_cases(vault: Session, today: date | None = None) -> list[DueCase]:
    """Supervisor: closed cases past their retention period, longest overdue first."""
    vault.require_role("supervisor")
    rules = policy(vault)
    today = today or vault.now().date()
    rows = vault.db.all(
        f"SELECT c.id, c.case_no, c.category, c.closed_at, {_past_intake_sql()} AS past,"
        " u.display_name FROM cases c JOIN users u ON u.id = c.counsellor_id"
        " WHERE c.status = 'closed' AND c.closed_at IS NOT NULL")
    moved_on = _moved_on_in_audit(vault) if rows else set()
    due = []
    for r in rows:
        closed = parse_ts(r["closed_at"])
        assert closed is not None
        intake_only = not r["past"] and r["case_no"] not in moved_on
        years = rules.years_for(r["category"], intake_only)
        keep_until = closed.date() + relativedelta(years=years)
        if keep_until < today:
            due.append(DueCase(int(r["id"]), r["case_no"], r["category"], r["closed_at"],
                               intake_only, years, keep_until, r["display_name"]))
    return sorted(due, key=lambda d: (d.keep_until, d.case_no))


def reauthenticate(vault: Session, password: str, action: str) -> None:
    """Ask again before a dangerous act: the acting user's password must open their slot."""
    if not isinstance(vault, Vault):  # the studio server keeps the slot (no device binding)
        raw = vault.db.scalar("SELECT slot FROM key_slots WHERE username = ?",
                              (vault.actor.username,))
        if raw is None:
            raise WrongPassword()
        try:
            ks.open_private(vault.vault_id, ks.UserSlot.from_json(raw), password, None)
        except WrongPassword:
            vault.audit_event(action, "user", vault.actor.username, "refused:password")
            raise
        return
    slot = vault.slots.users.get(vault.actor.username)
    if slot is None:
        raise WrongPassword()
    secret = vault.folder.binding.get_secret(vault.vault_id) if slot.device_bound else None
    if slot.device_bound and secret is None:
        raise DeviceBindingUnavailable()
    try:
        ks.open_private(vault.vault_id, slot, password, secret)
    except WrongPassword:
        vault.audit_event(action, "user", vault.actor.username, "refused:password")
        raise


@dataclass(frozen=True)
class PurgeResult:
    case_nos: tuple[str, ...]
    clients_removed: int
    records_removed: int
    compacted: bool  # False: the VACUUM could not run now; it is retried (see compact_pending)
    on_server: bool = False  # no file to compact: the server's autovacuum reclaims the rows


def purge(vault: Session, case_nos: list[str], password: str,
          now: datetime | None = None) -> PurgeResult:
    """Supervisor: delete closed cases past their retention period, for good.

    Each is refused unless it is on the purge list. Deletes every record of the case,
    its search-index entries and the client if no other case is theirs; audits
    "retention.purge" with the case number only; then vacuums the database."""
    vault.require_role("supervisor")
    wanted = list(dict.fromkeys(n.strip() for n in case_nos if n.strip()))
    if not wanted:
        raise InvalidInput("请选择要清除的个案。", "Choose the cases to purge.")
    reauthenticate(vault, password, "retention.purge")
    today = (now or vault.now()).date()
    due = {d.case_no: d for d in due_cases(vault, today)}
    for case_no in wanted:
        if case_no not in due:
            if vault.db.one("SELECT 1 FROM cases WHERE case_no = ?", (case_no,)) is None:
                raise NotFound(f"没有编号为 {case_no} 的个案。", f"There is no case {case_no}.")
            raise InvalidInput(f"个案 {case_no} 尚未到保存期限（或未结案），不能清除。",
                               f"Case {case_no} has not reached the end of its retention "
                               "period (or is not closed), so it cannot be purged.")
    clients = records = 0
    with vault.db.transaction():
        for case_no in wanted:
            removed_client, count = _purge_case(vault, due[case_no].id)
            clients += removed_client
            records += count
            vault.audit_event("retention.purge", "case", case_no,
                              "client removed" if removed_client else "client kept")
        if not isinstance(vault, Vault):
            return PurgeResult(tuple(wanted), clients, records, False, on_server=True)
        search.compact(vault.db)
    return PurgeResult(tuple(wanted), clients, records, try_vacuum(vault))


def case_tables(vault: Vault) -> list[str]:
    """Every table holding rows of a case, in the order to delete them."""
    names = [str(r[0]) for r in vault.db.all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    # session_months is a summary of sessions that their triggers keep (migration 12).
    found = [t for t in names if t not in ("cases", "search_doc", "session_months")
             and "case_id" in vault.db.column_names(t)]
    order = {t: i for i, t in enumerate(CASE_TABLES)}
    return sorted(found, key=lambda t: (order.get(t, -1), t))


def _purge_case(vault: Session, case_id: int) -> tuple[int, int]:
    if not isinstance(vault, Vault):
        row = vault.db.one("SELECT clients_removed, records_removed FROM purge_case(?)",
                           (case_id,))
        return int(row[0]), int(row[1])
    db = vault.db
    client_id = int(db.scalar("SELECT client_id FROM cases WHERE id = ?", (case_id,)))
    search.remove_case(db, case_id, compact_now=False)
    count = 0
    for table in case_tables(vault):
        count += db.execute(f"DELETE FROM {table} WHERE case_id = ?", (case_id,)).rowcount
    db.execute("DELETE FROM cases WHERE id = ?", (case_id,))
    # Unsaved forms (every user's) about the case hold its text too.
    count += db.execute("DELETE FROM drafts WHERE json_extract(payload, '$.case_id') = ?",
                        (case_id,)).rowcount
    others = db.scalar("SELECT count(*) FROM cases WHERE client_id = ?", (client_id,))
    if not others:
        db.execute("DELETE FROM clients WHERE id = ?", (client_id,))
        return 1, count + 1
    return 0, count + 1


def vacuum(vault: Vault) -> None:
    """Rewrite the database file without free pages, and empty its write-ahead log."""
    vault.db.execute("VACUUM")
    vault.db.checkpoint()


def try_vacuum(vault: Vault) -> bool:
    """VACUUM after a purge. If another program holds the database it cannot run now: the
    purge stands (secure_delete has zeroed the freed pages), and the compaction is kept
    pending until `compact_pending` succeeds."""
    try:
        vacuum(vault)
    except (sqlcipher3.OperationalError, StorageError):
        vault.set_setting(PENDING_COMPACTION, "1")
        vault.audit_event("retention.vacuum", "vault", vault.vault_id, "failed")
        return False
    if vault.setting(PENDING_COMPACTION):
        vault.set_setting(PENDING_COMPACTION, "")
    return True


def compact_pending(vault: Session) -> bool:
    """Supervisor: run a compaction a purge could not finish. Returns whether none is
    left pending (always, on the studio server: its autovacuum needs no one)."""
    vault.require_role("supervisor")
    if not isinstance(vault, Vault):
        return True
    return not vault.setting(PENDING_COMPACTION) or try_vacuum(vault)
