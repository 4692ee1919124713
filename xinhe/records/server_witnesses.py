"""`audit verify --server`: the server's chain against the witnesses a workstation reaches.

On the server the chain's tail is what a database superuser (or whoever restores an old
dump) could cut. What holds the head outside the server's reach: the referral PDFs this
workstation delivered to its outbox (each carries the head at export and is listed in the
manifest with its SHA-256), the signed PDF kept with each referral (to hide a cut tail
they too would have to go, or be re-signed with the studio's key), the head in the readable
header of each server backup file named (`--backup`, kept off the server by the IT person),
and heads written down (`--expect`). keyslots.json does not exist for the server.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xinhe.errors import XinheError
from xinhe.i18n import pick
from xinhe.records import witnesses as w
from xinhe.records.storage.imported_chain import imported_chain_results

if TYPE_CHECKING:
    from xinhe.records.storage.server_session import ServerSession


def backup_witnesses(session: ServerSession, paths: Sequence[Path | str]) -> w.Found:
    """The audit head in each server backup file's readable header (no key needed)."""
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            header = w.backup_header(path)
        except (OSError, ValueError, UnicodeDecodeError):
            yield w.Unchecked(pick(f"备份 {path.name}", f"backup {path.name}"), "unreadable")
            continue
        when = str(header.get("created_at", ""))[:10]
        name = w.Witness("backup", path.name, 0, "", when).name()
        if header.get("home") != "studio-server" or header.get("vault_id") != session.vault_id:
            yield w.Unchecked(name, "not_this_server")
            continue
        head: Any = header.get("audit_head")
        try:
            yield w.Witness("backup", path.name, int(head["seq"]), str(head["hash"]), when)
        except (TypeError, KeyError, ValueError):
            yield w.Unchecked(name, "no_head")


def check(session: ServerSession, expect: Sequence[tuple[int, str]] = (),
          outbox: Path | str | None = None,
          backups: Sequence[Path | str] = ()) -> w.WitnessReport:
    """Verify the server's chain, then against the outbox folder's PDFs (`outbox`, else the
    studio's outbox setting), the referrals' kept PDFs the acting user may read, the server
    backup files `backups`, and every `expect`ed (seq, hash). Admin or supervisor; audited."""
    from xinhe.records.referral_policy import outbox_folder

    session.require_role("admin", "supervisor")
    chain = session.audit.verify()
    seq, digest = session.audit.head()
    results: list[w.WitnessResult] = []
    unchecked: list[w.Unchecked] = []
    sources: list[tuple[tuple[str, str], Callable[[], w.Found]]] = []
    folder = Path(outbox).expanduser() if outbox else outbox_folder(session)
    if folder is not None:
        sources.append((w.SOURCE_NAMES["_outbox"], lambda: w.outbox_witnesses(folder)))
    if session.actor.role == "supervisor":  # an administrator reads no referral
        sources.append((w.SOURCE_NAMES["_referrals"], lambda: w.referral_witnesses(session)))
    if backups:
        sources.append((w.SOURCE_NAMES["_backups"], lambda: backup_witnesses(session, backups)))
    for names, source in sources:
        try:
            for item in source():
                if isinstance(item, w.Witness):
                    results.append(w.judge(session.audit, item, seq))
                else:
                    unchecked.append(item)
        except (OSError, XinheError):  # a witness out of reach is listed, never fatal
            unchecked.append(w.Unchecked(pick(*names), "unreadable"))
    results += [w.judge(session.audit, w.Witness("expect", f"{s}:{h}", s, h), seq)
                for s, h in expect]
    results += imported_chain_results(session.db)  # an imported vault's own chain
    report = w.WitnessReport(chain, seq, digest, tuple(results), tuple(unchecked))
    session.audit_event("audit.verify", "audit", chain.checked,
                        "ok" if report.ok else "problems")
    return report
