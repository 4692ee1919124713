"""The check of the whole vault file for damage: on demand (`xinhe check`, admin) and
once a day after an unlock in the desktop app (for whoever signed in).

One flipped bit in vault.db is otherwise met only by the query that happens to read that
page; this check reads every page (SQLCipher's HMACs, then SQLite's integrity check).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from xinhe.errors import DamageFound, XinheError
from xinhe.i18n import pick
from xinhe.records.audit import iso
from xinhe.records.db import IntegrityResult
from xinhe.records.storage.session import Session
from xinhe.records.vault import Vault

S_LAST_CHECK = "integrity.last_check_date"  # the local date of the last daily check


@dataclass(frozen=True)
class IntegrityReport:
    """The outcome of one check, in counts only."""

    ok: bool
    damaged_pages: int
    problems: int
    checked_at: str

    def damage(self) -> DamageFound:
        """The damage as an error (its message carries the restore advice)."""
        if self.damaged_pages:
            return DamageFound(f"{self.damaged_pages} 个数据页未通过校验",
                               f"{self.damaged_pages} page(s) of vault.db fail their check")
        return DamageFound("数据库完整性检查未通过", "vault.db fails SQLite's integrity check")

    def message(self) -> str:
        """One line for the user, in their language."""
        if self.ok:
            return pick("数据库完好：所有数据页校验通过，完整性检查无问题。",
                        "The vault is intact: every page passes its check and the "
                        "integrity check finds nothing.")
        return self.damage().message()

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "damaged_pages": self.damaged_pages,
                "problems": self.problems, "checked_at": self.checked_at}


def _run(vault: Vault, trigger: str) -> IntegrityReport:
    try:
        found = vault.db.check_integrity()
    except DamageFound:
        found = IntegrityResult(damaged_pages=1, problems=0)  # the check could not even start
    report = IntegrityReport(found.ok, found.damaged_pages, found.problems, iso(vault.now()))
    # On a damaged file the audit write may fail too; the report matters more.
    with contextlib.suppress(XinheError):
        vault.audit_event("vault.check", "vault", trigger, "ok" if report.ok else "damaged")
    return report


def check_vault(vault: Vault) -> IntegrityReport:
    """Check the whole vault file for damage (admin). Reads every page: run it on the
    database thread."""
    vault.require_role("admin")
    return _run(vault, "manual")


def daily_check_due(vault: Session) -> bool:
    """Whether today's check (local date) has not been made yet in this vault. Never on
    the studio server: there is no vault file on this desk, and the server's storage is
    PostgreSQL's, checked and backed up by the IT person (docs/server.md)."""
    if vault.db.dialect == "postgres":
        return False
    return vault.setting(S_LAST_CHECK) != vault.now().astimezone().date().isoformat()


def daily_check(vault: Session) -> IntegrityReport | None:
    """Today's check, for whoever is signed in; None when it was already made today.
    The date of a clean check is remembered in the vault's settings; a damaged vault is
    checked (and reported) again at every unlock until it is restored. None on the studio
    server: its files are not on this workstation (PostgreSQL's checksums and the IT
    person guard them; `xinhe check --server` is integrity_server.check_server)."""
    if not isinstance(vault, Vault) or not daily_check_due(vault):
        return None
    report = _run(vault, "daily")
    if report.ok:
        vault.set_setting(S_LAST_CHECK, vault.now().astimezone().date().isoformat())
    return report
