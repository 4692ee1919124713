"""Backup and restore with real encrypted vaults: to another machine and back, what a
stolen backup shows, and every kind of bad input."""

from __future__ import annotations

import errno
import json
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from conftest import ADMIN_PASSWORD, Clock, InMemoryKeyring, Studio
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import (
    AccessDenied,
    BadRecoveryKey,
    InvalidInput,
    StorageError,
    VaultExists,
    WrongPassword,
)
from xinhe.records import backup, restore
from xinhe.records import backup_file as bf
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import Vault, VaultFolder

MARKER = "备份标记MARKER-4b1d9e"
PHOTO_MARKER = b"PHOTO-MARKER-77aa31"


def tiny_png(marker: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\x00" + marker)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def add_casework(studio: Studio) -> dict[str, Any]:
    """A case with a signed note holding MARKER, an addendum, a photo and a follow-up."""
    case = studio.new_case(studio.wang, name="林晓燕")
    note = studio.wang.notes.draft_session(
        case.id, started_at=studio.folder.clock(), duration_min=50, modality="in_person",
        answers={"data": f"当事人讲述了经过。{MARKER}", "assessment": "中等风险。",
                 "plan": "一周后回访。"})
    note = studio.wang.notes.sign_session(note.id, note.version)
    studio.wang.notes.add_addendum("session", note.id, "补充：时间为下午。")
    photo = studio.wang.attachments.add(case.id, kind="injury_photo", filename="伤情.png",
                                        data=tiny_png(PHOTO_MARKER))
    studio.wang.planning.schedule_followup(case.id, studio.folder.clock())
    return {"case": case, "note": note, "photo": photo}


def dump(vault: Vault) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, except what signing in and backing up change."""
    tables = backup._record_tables(vault.db)
    out = {}
    for table in tables:
        if table in ("settings", "audit_event"):
            continue
        rows = sorted((tuple(r) for r in vault.db.all(f'SELECT * FROM "{table}"')), key=repr)
        if table == "users":
            rows = [r[:6] + r[7:] for r in rows]  # without last_login_at
        out[table] = rows
    return out


def audit_rows(vault: Vault) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in vault.db.all("SELECT * FROM audit_event ORDER BY seq")]


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    stick = tmp_path / "usb"
    stick.mkdir()
    return stick


def test_backup_then_restore_on_another_machine(studio: Studio, recovery_key: str, usb: Path,
                                                tmp_path: Path, clock: Clock) -> None:
    work = add_casework(studio)
    admin = studio.admin.vault
    made = backup.make_backup(admin, usb / "studio.xhbak")
    assert made.counts["cases"] == 1 and made.counts["attachments"] == 1
    before, audit_before = dump(admin), audit_rows(admin)
    audit_before = [r for r in audit_before if r[0] <= made.counts["audit_event"]]
    assert backup.status(admin).last_path == str(usb / "studio.xhbak")

    # Another workstation: its own (empty) keyring, a fresh folder.
    other = DeviceBinding(InMemoryKeyring())
    target = tmp_path / "machine2" / "vault"
    target.parent.mkdir()
    clock.advance(days=1)
    result = restore.restore_backup(usb / "studio.xhbak", recovery_key, target, other,
                                    clock=clock, workstation="machine2")
    assert result.aside is None and result.admins == ("admin",)
    assert result.keep_password == ()
    assert set(result.need_new_password) == {"admin", "sup", "wang", "chen", "staff"}
    folder2 = VaultFolder(target, other, kdf=KdfParams.cheap_for_tests(), clock=clock,
                          workstation="machine2")
    # The password slots were bound to the first workstation: no way in with them here.
    with pytest.raises(WrongPassword):
        folder2.unlock("wang", Studio.PASSWORDS["wang"])
    # The administrator sets a new password with the recovery key, then gives one to wang.
    admin2 = folder2.recover(recovery_key, "admin", "admin-on-machine-2")
    assert admin2.binding_on
    AccountService(admin2).reset_password("wang", "wang-on-machine-2")
    AccountService(admin2).reset_password("sup", "sup-on-machine-2")
    assert admin2.audit.verify().ok
    admin2.close()
    sup = folder2.unlock("sup", "sup-on-machine-2")
    try:
        assert dump(sup) == before  # every record, attachment, index entry, user
        restored_audit = audit_rows(sup)
        assert restored_audit[:len(audit_before)] == audit_before
        assert any(r[5] == "vault.restore" for r in restored_audit)
        assert sup.audit.verify().ok
        services = Services(sup, studio.templates)
        assert services.attachments.data(work["photo"].id) == tiny_png(PHOTO_MARKER)
        assert [h.case_no for h in services.search("MARKER-4b1d9e")] == [work["case"].case_no]
    finally:
        sup.close()
    wang = folder2.unlock("wang", "wang-on-machine-2")
    assert wang.binding_on
    wang.close()


def test_restore_on_the_same_machine_keeps_passwords(studio: Studio, recovery_key: str,
                                                     usb: Path, tmp_path: Path,
                                                     binding: DeviceBinding) -> None:
    add_casework(studio)
    backup.make_backup(studio.admin.vault, usb / "b.xhbak")
    result = restore.restore_backup(usb / "b.xhbak", recovery_key, tmp_path / "again",
                                    binding)
    assert set(result.keep_password) == {"admin", "sup", "wang", "chen", "staff"}
    assert result.need_new_password == ()
    again = VaultFolder(tmp_path / "again", binding, kdf=KdfParams.cheap_for_tests())
    wang = again.unlock("wang", Studio.PASSWORDS["wang"])
    assert len(Services(wang, studio.templates).cases.find()) == 1
    wang.close()


def test_a_slot_made_without_a_keyring_keeps_its_password_anywhere(
        tmp_path: Path, usb: Path) -> None:
    unbound = VaultFolder(tmp_path / "v", DeviceBinding.off(), kdf=KdfParams.cheap_for_tests())
    vault, key = unbound.create("机构", "admin", "管理员", ADMIN_PASSWORD)
    backup.make_backup(vault, usb / "b.xhbak")
    vault.close()
    elsewhere = DeviceBinding(InMemoryKeyring())
    result = restore.restore_backup(usb / "b.xhbak", key, tmp_path / "w", elsewhere)
    assert result.keep_password == ("admin",)
    moved = VaultFolder(tmp_path / "w", elsewhere, kdf=KdfParams.cheap_for_tests())
    opened = moved.unlock("admin", ADMIN_PASSWORD)
    assert opened.binding_on  # bound to the new workstation at the first sign-in
    opened.close()


def test_a_stolen_backup_shows_no_client_data_and_no_login_names(
        studio: Studio, usb: Path) -> None:
    add_casework(studio)
    path = backup.make_backup(studio.admin.vault, usb / "b.xhbak").path
    data = path.read_bytes()
    for needle in (MARKER.encode("utf-8"), MARKER.encode("utf-16-le"), PHOTO_MARKER,
                   "林晓燕".encode(), "王丽".encode(), "馨和家园工作室".encode(),
                   b'"wang"', b'"staff"', b"wrapped_private"):
        assert needle not in data, needle
    # What the header does show: enough to tell files apart and to open one, and the audit
    # head (a sequence number and a hash) that `audit verify` checks the chain against.
    info = bf.read_backup(path, backup.latest_schema())
    assert set(info.header) == {"format", "format_version", "app_version", "schema_version",
                                "created_at", "vault_id", "recovery", "database", "inner",
                                "audit_head"}
    assert set(info.header["audit_head"]) == {"seq", "hash"}
    assert not [p for p in usb.iterdir() if p.name != "b.xhbak"]  # no temporary files left
    assert not [p for p in studio.folder.path.iterdir() if p.name.startswith(".backup-")]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_only_an_admin_makes_a_backup_by_hand(studio: Studio, usb: Path) -> None:
    with pytest.raises(AccessDenied):
        backup.make_backup(studio.wang.vault, usb / "b.xhbak")
    assert not list(usb.iterdir())


def test_backup_refuses_the_vault_folder_and_an_existing_file(studio: Studio, usb: Path) -> None:
    admin = studio.admin.vault
    with pytest.raises(InvalidInput, match="数据库文件夹"):
        backup.make_backup(admin, studio.folder.path / "b.xhbak")
    (usb / "old.xhbak").write_bytes(b"keep me")
    with pytest.raises(InvalidInput, match="不会覆盖"):
        backup.make_backup(admin, usb / "old.xhbak")
    assert (usb / "old.xhbak").read_bytes() == b"keep me"
    backup.make_backup(admin, usb / "old.xhbak", overwrite=True)
    assert bf.read_backup(usb / "old.xhbak", backup.latest_schema()).size > 1000


def test_full_disk_during_backup_leaves_no_file_under_the_final_name(
        studio: Studio, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = studio.admin.vault
    real_write = os.write
    written = {"n": 0}

    def fills_up(fd: int, data: Any) -> int:
        written["n"] += len(data)
        if written["n"] > 64 * 1024:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)
    monkeypatch.setattr(os, "write", fills_up)
    with pytest.raises(StorageError) as info:
        backup.make_backup(admin, usb / "b.xhbak")
    monkeypatch.undo()
    assert "磁盘已满" in info.value.message("zh_CN")
    assert list(usb.iterdir()) == []
    assert not [p for p in studio.folder.path.iterdir() if p.name.startswith(".backup-")]
    assert backup.status(admin).last_at is None
    backup.make_backup(admin, usb / "b.xhbak")  # with room again it works


# -- bad input ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def good_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One real backup of a studio with casework, shared by the bad-input tests."""
    root = tmp_path_factory.mktemp("good")
    folder = VaultFolder(root / "vault", DeviceBinding(InMemoryKeyring()),
                         kdf=KdfParams.cheap_for_tests(), clock=Clock(), workstation="ws")
    admin, key = folder.create("馨和家园工作室", "admin", "管理员甲", ADMIN_PASSWORD)
    studio = Studio(folder, admin)
    try:
        add_casework(studio)
        (root / "usb").mkdir()
        path = backup.make_backup(admin, root / "usb" / "good.xhbak").path
    finally:
        studio.close()
    return path, key


@pytest.fixture
def made(good_backup: tuple[Path, str], usb: Path) -> tuple[Path, str]:
    path, key = good_backup
    copy = usb / "good.xhbak"
    copy.write_bytes(path.read_bytes())
    return copy, key


@pytest.fixture
def existing(tmp_path: Path, binding: DeviceBinding) -> tuple[VaultFolder, dict[str, bytes]]:
    """A vault already in the restore target, which must never be overwritten."""
    folder = VaultFolder(tmp_path / "target", binding, kdf=KdfParams.cheap_for_tests())
    vault, _ = folder.create("别的机构", "boss", "负责人", "boss-pass-1")
    vault.close()
    return folder, {p.name: p.read_bytes() for p in folder.path.iterdir()}


def variant(source: Path, name: str, change: Any) -> Path:
    data = bytearray(source.read_bytes())
    target = source.with_name(name)
    target.write_bytes(bytes(change(data)))
    return target


def rechecksum(data: bytearray) -> bytearray:
    body = bytes(data[:-32])
    return bytearray(body + __import__("hashlib").sha256(body).digest())


def with_header(data: bytearray, change: Any) -> bytearray:
    length = struct.unpack(">I", data[14:18])[0]
    header = json.loads(bytes(data[22:22 + length]))
    change(header)
    body = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    prefix = bytes(data[:14]) + struct.pack(">I", len(body))
    out = bytearray(prefix + struct.pack(">I", zlib.crc32(prefix)) + body
                    + data[22 + length:])
    return rechecksum(out)


def flip(offset_from_end: int | None = None, at: int | None = None) -> Any:
    def change(data: bytearray) -> bytearray:
        index = at if at is not None else len(data) - (offset_from_end or 1)
        data[index] ^= 0x40
        return data
    return change


def db_middle(data: bytearray) -> int:
    length = struct.unpack(">I", data[14:18])[0]
    return 22 + length + 5000


CASES: dict[str, tuple[Any, type[Exception]]] = {
    "byte in the database": (lambda d: flip(at=db_middle(d))(d), bf.BackupDamaged),
    "database changed, checksum redone": (
        lambda d: rechecksum(flip(at=db_middle(d))(d)), bf.BackupDamaged),
    "byte in the header": (lambda d: flip(at=40)(d), bf.BackupDamaged),
    "byte in the checksum": (flip(offset_from_end=3), bf.BackupDamaged),
    "version field hit": (lambda d: flip(at=13)(d), bf.BackupDamaged),
    "header field edited": (lambda d: with_header(
        d, lambda h: h.__setitem__("created_at", "2020-01-01T00:00:00+00:00")), bf.BackupDamaged),
    "line endings converted": (lambda d: d.replace(b"\r\n", b"\n", 1), bf.BackupDamaged),
    "extra bytes at the end": (lambda d: d + b"\x00" * 10, bf.BackupDamaged),
    "cut to 5 bytes": (lambda d: d[:5], bf.BackupTruncated),
    "cut inside the prefix": (lambda d: d[:20], bf.BackupTruncated),
    "cut inside the header": (lambda d: d[:200], bf.BackupTruncated),
    "cut inside the database": (lambda d: d[:db_middle(d)], bf.BackupTruncated),
    "last byte missing": (lambda d: d[:-1], bf.BackupTruncated),
    "newer file format": (lambda d: bytearray(
        d[:12] + struct.pack(">H", 2) + d[14:18]
        + struct.pack(">I", zlib.crc32(bytes(d[:12]) + struct.pack(">H", 2) + bytes(d[14:18])))
        + d[22:]), bf.BackupTooNew),
    "newer schema": (lambda d: with_header(
        d, lambda h: h.__setitem__("schema_version", 999)), bf.BackupTooNew),
    "empty file": (lambda d: b"", bf.NotABackup),
    "a PDF": (lambda d: b"%PDF-1.7\n" + bytes(d[9:]), bf.NotABackup),
    "a JSON file": (lambda d: b'{"format": "xinhe-keyslots"}', bf.NotABackup),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_backups_are_refused_with_the_reason_and_nothing_is_overwritten(
        kind: str, made: tuple[Path, str], existing: tuple[VaultFolder, dict[str, bytes]],
        binding: DeviceBinding) -> None:
    path, key = made
    change, expected = CASES[kind]
    bad = variant(path, "bad.xhbak", change)
    folder, files = existing
    with pytest.raises(expected) as info:
        restore.restore_backup(bad, key, folder.path, binding, replace=True)
    assert isinstance(info.value, bf.BackupRefused)
    assert info.value.message("en").endswith((".", ")"))
    assert {p.name: p.read_bytes() for p in folder.path.iterdir()} == files
    assert [p.name for p in folder.path.parent.iterdir() if "target" in p.name] == ["target"]


def test_a_vault_database_is_not_a_backup(made: tuple[Path, str], existing: Any,
                                          tmp_path: Path, binding: DeviceBinding) -> None:
    _, key = made
    folder, _ = existing
    for name in ("vault.db", "keyslots.json"):
        with pytest.raises(bf.NotABackup):
            restore.restore_backup(folder.path / name, key, tmp_path / "x", binding)
    with pytest.raises(bf.NotABackup):
        restore.restore_backup(folder.path, key, tmp_path / "x", binding)
    assert not (tmp_path / "x").exists()


def test_a_wrong_recovery_key_is_refused_and_not_called_damage(
        made: tuple[Path, str], existing: tuple[VaultFolder, dict[str, bytes]],
        tmp_path: Path, binding: DeviceBinding) -> None:
    path, key = made
    other = VaultFolder(tmp_path / "other", binding, kdf=KdfParams.cheap_for_tests())
    vault, other_key = other.create("别处", "admin", "管理员", ADMIN_PASSWORD)
    vault.close()
    folder, files = existing
    with pytest.raises(BadRecoveryKey) as info:
        restore.restore_backup(path, other_key, folder.path, binding, replace=True)
    assert not info.value.typo and not isinstance(info.value, bf.BackupRefused)
    assert "不正确" in info.value.message("zh_CN") and "损坏" not in info.value.message("zh_CN")
    typo = key[:5] + ("Z" if key[5] != "Z" else "Y") + key[6:]
    with pytest.raises(BadRecoveryKey) as info:
        restore.verify_backup(path, typo)
    assert info.value.typo
    assert {p.name: p.read_bytes() for p in folder.path.iterdir()} == files


def test_an_existing_vault_is_replaced_only_when_asked_and_kept_aside(
        made: tuple[Path, str], existing: tuple[VaultFolder, dict[str, bytes]],
        binding: DeviceBinding, clock: Clock) -> None:
    path, key = made
    folder, files = existing
    with pytest.raises(VaultExists):
        restore.restore_backup(path, key, folder.path, binding)
    assert {p.name: p.read_bytes() for p in folder.path.iterdir()} == files
    result = restore.restore_backup(path, key, folder.path, binding, replace=True, clock=clock)
    assert result.aside == folder.path.with_name("target.replaced-20260302-090000")
    assert {p.name: p.read_bytes() for p in result.aside.iterdir()} == files
    VaultFolder(result.aside, binding).unlock("boss", "boss-pass-1").close()
    restored = VaultFolder(folder.path, binding, kdf=KdfParams.cheap_for_tests())
    restored.recover(key, "wang", "wang-pass-new").close()  # made on another workstation


def test_verify_checks_with_the_recovery_key_and_changes_nothing(
        made: tuple[Path, str], tmp_path: Path) -> None:
    path, key = made
    before = sorted(p.name for p in tmp_path.rglob("*"))
    checked = restore.verify_backup(path, key)
    assert checked.org_name == "馨和家园工作室" and checked.counts["sessions"] == 1
    assert set(checked.usernames) == {"admin", "sup", "wang", "chen", "staff"}
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


# -- reminder and automatic backups --------------------------------------------------------

def test_the_reminder_is_due_when_the_last_backup_is_old(studio: Studio, usb: Path,
                                                         clock: Clock) -> None:
    admin = studio.admin.vault
    first = backup.status(admin)
    assert first.overdue and first.last_at is None
    backup.make_backup(admin, usb / "b.xhbak")
    clock.advance(days=7)
    assert not backup.status(admin).overdue and backup.status(admin).age_days == 7
    clock.advance(hours=1)
    assert backup.status(studio.wang.vault).overdue  # every role may see the reminder
    backup.save_settings(admin, backup.BackupSettings(remind_days=30))
    assert not backup.status(admin).overdue
    with pytest.raises(AccessDenied):
        backup.save_settings(studio.sup.vault, backup.BackupSettings(remind_days=3))
    with pytest.raises(InvalidInput):
        backup.save_settings(admin, backup.BackupSettings(auto_on_lock=True))


def test_automatic_backups_keep_the_last_n(studio: Studio, usb: Path, clock: Clock) -> None:
    admin = studio.admin.vault
    assert backup.auto_backup(admin, "lock") is None  # off until switched on
    backup.save_settings(admin, backup.BackupSettings(auto_folder=str(usb), auto_keep=3,
                                                      auto_on_lock=True))
    (usb / "notes.txt").write_text("not ours")
    for _ in range(5):
        clock.advance(hours=1)
        assert backup.auto_backup(studio.wang.vault, "lock") is not None  # any role's lock
    assert backup.auto_backup(admin, "exit") is None  # on exit is off
    kept = sorted(p.name for p in usb.iterdir())
    assert len(kept) == 4 and "notes.txt" in kept
    assert kept[1].endswith("-20260302-120000-01.xhbak")  # the three newest
    assert backup.status(admin).last_path.endswith("-20260302-140000-01.xhbak")
    clock.advance(hours=1)
    backup.auto_backup(admin, "lock")
    backup.auto_backup(admin, "lock")  # the same second: a second file, not a replacement
    names = sorted(p.name.split("-", 2)[2] for p in usb.iterdir() if p.suffix == ".xhbak")
    assert names == ["20260302-140000-01.xhbak", "20260302-150000-01.xhbak",
                     "20260302-150000-02.xhbak"]


def test_a_failed_automatic_backup_is_remembered_and_does_not_stop_the_lock(
        studio: Studio, tmp_path: Path, usb: Path) -> None:
    admin = studio.admin.vault
    backup.save_settings(admin, backup.BackupSettings(auto_folder=str(usb), auto_on_exit=True))
    usb.rmdir()  # the stick was pulled out
    assert backup.auto_backup(admin, "exit") is None
    st = backup.status(admin)
    assert "U盘" in st.auto_error and st.auto_error_at is not None
    usb.mkdir()
    assert backup.auto_backup(admin, "exit") is not None
    assert backup.status(admin).auto_error == ""
