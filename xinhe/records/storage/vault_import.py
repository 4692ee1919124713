"""Moving a local vault onto a new studio server (`xinhe server import-vault DIR`).

Three people's keys meet here, none of them a bypass: the IT person's set-up role writes the
rows as the schema's owner (its `owner_access` policies; no BYPASSRLS, no daily role), with
their original ids and timestamps; the server administrator's session gives the studio's
data key, so the seam seals every sensitive column and blinds every lookup key on the way;
the vault's administrator opens the vault, which is only read. Users keep their ids only on
the server's side: a vault user is matched by login name to a server user of the same role,
made beforehand with `server add-user` (passwords cannot move: they are only in the vault's
key slots); a disabled or removed vault user becomes a user row that cannot sign in, so the
records they wrote still name them. The vault's audit chain is copied entry for entry into
`imported_audit_event`, and one `vault.import` entry in the server chain names its head.
All in one transaction: everything arrives or nothing does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from psycopg.conninfo import make_conninfo

from xinhe.errors import XinheError
from xinhe.records import search_blind
from xinhe.records.audit import iso
from xinhe.records.storage import pg_policies
from xinhe.records.storage.imported_chain import IMPORT_ACTION
from xinhe.records.storage.pg_store import PgDatabase, check_dsn
from xinhe.records.storage.sealing import Sealer
from xinhe.records.storage.server_session import ServerSession
from xinhe.records.vault import Vault

# Copied row for row with their ids, in an order their foreign keys allow.
RECORD_TABLES = ("clients", "client_confidential", "cases", "case_shares", "risk_history",
                 "sessions", "crisis_interventions", "assessments", "addenda", "safety_plans",
                 "followups", "clocks", "reviews", "attachments", "consents", "referrals",
                 "linked_persons", "drafts", "platform_dispatches", "platform_reports",
                 "court_extracts", "appointments")
# Brought in by their own rules below.
SPECIAL = ("users", "audit_event", "search_doc", "signing_identities", "counters", "settings")
# Left behind: the server has its own (meta, key slots), or they are the vault's engine.
LEFT_BEHIND = ("meta", "search_meta", "sqlite_sequence",
               "session_months")  # the statistics' summary of sessions, kept by triggers
LOCAL_PREFIXES = ("search_tri", "search_gram")
# Settings that describe this one workstation's copy of the vault, not the studio.
LOCAL_SETTINGS = ("backup.",)
BATCH = 500
ROLE_LABELS = {"admin": ("管理员", "admin"), "supervisor": ("督导", "supervisor"),
               "counsellor": ("咨询师", "counsellor"), "staff": ("工作人员", "staff")}


class ImportRefused(XinheError):
    code = "import_refused"


@dataclass
class ImportSummary:
    """What arrived: rows per table, the imported chain and the server entry naming it."""

    rows: dict[str, int] = field(default_factory=dict)
    users_matched: list[str] = field(default_factory=list)
    users_kept_inactive: list[str] = field(default_factory=list)
    audit_entries: int = 0
    head_seq: int = 0
    head_hash: str = ""
    server_seq: int = 0


def import_vault(setup_dsn: str, admin: ServerSession, vault: Vault) -> ImportSummary:
    """Copy every record of `vault` (opened by its administrator) into the studio `admin` is
    signed in to, as the set-up role acting for the schema's owner. Refuses a studio that
    already holds records; the vault itself is only read."""
    admin.require_role("admin")
    vault.require_role("admin")
    check_dsn(setup_dsn)
    _check_tables(vault)
    chain = vault.audit.verify()
    if not chain.ok:
        raise ImportRefused("本地数据库的审计链未通过校验（请先运行 xinhe audit verify 查明原因），"
                            "不能导入。",
                            "The vault's audit chain does not verify (run xinhe audit verify "
                            "to see why); it cannot be imported.")
    db = PgDatabase(make_conninfo(setup_dsn, dbname=admin.vault_id), "vault-import")
    try:
        db.sealer = admin.sealer  # the seam seals and blinds with the studio's keys
        summary = ImportSummary()
        # The vault's write lock for the whole copy: nothing changes in it meanwhile.
        with vault.db.transaction(), db.transaction():
            db.execute(f"SET LOCAL ROLE {pg_policies.OWNER}")
            _refuse_if_not_new(db)
            users = _users(db, vault, summary)
            references = _user_columns(db)
            for table in RECORD_TABLES:
                summary.rows[table] = _copy(db, vault, table, users, references.get(table, ()))
            _signing_identities(db, vault, users, summary)
            _counters_and_settings(db, vault, summary)
            summary.rows["search_doc"] = _search_index(db, vault, admin.sealer)
            _restart_ids(db)
            summary.audit_entries = _audit_chain(db, vault)
            summary.head_seq, summary.head_hash = vault.audit.head()
            entry = db.one("SELECT seq FROM audit_append(?, ?, ?, ?)",
                           (IMPORT_ACTION, "audit_chain",
                            f"{summary.head_seq}:{summary.head_hash}", "ok"))
            summary.server_seq = int(entry["seq"])
    finally:
        db.close()
    vault.audit_event("vault.export", "studio_server", admin.vault_id)
    return summary


def _check_tables(vault: Vault) -> None:
    """Every table of the vault has its rule here: a new one must be given one (a coding
    error otherwise, so that nothing is left behind unnoticed)."""
    known = {*RECORD_TABLES, *SPECIAL, *LEFT_BEHIND}
    for (table,) in vault.db.all("SELECT name FROM sqlite_master WHERE type = 'table'"):
        if table not in known and not str(table).startswith(LOCAL_PREFIXES):
            raise RuntimeError(f"the vault table {table} has no import rule")


def _refuse_if_not_new(db: PgDatabase) -> None:
    held = [t for t in ("cases", *RECORD_TABLES, "imported_audit_event")
            if db.scalar(f"SELECT EXISTS (SELECT 1 FROM {t})")]  # noqa: S608 (our names)
    if held:
        raise ImportRefused(
            "这个工作室服务器上已经有个案或其他记录（或已导入过一个本地数据库）。本地数据库只能"
            "导入到新建的、还没有记录的工作室。",
            "This studio server already holds cases or other records (or a vault was imported "
            "before). A vault can only be imported into a new studio that holds no records.")


def _users(db: PgDatabase, vault: Vault, summary: ImportSummary) -> dict[int, int]:
    """The vault's user ids → the server's. Refuses, naming them, when active vault users
    have no server account of the same role."""
    server = {str(r["username"]): (int(r["id"]), str(r["role"]))
              for r in db.all("SELECT id, username, role FROM users")}
    mapping: dict[int, int] = {}
    missing: list[tuple[str, str]] = []
    wrong_role: list[tuple[str, str, str]] = []
    rows = vault.db.all("SELECT id, username, display_name, role, active, created_at,"
                        " last_login_at, removed_at FROM users ORDER BY id")
    for row in rows:
        name, role = str(row["username"]), str(row["role"])
        if name in server:
            if server[name][1] != role:
                wrong_role.append((name, role, server[name][1]))
            mapping[int(row["id"])] = server[name][0]
            summary.users_matched.append(name)
        elif row["active"] and row["removed_at"] is None:
            missing.append((name, role))
    if missing or wrong_role:
        raise _user_problem(missing, wrong_role)
    for row in rows:
        if int(row["id"]) not in mapping:  # disabled or removed: named, never signing in
            mapping[int(row["id"])] = db.insert(
                "INSERT INTO users (username, display_name, role, active, created_at,"
                " last_login_at, removed_at) VALUES (?, ?, ?, 0, ?, ?, ?)",
                (row["username"], row["display_name"], row["role"], row["created_at"],
                 row["last_login_at"], row["removed_at"]))
            summary.users_kept_inactive.append(str(row["username"]))
    return mapping


def _user_problem(missing: Sequence[tuple[str, str]],
                  wrong_role: Sequence[tuple[str, str, str]]) -> ImportRefused:
    zh: list[str] = []
    en: list[str] = []
    if missing:
        zh.append("服务器上还没有这些用户：" + "、".join(
            f"{n}（{ROLE_LABELS[r][0]}）" for n, r in missing) + "。")
        en.append("These users have no account on the server yet: " + ", ".join(
            f"{n} ({ROLE_LABELS[r][1]})" for n, r in missing) + ".")
    if wrong_role:
        zh.append("这些用户在服务器上的角色不同：" + "、".join(
            f"{n}（本地 {ROLE_LABELS[a][0]}，服务器 {ROLE_LABELS[b][0]}）"
            for n, a, b in wrong_role) + "。")
        en.append("These users have another role on the server: " + ", ".join(
            f"{n} ({ROLE_LABELS[a][1]} here, {ROLE_LABELS[b][1]} there)"
            for n, a, b in wrong_role) + ".")
    return ImportRefused(
        "".join(zh) + "请先用 xinhe server add-user 以相同的登录名和角色添加，再导入。"
        "没有导入任何内容。",
        " ".join(en) + " Add them first with xinhe server add-user (same login name and "
        "role), then import again. Nothing was imported.")


def _user_columns(db: PgDatabase) -> dict[str, tuple[str, ...]]:
    """table → its columns that hold a user id (every foreign key to users)."""
    out: dict[str, list[str]] = {}
    for row in db.all(
            "SELECT c.conrelid::regclass::text AS tbl, a.attname AS col FROM pg_constraint c"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
            " WHERE c.contype = 'f' AND c.confrelid = 'xinhe.users'::regclass"):
        out.setdefault(str(row["tbl"]).removeprefix("xinhe."), []).append(str(row["col"]))
    return {table: tuple(columns) for table, columns in out.items()}


def _columns(vault: Vault, table: str) -> list[str]:
    return [str(r["name"]) for r in vault.db.all(f"PRAGMA table_info({table})")]


def _rows(vault: Vault, table: str, columns: Sequence[str]) -> Iterator[list[Any]]:
    listed = ", ".join(f'"{c}"' for c in columns)
    for row in vault.db.execute(f"SELECT {listed} FROM {table} ORDER BY rowid"):  # noqa: S608
        yield list(row)


def _copy(db: PgDatabase, vault: Vault, table: str, users: dict[int, int],
          user_columns: Sequence[str], into: str | None = None) -> int:
    """Every row of a vault table into the server's `into` (the same name by default),
    user ids mapped. Returns the number of rows."""
    columns = _columns(vault, table)
    remap = [i for i, c in enumerate(columns) if c in user_columns]
    listed = ", ".join(f'"{c}"' for c in columns)
    sql = f"INSERT INTO {into or table} ({listed}) VALUES ({', '.join('?' * len(columns))})"
    count, batch = 0, []
    for values in _rows(vault, table, columns):
        for i in remap:
            if values[i] is not None:
                values[i] = users[int(values[i])]
        batch.append(values)
        if len(batch) == BATCH:
            db.executemany(sql, batch)
            count, batch = count + len(batch), []
    db.executemany(sql, batch)
    return count + len(batch)


def _signing_identities(db: PgDatabase, vault: Vault, users: dict[int, int],
                        summary: ImportSummary) -> None:
    """The vault's certificates come along, so receivers who trust the studio's certificate
    keep trusting it. Should the server have made its own already, that one stays current
    and the vault's arrive retired (certificate only), for checking old referrals."""
    if db.scalar("SELECT count(*) FROM signing_identities") == 0:
        summary.rows["signing_identities"] = _copy(db, vault, "signing_identities", users,
                                                   ("created_by",))
        return
    now = iso(vault.now())
    rows = vault.db.all("SELECT subject, fingerprint, not_before, not_after, certificate,"
                        " source, created_by, created_at, retired_at FROM signing_identities")
    for row in rows:
        db.execute("INSERT INTO signing_identities (subject, fingerprint, not_before, not_after,"
                   " certificate, private_key, source, created_by, created_at, retired_at)"
                   " VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                   (row["subject"], row["fingerprint"], row["not_before"], row["not_after"],
                    row["certificate"], row["source"], users[int(row["created_by"])],
                    row["created_at"], row["retired_at"] or now))
    summary.rows["signing_identities"] = len(rows)


def _counters_and_settings(db: PgDatabase, vault: Vault, summary: ImportSummary) -> None:
    """Numbering goes on after the vault's last case and referral numbers; the studio's
    settings fill in what the server has not set (its own stay)."""
    counters = [tuple(r) for r in vault.db.all("SELECT name, year, last FROM counters")]
    db.executemany("INSERT INTO counters (name, year, last) VALUES (?, ?, ?) ON CONFLICT"
                   " (name, year) DO UPDATE SET last = greatest(counters.last, excluded.last)",
                   counters)
    settings = [(str(k), str(v)) for k, v in vault.db.all("SELECT key, value FROM settings")
                if not str(k).startswith(LOCAL_SETTINGS)]
    db.executemany("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key)"
                   " DO NOTHING", settings)
    summary.rows["counters"], summary.rows["settings"] = len(counters), len(settings)


def _search_index(db: PgDatabase, vault: Vault, sealer: Sealer) -> int:
    """The vault's indexed documents with their ids (so newest-first stays so), and their
    blind tokens under the studio's search key (the vault's FTS index cannot travel)."""
    count = _copy(db, vault, "search_doc", {}, ())
    for doc_id, title, body in vault.db.execute(
            "SELECT id, title, body FROM search_doc ORDER BY id"):
        db.execute("UPDATE search_doc SET tokens = ? WHERE id = ?",
                   (sorted(search_blind.document_tokens(sealer, title, body)), int(doc_id)))
    return count


def _restart_ids(db: PgDatabase) -> None:
    """New rows on the server continue after the imported ids."""
    for (table,) in db.all("SELECT table_name FROM information_schema.columns WHERE"
                           " table_schema = 'xinhe' AND column_name = 'id' AND"
                           " is_identity = 'YES'"):
        db.execute(f"SELECT setval(pg_get_serial_sequence('xinhe.{table}', 'id'),"  # noqa: S608
                   f" coalesce(max(id), 0) + 1, false) FROM {table}")


def _audit_chain(db: PgDatabase, vault: Vault) -> int:
    """The vault's chain, entry for entry (hashes and all), into the imported history."""
    return _copy(db, vault, "audit_event", {}, (), into="imported_audit_event")
