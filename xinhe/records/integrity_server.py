"""`xinhe check --server`: what a check means on the studio server.

The server's disks and pages are PostgreSQL's to guard (data checksums, the IT person's
backups: docs/server.md); a workstation cannot read them page by page as it reads vault.db.
What it can check, as the signed-in administrator or supervisor, is what Xinhe relies on:

- the audit chain, read and verified as the vault's is;
- row security: every table holding case content, accounts, key slots or settings has it
  enabled and forced, and this login is neither a superuser nor exempt from it; the
  database's schema version is the one this program knows;
- the lookup keys of what this user can see: every client's and linked person's blinded
  name, sound, phone and ID keys equal the keys made again from the opened values (a key
  written under another studio's key, or in clear, would make the duplicate check and the
  same-person signal miss her), and every sealed value of those rows opens.

An administrator sees no case content, so for them the third part checks nothing; a
supervisor's covers the whole studio. The outcome is counts and table names only.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from xinhe.i18n import pick
from xinhe.records.audit import iso
from xinhe.records.common import digits_key, text_key
from xinhe.records.names import sound_key
from xinhe.records.storage import pg_policies
from xinhe.records.storage.pg_setup import SCHEMA_VERSION
from xinhe.records.storage.sealing import SealBroken, blind_key
from xinhe.records.storage.session import Session

CHECK_ROLES = ("admin", "supervisor")
#: tables whose rows row security must guard, beyond the case-scoped ones
GUARDED = ("users", "key_slots", "recovery_slot", "settings")
#: table → (blinded column, kind, the value's column, how the key is made from it)
KEYS: dict[str, tuple[tuple[str, str, str, Any], ...]] = {
    "clients": (("name_key", "name", "name", text_key), ("name_sound", "sound", "name", sound_key),
                ("phone_key", "phone", "phone", digits_key),
                ("id_key", "id", "id_number", digits_key)),
    "linked_persons": (("name_key", "name", "name", text_key),
                       ("phone_key", "phone", "phone", digits_key),
                       ("id_key", "id", "id_number", digits_key)),
}


@dataclass(frozen=True)
class ServerCheck:
    """The outcome of one check of the studio server, in counts and table names only."""

    chain_ok: bool
    chain_entries: int
    schema_ok: bool
    unguarded: tuple[str, ...]  # tables without forced row security (or missing)
    login_exempt: bool  # this login is a superuser or bypasses row security
    rows_checked: int
    keys_wrong: int
    seals_broken: int
    checked_at: str

    @property
    def ok(self) -> bool:
        return (self.chain_ok and self.schema_ok and not self.unguarded
                and not self.login_exempt and not self.keys_wrong and not self.seals_broken)

    def message(self) -> str:
        """One line for the user, in their language."""
        if self.ok:
            return pick(f"服务器检查通过：审计链完整（{self.chain_entries} 条），行级权限全部生效，"
                        f"您可见的 {self.rows_checked} 条人员记录的查找键和加密内容无误。",
                        f"The server passes its check: the audit chain is intact "
                        f"({self.chain_entries} entries), row security is in force on every "
                        f"table, and the lookup keys and sealed values of the "
                        f"{self.rows_checked} person records you can see are right.")
        zh: list[str] = []
        en: list[str] = []
        if not self.chain_ok:
            zh.append("审计链不完整")
            en.append("the audit chain is broken")
        if not self.schema_ok:
            zh.append("数据库结构版本与本程序不符")
            en.append("the database's schema version is not this program's")
        if self.unguarded:
            names = ", ".join(self.unguarded)
            zh.append(f"这些表没有强制行级权限：{names}")
            en.append(f"row security is not forced on: {names}")
        if self.login_exempt:
            zh.append("本登录账户可绕过行级权限")
            en.append("this login can bypass row security")
        if self.keys_wrong:
            zh.append(f"{self.keys_wrong} 个查找键与记录内容不符")
            en.append(f"{self.keys_wrong} lookup key(s) do not match their record")
        if self.seals_broken:
            zh.append(f"{self.seals_broken} 项加密内容无法解开")
            en.append(f"{self.seals_broken} sealed value(s) do not open")
        return pick("服务器检查发现问题：" + "；".join(zh) + "。请立即联系技术人员。",
                    "The server check found problems: " + "; ".join(en)
                    + ". Contact your IT person now.")

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "home": "server", "chain_ok": self.chain_ok,
                "chain_entries": self.chain_entries, "schema_ok": self.schema_ok,
                "unguarded": list(self.unguarded), "login_exempt": self.login_exempt,
                "rows_checked": self.rows_checked, "keys_wrong": self.keys_wrong,
                "seals_broken": self.seals_broken, "checked_at": self.checked_at}


def _unguarded(session: Session) -> tuple[str, ...]:
    expected = {*pg_policies.POLICIES, *GUARDED}
    found = {str(r["relname"]): bool(r["guarded"]) for r in session.db.all(
        "SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity AS guarded"
        " FROM pg_catalog.pg_class c WHERE c.relnamespace = 'xinhe'::regnamespace"
        " AND c.relkind = 'r'")}
    return tuple(sorted(t for t in expected if not found.get(t, False)))


def _keys(session: Session) -> tuple[int, int, int]:
    """Rows checked, keys that differ from those made again, rows whose seals do not open."""
    db = session.db
    rows = wrong = broken = 0
    for table, keys in KEYS.items():
        wanted = ", ".join(dict.fromkeys(c for k in keys for c in (k[0], k[2])))
        for (row_id,) in db.all(f"SELECT id FROM {table} ORDER BY id"):
            rows += 1
            try:
                row = db.one(f"SELECT {wanted} FROM {table} WHERE id = ?", (row_id,))
            except SealBroken:
                broken += 1
                continue
            for column, kind, source, make in keys:
                value = row[source]
                expected = blind_key(db, kind, make(value) if value else None) or None
                if (row[column] or None) != expected:
                    wrong += 1
    return rows, wrong, broken


def check_server(session: Session) -> ServerCheck:
    """Check the studio server as described above (administrator or supervisor). Audited."""
    session.require_role(*CHECK_ROLES)
    verified = session.audit.verify()
    version = session.db.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
    exempt = bool(session.db.scalar("SELECT rolsuper OR rolbypassrls FROM pg_catalog.pg_roles"
                                    " WHERE rolname = session_user"))
    rows, wrong, broken = _keys(session) if session.actor.role == "supervisor" else (0, 0, 0)
    report = ServerCheck(verified.ok, verified.checked, str(version) == SCHEMA_VERSION,
                         _unguarded(session), exempt, rows, wrong, broken,
                         iso(session.now()))
    with contextlib.suppress(Exception):  # the report matters more than its audit entry
        session.audit_event("server.check", "database", "manual",
                            "ok" if report.ok else "problems")
    return report
