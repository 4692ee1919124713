"""`xinhe audit verify` against the witnesses outside the database.

Each attack is what someone holding the database key could do to the chain's tail; each
must be named by at least one witness the attacker did not reach.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from conftest import ADMIN_PASSWORD, Clock, Studio
from tests.referral_fixtures import draft_referral, dv_case, install_identity
from xinhe import cli
from xinhe.crypto import keyslots as ks
from xinhe.crypto.binding import DeviceBinding
from xinhe.export.pipeline import export_referral
from xinhe.records import backup
from xinhe.records.audit import AuditEvent, entry_hash
from xinhe.records.db import Database
from xinhe.records.referral_policy import set_outbox_folder
from xinhe.records.vault import Vault, VaultFolder
from xinhe.records.witnesses import parse_expect

KEYSLOTS_WITNESS = "keyslots.json 中上次锁定时的链头"


def verify(folder: VaultFolder, binding: DeviceBinding, *extra: str) -> tuple[int, str, str]:
    """`xinhe audit verify` as the admin types it (password on stdin)."""
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(["--vault", str(folder.path), "audit", "verify",
                                          "--user", "admin", *extra])
    code = cli.run(args, cli.Io(io.StringIO(ADMIN_PASSWORD + "\n"), out, err), binding)
    return code, out.getvalue(), err.getvalue()


def busy_vault(vault: Vault, entries: int = 60) -> bytes:
    """Fill the chain, lock; return the database key an attacker would hold."""
    for i in range(entries):
        vault.audit_event("case.read", "case", f"XH-2026-{i:04d}")
    key = vault._key()
    vault.close()
    return key


def attack(folder: VaultFolder, key: bytes) -> Database:
    """The database opened directly with its key, the append-only guards dropped."""
    db = Database(folder.db_path, key)
    db.execute("DROP TRIGGER audit_event_no_update")
    db.execute("DROP TRIGGER audit_event_no_delete")
    return db


def chain_length(folder: VaultFolder, key: bytes) -> int:
    db = Database(folder.db_path, key)
    try:
        return int(db.scalar("SELECT max(seq) FROM audit_event") or 0)
    finally:
        db.close()


@pytest.mark.parametrize("cut", [1, 50, "all"])
def test_a_cut_tail_is_named_by_the_head_kept_at_the_last_lock(
        folder: VaultFolder, binding: DeviceBinding, vault: Vault, cut: int | str) -> None:
    key = busy_vault(vault)
    length = chain_length(folder, key)
    db = attack(folder, key)
    if cut == "all":
        db.execute("DELETE FROM audit_event")
    else:
        db.execute("DELETE FROM audit_event WHERE seq > ?", (length - int(cut),))
    db.close()
    code, out, err = verify(folder, binding)
    assert code == 1
    assert KEYSLOTS_WITNESS in err and "篡改" in err
    assert "审计链完整" not in out
    # Inside the database alone the shortened chain still links up: only the witness saw it.
    assert "审计记录" not in out


def rehash_all(db: Database, edit_seq: int) -> None:
    """Edit one entry, then recompute every hash after it: a chain that verifies alone."""
    prev = "0" * 64
    for row in db.all("SELECT * FROM audit_event ORDER BY seq"):
        fields = asdict(AuditEvent(**dict(row)))
        if fields["seq"] == edit_seq:
            fields["object_id"] = "XH-2026-9999"  # say, hiding which case was read
        fields["prev_hash"] = prev
        fields["hash"] = entry_hash(fields)
        db.execute("UPDATE audit_event SET object_id = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                   (fields["object_id"], prev, fields["hash"], fields["seq"]))
        prev = fields["hash"]


def test_an_edited_and_fully_rehashed_chain_is_named_by_every_witness_it_contradicts(
        folder: VaultFolder, binding: DeviceBinding, vault: Vault) -> None:
    vault.audit_event("case.read", "case", "XH-2026-0001")
    written_down = vault.audit.head()  # copied from the admin screen into a paper register
    key = busy_vault(vault)
    db = attack(folder, key)
    rehash_all(db, edit_seq=written_down[0] - 1)
    db.close()
    expect = f"{written_down[0]}:{written_down[1][:16]}"
    code, out, err = verify(folder, binding, "--expect", expect)
    assert code == 1
    assert KEYSLOTS_WITNESS in err and f"--expect {written_down[0]}:" in err
    assert f"审计链第 {written_down[0]} 条与--expect" in out
    assert "审计记录" not in out  # the rehashed chain is consistent in itself


def test_an_edited_keyslots_head_fails_its_mac(folder: VaultFolder, binding: DeviceBinding,
                                               vault: Vault) -> None:
    busy_vault(vault)
    body = json.loads(folder.slots_path.read_text())
    # Moved back one entry, to a hash the chain really has: only the MAC can tell.
    unlocked = folder.unlock("admin", ADMIN_PASSWORD)
    seq = body["audit_head"]["seq"] - 1
    body["audit_head"].update(seq=seq, hash=unlocked.audit.hash_at(seq))
    unlocked.db.close()  # leave the file as edited: no lock, no new head
    body.pop("checksum")
    body["checksum"] = hashlib.sha256(ks.canonical_json(body)).hexdigest()
    folder.slots_path.write_text(json.dumps(body))
    code, out, err = verify(folder, binding)
    assert code == 1
    assert f"{KEYSLOTS_WITNESS}的校验码不符" in out and KEYSLOTS_WITNESS in err


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    made = tmp_path / "outbox"
    made.mkdir()
    return made


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    made = tmp_path / "usb"
    made.mkdir()
    return made


def configure(studio: Studio, outbox: Path, usb: Path) -> None:
    install_identity(studio)
    set_outbox_folder(studio.admin.vault, str(outbox))
    backup.save_settings(studio.admin.vault, backup.BackupSettings(auto_folder=str(usb)))


def export_one(studio: Studio, clock: Clock, outbox: Path) -> str:
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    assert export_referral(studio.staff, referral.id, outbox=outbox).delivered
    return str(referral.referral_no)


def test_an_intact_vault_agrees_with_every_witness_and_prints_its_head(
        folder: VaultFolder, binding: DeviceBinding, studio: Studio, clock: Clock,
        outbox: Path, usb: Path, tmp_path: Path) -> None:
    configure(studio, outbox, usb)
    referral_no = export_one(studio, clock, outbox)
    admin = studio.admin.vault
    backup.make_backup(admin, usb / backup.auto_name(usb, admin.vault_id, admin.now()))
    backup.make_backup(admin, tmp_path / "manual.xhbak")
    seq, digest = admin.audit.head()
    studio.close()
    code, out, err = verify(folder, binding, "--expect", f"{seq}:{digest}", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] and report["problems"] == []
    kinds = sorted(w["kind"] for w in report["witnesses"])
    assert kinds == ["backup", "backup", "expect", "keyslots", "outbox", "referral"]
    assert all(w["verdict"] == "ok" for w in report["witnesses"])
    assert f"发件箱清单中 {referral_no} 的一行：" in "\n".join(
        w["message"] for w in report["witnesses"])
    code, out, err = verify(folder, binding)
    assert code == 0, err
    printed = out.splitlines()[0]
    assert printed.startswith("审计链当前头：序号 ")
    shown_seq, shown_hash = printed.removeprefix("审计链当前头：序号 ").split(" · ")
    again = folder.unlock("admin", ADMIN_PASSWORD)
    assert again.audit.hash_at(int(shown_seq)) == shown_hash  # the printed head is real
    again.close()


def test_rolling_back_the_database_and_its_key_slots_together_is_named_by_the_outbox_and_backup(
        folder: VaultFolder, binding: DeviceBinding, studio: Studio, clock: Clock,
        outbox: Path, usb: Path, tmp_path: Path) -> None:
    configure(studio, outbox, usb)
    studio.chen.vault.close()  # a lock: keyslots.json gets the head of the moment
    studio.admin.vault.db.checkpoint()
    earlier = tmp_path / "earlier-copy"
    earlier.mkdir()
    for name in (folder.DB_NAME, folder.SLOTS_NAME):
        shutil.copy2(folder.path / name, earlier / name)
    referral_no = export_one(studio, clock, outbox)
    admin = studio.admin.vault
    made = backup.make_backup(admin, usb / backup.auto_name(usb, admin.vault_id, admin.now()))
    studio.close()
    for name in (folder.DB_NAME, folder.SLOTS_NAME):
        shutil.copy2(earlier / name, folder.path / name)
    for suffix in ("-wal", "-shm"):
        (folder.path / (folder.DB_NAME + suffix)).unlink(missing_ok=True)
    code, out, err = verify(folder, binding)
    assert code == 1
    assert f"发件箱清单中 {referral_no} 的一行" in err
    assert f"备份 {made.created_at[:10]} {made.path.name}" in err
    assert KEYSLOTS_WITNESS not in err  # rolled back with the database, it agrees


def test_the_kept_head_moves_forward_and_a_contradicted_one_stays(
        folder: VaultFolder, vault: Vault) -> None:
    key = busy_vault(vault, entries=3)
    first = folder.load_slots().audit_head
    assert first is not None and first.mac_state(
        ks.audit_witness_key(key, folder.load_slots().vault_id), vault.vault_id) == "ok"
    later = folder.unlock("admin", ADMIN_PASSWORD)
    later.close()
    moved = folder.load_slots().audit_head
    assert moved is not None and moved.seq == first.seq + 2  # login and lock
    db = attack(folder, key)
    db.execute("DELETE FROM audit_event WHERE seq > ?", (first.seq,))
    db.close()
    # A session on the cut chain locks: it must not replace the head that exposes the cut.
    folder.unlock("admin", ADMIN_PASSWORD).close()
    assert folder.load_slots().audit_head == moved


def test_a_rekey_keeps_the_head_checkable(folder: VaultFolder, binding: DeviceBinding,
                                          vault: Vault) -> None:
    vault.close()
    again = folder.unlock("admin", ADMIN_PASSWORD)
    again.rekey()
    again.db.close()  # the process ends right after the re-key, before any lock
    code, out, err = verify(folder, binding)
    assert code == 0, err
    assert "之前的数据库密钥" in out  # the head was checked; its old MAC cannot be
    code, out, err = verify(folder, binding)
    assert code == 0 and "之前的数据库密钥" not in out  # re-made under the new key at close


def test_expect_takes_seq_and_at_least_sixteen_hex_digits(
        folder: VaultFolder, binding: DeviceBinding, vault: Vault) -> None:
    vault.close()
    assert parse_expect(" 12:ABCDEF0123456789 ") == (12, "abcdef0123456789")
    code, out, err = verify(folder, binding, "--expect", "12:abcd")
    assert code == 1 and out == "" and "--expect" in err and err.count("\n") == 1
    code, out, err = verify(folder, binding, "--lang", "en", "--expect", "9999:" + "a" * 64)
    assert code == 1
    assert "the chain is shorter than --expect 9999:" in out
    assert "witnesses: --expect 9999:" in err


def test_a_backup_from_before_the_readable_head_is_listed_as_unchecked(
        folder: VaultFolder, binding: DeviceBinding, vault: Vault, usb: Path) -> None:
    from xinhe.records import backup_file as bf

    backup.save_settings(vault, backup.BackupSettings(auto_folder=str(usb)))
    path = backup.make_backup(vault, usb / "old.xhbak").path
    vault.close()
    # Rewrite its header as an earlier version wrote it: the head only in the sealed part.
    info = bf.read_backup(path, backup.latest_schema())
    header = {k: v for k, v in info.header.items() if k != "audit_head"}
    database = path.read_bytes()[info.db_offset:info.db_offset + info.db_length]
    path.unlink()
    (usb / "db.part").write_bytes(database)
    bf.write_backup(path, header, usb / "db.part")
    (usb / "db.part").unlink()
    code, out, err = verify(folder, binding, "--json")
    assert code == 0, err
    messages = [u["message"] for u in json.loads(out)["unchecked"]]
    assert any("old.xhbak" in m and "恢复密钥" in m for m in messages)
