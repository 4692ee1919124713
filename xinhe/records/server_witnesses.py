"""`audit verify --server`: the server's chain against the witnesses a workstation reaches.

On the server the chain's tail is what a database superuser (or whoever restores an old
dump) could cut. What holds the head outside the server's reach: the referral PDFs this
workstation delivered to its outbox (each carries the head at export and is listed in the
manifest with its SHA-256), the signed PDF kept with each referral (to hide a cut tail
they too would have to go, or be re-signed with the studio's key), and heads written down
(`--expect`).
Local-only witnesses (keyslots.json, local backup files) do not exist for the server.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from xinhe.errors import XinheError
from xinhe.i18n import pick
from xinhe.records import witnesses as w
from xinhe.records.storage.imported_chain import imported_chain_results

if TYPE_CHECKING:
    from xinhe.records.storage.server_session import ServerSession


def check(session: ServerSession, expect: Sequence[tuple[int, str]] = (),
          outbox: Path | str | None = None) -> w.WitnessReport:
    """Verify the server's chain, then against the outbox folder's PDFs (`outbox`, else the
    studio's outbox setting), the referrals' kept PDFs the acting user may read, and every
    `expect`ed (seq, hash). Admin or supervisor; audited."""
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
