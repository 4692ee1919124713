"""Audit witnesses: the chain's head as kept outside the database, and the check against them.

The chain proves order and integrity inside the database; it cannot prove its own tail:
whoever holds the database key can cut the last entries, or edit one and rehash all that
follow. So its head (sequence and hash) also lives where that person may not reach: in
keyslots.json under a MAC at every lock and close, in every backup's readable header, in
every signed referral PDF (the outbox copy named by its manifest line, and the copy kept
with the referral record), and on paper (`audit verify --expect SEQ:HASH`, the admin
screen shows the head to copy). A witness (seq, hash) is satisfied when the chain's entry
`seq` has that hash; a chain without that entry, or with another hash there, is tampered.
"""

from __future__ import annotations

import binascii
import hashlib
import io
import json
import re
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xinhe.crypto import keyslots as ks
from xinhe.errors import InvalidInput, XinheError
from xinhe.i18n import pick
from xinhe.records import backup_file as bf
from xinhe.records.audit import AuditLog, AuditVerification

if TYPE_CHECKING:
    from xinhe.records.storage.session import Session
    from xinhe.records.vault import Vault

#: What the PDFs carry in /Keywords (export/pdf.py and export/report.py write it).
PDF_HEAD_RE = re.compile(r"audit-head-seq (\d+); audit-head-sha256 ([0-9a-f]{64})")
EXPECT_RE = re.compile(r"^\s*(\d+)\s*:\s*([0-9a-fA-F]{16,64})\s*$")
#: As many hex digits as the PDF footers print: enough that no rewritten chain matches.
MIN_EXPECT_HEX = 16


@dataclass(frozen=True)
class Witness:
    kind: str  # "keyslots" | "backup" | "outbox" | "referral" | "expect"
    source: str  # a file name, a referral number, or what was typed
    seq: int
    hash: str  # full, or for --expect a prefix of at least MIN_EXPECT_HEX digits
    when: str = ""  # a backup's creation date

    def name(self, lang: str | None = None) -> str:
        """Which witness, in words a supervisor can find again."""
        if self.kind == "keyslots":
            return pick("keyslots.json 中上次锁定时的链头", "keyslots.json head at last lock", lang)
        if self.kind == "backup":
            return pick(f"备份 {self.when} {self.source}", f"backup {self.when} {self.source}",
                        lang)
        if self.kind == "outbox":
            return pick(f"发件箱清单中 {self.source} 的一行",
                        f"outbox manifest line for {self.source}", lang)
        if self.kind == "referral":
            return pick(f"转介记录 {self.source}", f"referral record {self.source}", lang)
        return f"--expect {self.source}"


@dataclass(frozen=True)
class WitnessResult:
    witness: Witness
    verdict: str  # "ok" | "missing" (no such entry) | "differs" | "bad_mac"
    chain_hash: str | None  # the chain's hash at witness.seq
    chain_seq: int  # where the chain ends

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    def describe(self, lang: str | None = None) -> str:
        w, name = self.witness, self.witness.name(lang)
        if self.verdict == "ok":
            return pick(f"{name}：第 {w.seq} 条相符", f"{name}: entry {w.seq} agrees", lang)
        if self.verdict == "bad_mac":
            return pick(f"{name}的校验码不符：它被改动过", f"{name} fails its MAC: it was edited",
                        lang)
        if self.verdict == "missing" and w.seq > self.chain_seq:
            return pick(f"审计链比{name}短：见证记录了第 {w.seq} 条（{w.hash[:16]}…），"
                        f"审计链只到第 {self.chain_seq} 条",
                        f"the chain is shorter than {name}: the witness holds entry {w.seq} "
                        f"({w.hash[:16]}…), the chain ends at {self.chain_seq}", lang)
        if self.verdict == "missing":
            return pick(f"审计链缺少{name}记录的第 {w.seq} 条（{w.hash[:16]}…）",
                        f"the chain lacks entry {w.seq} ({w.hash[:16]}…) that {name} holds",
                        lang)
        chain = (self.chain_hash or "")[:16]
        return pick(f"审计链第 {w.seq} 条与{name}不符（见证 {w.hash[:16]}…，审计链 {chain}…）",
                    f"entry {w.seq} of the chain disagrees with {name} (witness "
                    f"{w.hash[:16]}…, chain {chain}…)", lang)


UNCHECKED: dict[str, tuple[str, str]] = {
    "no_head": ("链头在加密部分（较早版本制作），需恢复密钥才能读取，未核对",
                "its head is in the encrypted part (made by an earlier version) and needs "
                "the recovery key; not checked"),
    "unreadable": ("无法读取，未核对", "cannot be read; not checked"),
    "missing_file": ("文件已不在发件箱中，未核对", "its file is no longer in the outbox; not "
                     "checked"),
    "file_changed": ("文件与清单中的 SHA-256 不符，未核对",
                     "its file differs from the manifest's SHA-256; not checked"),
    "no_pdf_head": ("PDF 中没有审计链头，未核对", "the PDF carries no audit head; not checked"),
    "unreachable": ("文件夹无法访问，未核对", "the folder cannot be reached; not checked"),
    "no_keyslots_head": ("尚无记录（本版本启用后还没有锁定过）",
                         "holds no head yet (not locked since this version); not checked"),
    "other_key": ("由之前的数据库密钥签发（重新加密或恢复之后），只核对了链头，未核对校验码",
                  "was written under an earlier database key (before a re-key or restore); "
                  "its head was checked, its MAC could not be"),
    "not_this_server": ("不是这个工作室服务器的备份，未核对",
                        "is not a backup of this studio server; not checked"),
}


@dataclass(frozen=True)
class Unchecked:
    source: str  # already in words (a witness name or a folder)
    reason: str  # a key of UNCHECKED

    def describe(self, lang: str | None = None) -> str:
        zh, en = UNCHECKED[self.reason]
        return pick(f"{self.source}：{zh}", f"{self.source}: {en}", lang)


@dataclass(frozen=True)
class WitnessReport:
    chain: AuditVerification
    head_seq: int
    head_hash: str
    results: tuple[WitnessResult, ...]
    unchecked: tuple[Unchecked, ...]

    @property
    def failed(self) -> tuple[WitnessResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.failed

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "ok": self.ok, "checked": self.chain.checked,
            "head": {"seq": self.head_seq, "hash": self.head_hash},
            "problems": [{"seq": p.seq, "kind": p.kind, "message": p.describe(lang)}
                         for p in self.chain.problems],
            "witnesses": [{"kind": r.witness.kind, "name": r.witness.name(lang),
                           "seq": r.witness.seq, "hash": r.witness.hash,
                           "verdict": r.verdict, "chain_hash": r.chain_hash,
                           "message": r.describe(lang)} for r in self.results],
            "unchecked": [{"reason": u.reason, "message": u.describe(lang)}
                          for u in self.unchecked],
        }


def parse_expect(text: str) -> tuple[int, str]:
    """`SEQ:HASH` as typed from a paper register or a PDF footer (16 or more hex digits)."""
    match = EXPECT_RE.match(text)
    if not match or int(match[1]) < 1:
        raise InvalidInput(
            f"--expect 的格式应为 序号:哈希（哈希至少 {MIN_EXPECT_HEX} 位十六进制数字）：{text}",
            f"--expect takes SEQ:HASH (a hash of at least {MIN_EXPECT_HEX} hex digits): {text}")
    return int(match[1]), match[2].lower()


def pdf_head(data: bytes) -> tuple[int, str] | None:
    """The audit head a Xinhe PDF carries in its /Keywords, or None."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        keywords = str(reader.trailer_view["/Info"]["/Keywords"])
    except Exception:  # noqa: BLE001 (any reader failure: the file is not usable here)
        return None
    match = PDF_HEAD_RE.search(keywords)
    return (int(match[1]), match[2]) if match else None


def backup_header(path: Path) -> dict[str, Any]:
    """The readable header of a backup file, without reading the rest or any key.
    Raises ValueError (or OSError) when it is not one."""
    with open(path, "rb") as handle:
        start = handle.read(bf.PREFIX_SIZE)
        if len(start) < bf.PREFIX_SIZE:
            raise ValueError("short")
        magic, guard, _version, length = bf.PREFIX.unpack(start[:bf.PREFIX.size])
        (crc,) = struct.unpack(">I", start[bf.PREFIX.size:])
        if (magic, guard) != (bf.MAGIC, bf.GUARD) or length > bf.MAX_HEADER or \
                crc != binascii.crc32(start[:bf.PREFIX.size]):
            raise ValueError("not a backup")
        header = json.loads(handle.read(length).decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("not a backup")
    return header


# -- gathering -----------------------------------------------------------------------------

Found = Iterator[Witness | Unchecked]


def _keyslots(vault: Vault) -> Iterator[Witness | Unchecked | WitnessResult]:
    head = vault.folder.load_slots().audit_head
    name = Witness("keyslots", "", 0, "").name()
    if head is None:
        yield Unchecked(name, "no_keyslots_head")
        return
    witness = Witness("keyslots", vault.folder.SLOTS_NAME, head.seq, head.hash)
    state = head.mac_state(vault.witness_key(), vault.vault_id)
    if state == "bad":
        yield WitnessResult(witness, "bad_mac", vault.audit.hash_at(head.seq),
                            vault.audit.head()[0])
        return
    if state == "other_key":
        yield Unchecked(name, "other_key")
    yield witness


def _backups(vault: Vault) -> Found:
    from xinhe.records import backup

    paths: dict[Path, None] = {}
    conf = backup.settings(vault)
    if conf.auto_folder:
        folder = Path(conf.auto_folder).expanduser()
        if not folder.is_dir():
            yield Unchecked(str(folder), "unreachable")
        else:
            paths.update((p.resolve(), None) for p in sorted(folder.glob(f"*{bf.SUFFIX}")))
    last = backup.status(vault).last_path
    if last and Path(last).is_file():
        paths[Path(last).resolve()] = None
    for path in paths:
        try:
            header = backup_header(path)
        except (OSError, ValueError, UnicodeDecodeError):
            yield Unchecked(pick(f"备份 {path.name}", f"backup {path.name}"), "unreadable")
            continue
        if header.get("vault_id") != vault.vault_id:
            continue  # another vault's backup in the same folder
        when = str(header.get("created_at", ""))[:10]
        head: Any = header.get("audit_head")
        try:
            witness = Witness("backup", path.name, int(head["seq"]), str(head["hash"]), when)
        except (TypeError, KeyError, ValueError):
            yield Unchecked(Witness("backup", path.name, 0, "", when).name(), "no_head")
            continue
        yield witness


def _outbox(vault: Vault) -> Found:
    from xinhe.records.referral_policy import outbox_folder

    folder = outbox_folder(vault)
    if folder is not None:
        yield from outbox_witnesses(folder)


def outbox_witnesses(folder: Path) -> Found:
    """The head each referral PDF delivered to `folder` carries, for every manifest line
    whose file is still there unchanged."""
    from xinhe.records.outbox_manifest import read_manifest

    if not folder.is_dir():
        yield Unchecked(str(folder), "unreachable")
        return
    try:
        rows = read_manifest(folder)
    except (OSError, UnicodeDecodeError, ValueError):
        yield Unchecked(str(folder / "manifest.csv"), "unreadable")
        return
    for row in rows:
        no, file, sha = row.get("referral_no") or "", row.get("file") or "", row.get("sha256")
        name = Witness("outbox", no, 0, "").name()
        path = folder / file
        if not file or Path(file).name != file or not path.is_file():
            yield Unchecked(name, "missing_file")
            continue
        try:
            data = path.read_bytes()
        except OSError:
            yield Unchecked(name, "unreadable")
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            yield Unchecked(name, "file_changed")
            continue
        head = pdf_head(data)
        yield Witness("outbox", no, *head) if head else Unchecked(name, "no_pdf_head")


def _referrals(vault: Vault) -> Found:
    return referral_witnesses(vault)


def referral_witnesses(session: Session) -> Found:
    """The head in each signed PDF kept with a referral the acting user may read."""
    for row in session.db.execute("SELECT referral_no, pdf FROM referrals WHERE pdf IS NOT NULL"
                                " ORDER BY id"):
        no = str(row["referral_no"])
        head = pdf_head(bytes(row["pdf"]))
        yield Witness("referral", no, *head) if head else \
            Unchecked(Witness("referral", no, 0, "").name(), "no_pdf_head")


SOURCE_NAMES = {"_keyslots": ("keyslots.json", "keyslots.json"),
                "_backups": ("备份文件夹", "the backup folder"),
                "_outbox": ("发件箱", "the outbox"), "_referrals": ("转介记录", "referral records")}


def judge(audit: AuditLog, witness: Witness, chain_seq: int) -> WitnessResult:
    """Does the chain hold the witness's entry with the witness's hash?"""
    found = audit.hash_at(witness.seq)
    if found is None:
        return WitnessResult(witness, "missing", None, chain_seq)
    agrees = found == witness.hash if len(witness.hash) == 64 else \
        found.startswith(witness.hash)
    return WitnessResult(witness, "ok" if agrees else "differs", found, chain_seq)


def check(vault: Vault, expect: Sequence[tuple[int, str]] = ()) -> WitnessReport:
    """Verify the chain inside the database, then against every witness it can reach and
    every `expect`ed (seq, hash). Admin or supervisor; audited. Run on the database thread."""
    vault.require_role("admin", "supervisor")
    chain = vault.audit.verify()
    seq, digest = vault.audit.head()
    results: list[WitnessResult] = []
    unchecked: list[Unchecked] = []
    sources: list[Callable[[Vault], Iterator[Witness | Unchecked | WitnessResult]]] = [
        _keyslots, _backups, _outbox, _referrals]
    for source in sources:
        try:
            for item in source(vault):
                if isinstance(item, Witness):
                    results.append(judge(vault.audit, item, seq))
                elif isinstance(item, WitnessResult):
                    results.append(item)
                else:
                    unchecked.append(item)
        except (OSError, XinheError):  # a witness out of reach is listed, never fatal
            unchecked.append(Unchecked(pick(*SOURCE_NAMES[source.__name__]), "unreadable"))
    results += [judge(vault.audit, Witness("expect", f"{s}:{h}", s, h), seq) for s, h in expect]
    report = WitnessReport(chain, seq, digest, tuple(results), tuple(unchecked))
    vault.audit_event("audit.verify", "audit", chain.checked,
                      "ok" if report.ok else "problems")
    return report


# -- the head kept in keyslots.json --------------------------------------------------------

def head_update(vault: Vault) -> Callable[[ks.KeySlotFile], None] | None:
    """The change to keyslots.json that records the chain's current head under a MAC, or
    None when the stored head must stay: it only moves forward along this chain, so a
    head this chain contradicts (the evidence of a cut or rewritten tail) is kept."""
    seq, digest = vault.audit.head()
    if seq == 0:
        return None
    new = ks.AuditHeadWitness.make(vault.witness_key(), vault.vault_id, seq, digest)

    def replaceable(current: ks.AuditHeadWitness | None) -> bool:
        if current is None:
            return True
        return current != new and current.seq <= seq and \
            vault.audit.hash_at(current.seq) == current.hash

    # Read the file, not the copy from unlocking: another process may have moved it on.
    if not replaceable(vault.folder.load_slots().audit_head):
        return None

    def change(slots: ks.KeySlotFile) -> None:
        if replaceable(slots.audit_head):
            slots.audit_head = new
    return change
