"""An imported vault's audit chain on the studio server, and its check by `audit verify`.

`server import-vault` copies the vault's chain entry for entry into `imported_audit_event`
and appends one `vault.import` entry to the server chain, written by the set-up role (so its
role is "server", which no user's entry can have), naming the imported head as SEQ:HASH.
That entry is the imported chain's witness: the imported chain must verify with the vault's
own code (records.audit.AuditLog) and end exactly at the head it names.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinhe.i18n import pick
from xinhe.records.audit import AuditLog, AuditProblem
from xinhe.records.storage.base import Store
from xinhe.records.witnesses import Witness, WitnessResult, judge

IMPORT_ACTION = "vault.import"


class ImportedTrail(AuditLog):
    """The imported chain, read and verified exactly as the vault's own."""

    TABLE = "imported_audit_event"

    def __init__(self, db: Store) -> None:
        super().__init__(db, "")  # type: ignore[arg-type]


@dataclass(frozen=True)
class ImportWitness(Witness):
    """The head named by the server chain's import entry (its seq is in `source`)."""

    def name(self, lang: str | None = None) -> str:
        return pick(f"服务器审计链第 {self.source} 条记下的导入本地审计链",
                    f"the imported vault chain named by server entry {self.source}", lang)


@dataclass(frozen=True)
class ImportedChainResult(WitnessResult):
    """The imported chain checked in full and against its import entry. `verdict` is the
    witness's ("ok", "missing", "differs") or "longer" (entries after the named head)."""

    checked: int = 0
    problems: tuple[AuditProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.verdict == "ok" and not self.problems

    def describe(self, lang: str | None = None) -> str:
        name, w = self.witness.name(lang), self.witness
        if self.ok:
            return pick(f"{name}：共 {self.checked} 条完整，链头第 {w.seq} 条相符",
                        f"{name}: {self.checked} entries intact, head entry {w.seq} agrees",
                        lang)
        lines = [p.describe(lang) for p in self.problems]
        if self.verdict == "longer":
            lines.append(pick(f"链头之后多出了记录（到第 {self.chain_seq} 条）",
                              f"it has entries after its head (up to {self.chain_seq})", lang))
        elif self.verdict != "ok":
            lines.append(WitnessResult(w, self.verdict, self.chain_hash,
                                       self.chain_seq).describe(lang))
        return name + pick("：", ": ", lang) + pick("；", "; ", lang).join(lines)


def import_entries(db: Store) -> list[tuple[int, int, str]]:
    """(server seq, imported seq, imported hash) of each import entry of the server chain;
    one whose object id cannot be read names the impossible head (0, "")."""
    out: list[tuple[int, int, str]] = []
    for row in db.all("SELECT seq, object_id FROM audit_event WHERE action = ? AND"
                      " role = 'server' ORDER BY seq", (IMPORT_ACTION,)):
        seq_text, _, digest = str(row["object_id"]).partition(":")
        out.append((int(row["seq"]), int(seq_text) if seq_text.isdigit() else 0, digest))
    return out


def imported_chain_results(db: Store) -> list[ImportedChainResult]:
    """One result per import the server chain records (none for a studio never imported
    into). Admin or supervisor (the only roles that may read either chain)."""
    results: list[ImportedChainResult] = []
    for server_seq, seq, digest in import_entries(db):
        trail = ImportedTrail(db)
        chain = trail.verify()
        head_seq, _ = trail.head()
        witness = ImportWitness("import", str(server_seq), seq, digest)
        found = judge(trail, witness, head_seq)
        verdict = "longer" if found.ok and head_seq > seq else found.verdict
        results.append(ImportedChainResult(witness, verdict, found.chain_hash, head_seq,
                                           chain.checked, chain.problems))
    return results
