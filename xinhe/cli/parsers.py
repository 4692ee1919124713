"""The command line's sub-commands and their options, kept apart from the commands' code so
that building the parser (for `--help`, or to see that no command was given and the desktop
app should open) imports none of it: each command's module is imported when it runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from xinhe.records import vocab
from xinhe.records.roles import ROLES
from xinhe.records.stats_presets import PRESETS

if TYPE_CHECKING:
    from xinhe.cli import Parsers


def accounts(parsers: Parsers) -> None:
    p = parsers.command("init", "create a vault; prints the recovery key once "
                        "(stdin: admin password)")
    p.add_argument("--org", required=True, help="studio name")
    p.add_argument("--admin", required=True, help="admin login name")
    p.add_argument("--display-name", help="admin's full name")
    users = parsers.group("users", "manage accounts")
    p = users.command("add", "add an account (stdin: your password, then theirs)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--display-name")
    users.command("list", "list accounts")
    for action, text in (("disable", "disable an account"), ("enable", "enable an account"),
                         ("unlock", "clear a lockout"),
                         ("remove", "remove an account and re-key the vault"),
                         ("reset-password", "set a new password for an account "
                          "(stdin: your password, then theirs)")):
        users.command(action, text).add_argument("name")
    parsers.command("passwd", "change your password (stdin: old, then new)")
    p = parsers.command("recover", "set a new password with the recovery key "
                        "(stdin: key, then password)")
    p.add_argument("--setup-dsn", metavar="DSN", help="with --server: the IT person's set-up "
                   "role, which alone may read the recovery slot and set a login's password")
    parsers.command("rekey", "re-encrypt the vault under a new key")
    parsers.group("recovery-key", "the recovery key").command(
        "new", "replace the recovery key (the old one stops working); prints it once")
    p = parsers.group("audit", "the audit chain").command(
        "verify", "check the hash chain, and its head against every witness outside the "
        "database: keyslots.json, backups, the outbox, referral PDFs (admin, supervisor)")
    p.add_argument("--expect", action="append", default=[], metavar="SEQ:HASH",
                   help="a head written down earlier (paper register, PDF footer); repeatable")
    p.add_argument("--outbox", metavar="DIR", help="with --server: the outbox folder whose "
                   "referral PDFs and manifest witness the head (default: the studio's "
                   "outbox setting)")
    p.add_argument("--backup", action="append", default=[], metavar="FILE",
                   help="with --server: a server backup file whose recorded audit head "
                   "witnesses the chain; repeatable")


def casework(parsers: Parsers) -> None:
    p = parsers.command("demo", "create a demo vault with synthetic records and one login "
                        "per role; with --server SETUP_DSN, a demo studio on the server")
    p.add_argument("--cases", type=int, default=150, help="number of cases (default 150)")
    p.add_argument("--seed", type=int, default=2019, help="random seed (default 2019)")
    p.add_argument("--replace", action="store_true", help="rebuild an existing demo vault")
    p.add_argument("--dbname", default="xinhe_demo", help="with --server (here the set-up "
                   "role's DSN, as for server init --dsn): the demo studio's database "
                   "(default xinhe_demo)")
    cases = parsers.group("cases", "cases")
    p = cases.command("list", "list the cases you may see")
    p.add_argument("--risk", choices=("high", "medium", "low"))
    p.add_argument("--status", choices=("intake", "active", "followup", "closed"))
    p.add_argument("--overdue", action="store_true", help="only cases with overdue items")
    extract(cases.owned_by("extract"))
    p = parsers.command("search", "full-text search of what you may read (stdin: your "
                        "password, then, with TEXT '-', the search words on the next line)")
    p.add_argument("text", metavar="TEXT", help="the search words, or '-' to read them from "
                   "standard input (after the password line), so they stay out of the "
                   "process list and the shell history")
    p.add_argument("--limit", type=int, default=20)
    p = parsers.group("templates", "structured templates").command(
        "check", "validate the shipped templates, or those in DIR")
    p.add_argument("dir", nargs="?", metavar="DIR")


def extract(cases: Parsers) -> None:
    p = cases.command("extract", "a signed record of help sought for a court (求助记录证明): "
                      "counsellor or supervisor; what goes in is chosen with --include")
    p.add_argument("case_no", metavar="CASE_NO")
    p.add_argument("--for", dest="recipient", required=True, choices=("court",),
                   help="who it is for (court)")
    p.add_argument("--out", metavar="DIR", help="folder to write the PDF to (needed unless "
                   "--list)")
    p.add_argument("--include", action="append", default=[], metavar="ITEM",
                   help="an item to include (repeatable; see --list); default: the minimum "
                   "necessary (no session-note text)")
    p.add_argument("--list", action="store_true", help="list the items that can be included, "
                   "and make nothing")


def referrals(parsers: Parsers) -> None:
    p = parsers.command("verify", "check a referral PDF's signature (exit 0 valid, 1 not)")
    p.add_argument("file", metavar="FILE.pdf")
    p.add_argument("--trust", metavar="CERT.pem", help="the studio certificate to trust")
    referral = parsers.group("referral", "referral packets")
    p = referral.command("export", "sign a case's referral and deliver it to the outbox "
                         "(drafts it first if there is no draft for that agency and purpose)")
    p.add_argument("case_no", metavar="CASE_NO")
    p.add_argument("--to", required=True, choices=sorted(vocab.AGENCIES), metavar="AGENCY",
                   help="receiving agency: " + ", ".join(vocab.AGENCIES))
    p.add_argument("--purpose", required=True, choices=sorted(vocab.CONSENT_PURPOSES),
                   metavar="P", help="purpose: " + ", ".join(vocab.CONSENT_PURPOSES))
    p.add_argument("--out", metavar="DIR", help="outbox folder (default: the one set by the "
                   "administrator)")
    p.add_argument("--urgency", choices=sorted(vocab.URGENCIES), help="normal, urgent or "
                   "emergency")
    p.add_argument("--summary", metavar="TEXT", help="the situation summary")
    p = referral.command("deliver", "deliver a signed referral again (after the outbox was "
                         "unreachable)")
    p.add_argument("referral_no", metavar="REFERRAL_NO")
    p.add_argument("--out", metavar="DIR", help="outbox folder (default: the configured one)")
    p = referral.command("list", "list the referrals you may see, with their status")
    p.add_argument("--status", choices=("draft", "signed", "delivered", "acknowledged"))
    p = referral.command("policy", "print the per-agency field policy (JSON); admin: "
                         "--set FILE or --reset")
    change = p.add_mutually_exclusive_group()
    change.add_argument("--set", metavar="FILE", help="validate FILE and make it the policy")
    change.add_argument("--reset", action="store_true", help="go back to the shipped policy")


def signing(parsers: Parsers) -> None:
    group = parsers.group("signing-identity", "the studio's signing certificate")
    group.command("show", "show the certificate referrals are signed with")
    p = group.command("export", "write the certificate (PEM) for receivers to trust")
    p.add_argument("file", metavar="FILE")
    p = group.command("import", "admin: adopt a PKCS#12 (.p12/.pfx) certificate "
                      "(stdin: your password, then the file's password)")
    p.add_argument("file", metavar="FILE")
    p = group.command("generate", "admin: make a new self-signed studio certificate")
    p.add_argument("--years", type=int, default=5, choices=range(1, 11), metavar="N",
                   help="years of validity (1–10, default 5)")


def stats(parsers: Parsers) -> None:
    p = parsers.command("stats", "period statistics: text, JSON, CSV or a signed PDF "
                        "(aggregates only)")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD")
    p.add_argument("--preset", choices=PRESETS,
                   help="instead of --from/--to: this or last month or quarter, or the year "
                   "to date")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--csv", metavar="FILE", help="write the figures as CSV (UTF-8 with BOM)")
    out.add_argument("--pdf", metavar="FILE", help="write the report as a signed PDF")
    p.add_argument("--counsellor", metavar="LOGIN", help="one counsellor's cases "
                   "(supervisor only)")
    p.add_argument("--community", metavar="NAME", help="clients of one community")


def maintenance(parsers: Parsers) -> None:
    p = parsers.command("backup", "make a verified, encrypted backup of the whole vault "
                        "(admin), and set the reminder and automatic backups; without FILE, "
                        "show when the last backup was made")
    p.add_argument("file", nargs="?", metavar="FILE", help="the backup file to write")
    p.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    p.add_argument("--remind-days", type=int, metavar="N",
                   help="remind when the last backup is older than N days")
    p.add_argument("--auto-folder", metavar="DIR",
                   help="folder for automatic backups ('' to switch them off)")
    p.add_argument("--auto-keep", type=int, metavar="N", help="keep the last N automatic ones")
    p.add_argument("--auto-on-lock", choices=("yes", "no"), help="back up when the app locks")
    p.add_argument("--auto-on-exit", choices=("yes", "no"), help="back up when the app exits")
    p = parsers.command("restore", "restore a vault from a backup file "
                        "(stdin: the recovery key)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--replace", action="store_true",
                   help="replace the vault at --vault; the old one is kept aside")
    p.add_argument("--check", action="store_true",
                   help="only check the backup with the recovery key; change nothing")
    group = parsers.group("retention", "closed cases past their retention period")
    group.command("list", "list the cases due for purge (supervisor)")
    p = group.command("purge", "delete cases past their retention period for good "
                      "(supervisor; stdin: your password)")
    p.add_argument("case_no", nargs="+", metavar="CASE_NO")
    p.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    p = group.command("policy", "show or change the retention periods (supervisor)")
    p.add_argument("--years", action="append", default=[], metavar="CATEGORY=N",
                   help=f"years after closure for a category ({', '.join(vocab.CATEGORIES)})")
    p.add_argument("--intake-only-years", type=int, metavar="N",
                   help="years for cases that never went past intake")


def check(parsers: Parsers) -> None:
    parsers.command("check", "admin: check every page of the vault (SQLCipher's page HMACs "
                    "and SQLite's integrity check); exit 0 intact, 1 damaged "
                    "(stdin: your password). With --server, admin or supervisor: the "
                    "server's audit chain, its row security, and the lookup keys and "
                    "sealed values of what you can see")


def platform(parsers: Parsers) -> None:
    from xinhe.records.platform_contract import EVENTS, RESULTS

    group = parsers.group("platform", "the district platform: dispatched cases in, handling "
                          "reports out")
    p = group.command("receive", "store dispatch files in the vault (staff, supervisor); a "
                      "bad file is quarantined with its reason")
    p.add_argument("file", nargs="?", metavar="FILE", help="one dispatch file (JSON)")
    p.add_argument("--inbox", nargs="?", const="", metavar="DIR", help="every *.json file in "
                   "the inbox (default: the configured inbox folder)")
    group.command("list", "dispatches received and not yet accepted (staff, supervisor)")
    p = group.command("accept", "supervisor: accept a dispatch, opening the case for a "
                      "counsellor (the duplicate check runs first)")
    p.add_argument("platform_ref", metavar="PLATFORM_REF")
    p.add_argument("--counsellor", required=True, metavar="LOGIN", help="who is responsible")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--client-id", type=int, metavar="N", help="an existing client the "
                     "duplicate check found")
    who.add_argument("--new-client", action="store_true", help="create a new client even "
                     "though the duplicate check found matches")
    p = group.command("report", "queue a handling report for a dispatched case, sign it and "
                      "deliver it to the outbox")
    p.add_argument("case_no", metavar="CASE_NO")
    p.add_argument("--event", required=True, choices=tuple(EVENTS), metavar="E",
                   help="event: " + ", ".join(EVENTS))
    p.add_argument("--result", choices=tuple(RESULTS), metavar="R",
                   help="for --event result: " + ", ".join(RESULTS))
    p.add_argument("--out", metavar="DIR", help="outbox folder (default: the configured one)")
    p = group.command("send", "sign and deliver every report still waiting (queued "
                      "automatically, or while the outbox was unreachable)")
    p.add_argument("--out", metavar="DIR", help="outbox folder (default: the configured one)")
    p = group.command("config", "show or change the inbox folder (admin) and the events "
                      "reported automatically (admin, supervisor)")
    p.add_argument("--inbox", metavar="DIR", help="the platform's inbox folder ('' to clear)")
    p.add_argument("--auto-report", metavar="E,E", help="events reported automatically, "
                   "comma-separated ('' for none): accepted, first_contact, referral, "
                   "followup, closed")


def register(parsers: Parsers) -> None:
    p = parsers.group("import", "bring records in from outside").command(
        "register", "import a studio register (.xlsx or CSV: UTF-8 or GBK) as cases "
        "(admin or supervisor); all rows or none; the same rows twice create nothing")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true",
                   help="show what would be created, row by row, with every problem; "
                   "write nothing")
    p.add_argument("--mapping", metavar="MAP.json", help="what each column holds (see "
                   "docs/register-import.md); default: guessed from the headers")
    p.add_argument("--save-mapping", metavar="MAP.json", help="write the mapping used, to "
                   "check or edit and give with --mapping next time")
    p.add_argument("--assign-to", metavar="LOGIN", help="the counsellor who takes the rows "
                   "whose counsellor has no account (or none is named)")


def server_backup(group: Parsers) -> None:
    p = group.command("backup", "write a verified, encrypted backup of the studio database "
                      "(read as the set-up role; only the recovery key opens it)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--setup-dsn", required=True, metavar="DSN")
    p.add_argument("--dbname", default="xinhe", help="the studio database (default xinhe)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing FILE")
    p = group.command("restore", "restore a studio server backup into its database, new or "
                      "empty (stdin: the recovery key)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--setup-dsn", metavar="DSN", help="the set-up role (not needed with "
                   "--check)")
    p.add_argument("--dbname", help="the database: the studio's own name, the default")
    p.add_argument("--replace", action="store_true", help="replace a studio already there")
    p.add_argument("--check", action="store_true", help="only check the backup completely")


def server_upgrade(group: Parsers) -> None:
    p = group.command("upgrade", "bring the studio database up to this Xinhe's version after "
                      "updating the workstations: one transaction, audited; run again, it "
                      "changes nothing (the set-up role)")
    p.add_argument("--setup-dsn", required=True, metavar="DSN")
    p.add_argument("--dbname", help="the studio database (default: the one --server names, "
                   "else xinhe)")
    group.command("reindex", "a supervisor at a workstation: rebuild every search document's "
                  "blind tokens, when `server upgrade` asks for it (--server, --user; stdin: "
                  "your password)")


# (module under xinhe.cli whose handlers run the commands, its parsers); in --help order
def server(parsers: Parsers) -> None:
    group = parsers.group("server", "the studio server (PostgreSQL)")
    p = group.command("init", "create the studio database, its roles and the first admin "
                      "on a PostgreSQL server; prints the workstations' address and the "
                      "recovery key once (stdin: the admin's password)")
    p.add_argument("--dsn", required=True, help="the set-up role's connection string (may "
                   "create databases and roles; sslmode=verify-full, sslrootcert=CA file)")
    p.add_argument("--org", required=True, help="studio name")
    p.add_argument("--admin", required=True, help="admin login name")
    p.add_argument("--display-name", help="admin's full name")
    p.add_argument("--dbname", default="xinhe", help="the studio database (default xinhe)")
    server_backup(group.owned_by("server_backup"))
    server_upgrade(group.owned_by("server_upgrade"))
    p = group.command("add-user", "add a user on the studio server: --server and --user "
                      "for a signed-in admin, --setup-dsn for the IT person's set-up role "
                      "(stdin: the admin's password, then the new user's)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--display-name")
    p.add_argument("--setup-dsn", required=True, metavar="DSN")
    p = group.command("import-vault", "move a local vault's records onto a new studio "
                      "server, with its audit history: --server and --user for the server's "
                      "admin, --setup-dsn for the IT person's set-up role; every active "
                      "vault user must first be added with add-user, same name and role "
                      "(stdin: the server admin's password, then the vault admin's)")
    p.add_argument("dir", metavar="DIR", help="the local vault's folder (only read)")
    p.add_argument("--setup-dsn", required=True, metavar="DSN")
    p.add_argument("--vault-user", metavar="NAME", help="the vault's administrator "
                   "(default: the same name as --user)")


BUILDERS: tuple[tuple[str, Callable[[Parsers], None]], ...] = (
    ("accounts", accounts), ("casework", casework), ("referrals", referrals),
    ("signing", signing), ("stats", stats), ("maintenance", maintenance), ("check", check),
    ("platform", platform), ("register", register), ("server", server))
