"""The vault: creation, unlock, wrong password vs damage, lockout, recovery, users, re-key."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
import sqlcipher3

from conftest import ADMIN_PASSWORD, Clock
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import (
    AccessDenied,
    AccountDisabled,
    AccountLocked,
    BadRecoveryKey,
    DeviceBindingUnavailable,
    InvalidInput,
    StorageError,
    VaultDamaged,
    VaultExists,
    WrongPassword,
)
from xinhe.records.accounts import AccountService, lockout_delay
from xinhe.records.vault import Vault, VaultFolder


def vault_files(folder: VaultFolder) -> list[Path]:
    return [p for p in folder.path.iterdir() if p.is_file()]


def raw_key_opens(db_path: Path, key: bytes) -> bool:
    conn = sqlcipher3.connect(str(db_path))
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


def test_create_then_unlock_as_admin(folder: VaultFolder, vault: Vault) -> None:
    assert vault.org_name == "馨和家园工作室"
    assert vault.actor.role == "admin"
    vault.close()
    again = folder.unlock("admin", ADMIN_PASSWORD)
    assert again.actor.display_name == "管理员甲"
    again.close()


def test_files_are_private_and_pragmas_set(folder: VaultFolder, vault: Vault) -> None:
    assert oct(folder.slots_path.stat().st_mode & 0o777) == "0o600"
    assert oct(folder.db_path.stat().st_mode & 0o777) == "0o600"
    assert oct(folder.path.stat().st_mode & 0o777) == "0o700"
    assert vault.db.scalar("PRAGMA journal_mode") == "wal"
    assert vault.db.scalar("PRAGMA synchronous") == 2  # FULL
    assert vault.db.scalar("PRAGMA foreign_keys") == 1
    assert vault.db.scalar("PRAGMA cipher_memory_security") == "0"  # off: BENCHMARKS.md


def test_init_refuses_an_existing_vault(folder: VaultFolder, vault: Vault) -> None:
    before = folder.slots_path.read_bytes()
    with pytest.raises(VaultExists):
        folder.create("其他机构", "other", "别人", "another-pass")
    assert folder.slots_path.read_bytes() == before


def test_init_refuses_a_folder_with_other_files(tmp_path: Path, binding: DeviceBinding) -> None:
    target = tmp_path / "docs"
    target.mkdir()
    (target / "notes.docx").write_bytes(b"x")
    with pytest.raises(VaultExists):
        VaultFolder(target, binding).create("机构", "admin", "管理员", ADMIN_PASSWORD)


def test_marker_never_in_plaintext_on_disk(folder: VaultFolder, vault: Vault) -> None:
    marker = "标记MARKER-7f3a9c"
    AccountService(vault).add_user("li", f"李{marker}", "counsellor", "counsellor-pass")
    vault.set_setting("probe", marker)
    # Look at the files while the vault is open (WAL and SHM present) and after closing.
    for stage in ("open", "closed"):
        names = {p.name for p in vault_files(folder)}
        assert "vault.db" in names and "keyslots.json" in names
        if stage == "open":
            assert "vault.db-wal" in names
        for path in vault_files(folder):
            data = path.read_bytes()
            assert marker.encode("utf-8") not in data, f"{stage}: marker in {path.name}"
            assert marker.encode("utf-16-le") not in data
        vault.close()


def test_wrong_password_is_rejected_at_the_slot(folder: VaultFolder, vault: Vault) -> None:
    vault.close()
    # Even with vault.db replaced by garbage, a wrong password is reported as such,
    # and the database file is not touched.
    folder.db_path.write_bytes(os.urandom(8192))
    before = folder.db_path.read_bytes()
    with pytest.raises(WrongPassword):
        folder.unlock("admin", "not-the-password")
    assert folder.db_path.read_bytes() == before


def test_damaged_database_is_not_a_wrong_password(folder: VaultFolder, vault: Vault) -> None:
    vault.close()
    data = bytearray(folder.db_path.read_bytes())
    data[100:4000] = os.urandom(3900)  # scramble inside page 1
    folder.db_path.write_bytes(bytes(data))
    with pytest.raises(VaultDamaged) as info:
        folder.unlock("admin", ADMIN_PASSWORD)
    assert "不是密码问题" in info.value.message("zh_CN")
    assert "not a password problem" in info.value.message("en")


def test_missing_database_is_damage(folder: VaultFolder, vault: Vault) -> None:
    vault.close()
    folder.db_path.unlink()
    with pytest.raises(VaultDamaged):
        folder.unlock("admin", ADMIN_PASSWORD)


@pytest.mark.parametrize("damage", ["truncate", "flip", "not-json", "missing"])
def test_damaged_keyslots_is_not_a_wrong_password(folder: VaultFolder, vault: Vault,
                                                  damage: str) -> None:
    vault.close()
    text = folder.slots_path.read_text()
    if damage == "truncate":
        folder.slots_path.write_text(text[: len(text) // 2])
    elif damage == "flip":
        body = json.loads(text)
        wrapped = body["users"][0]["wrapped_private"]
        body["users"][0]["wrapped_private"] = ("A" if wrapped[0] != "A" else "B") + wrapped[1:]
        folder.slots_path.write_text(json.dumps(body))
    elif damage == "not-json":
        folder.slots_path.write_bytes(os.urandom(300))
    else:
        folder.slots_path.unlink()
    with pytest.raises(VaultDamaged):
        folder.unlock("admin", ADMIN_PASSWORD)


def test_slots_from_another_vault_are_reported(tmp_path: Path, binding: DeviceBinding,
                                               folder: VaultFolder, vault: Vault) -> None:
    other = VaultFolder(tmp_path / "other", binding, kdf=KdfParams.cheap_for_tests())
    other_vault, _ = other.create("别的机构", "admin", "管理员", ADMIN_PASSWORD)
    other_vault.close()
    vault.close()
    folder.db_path.write_bytes((other.path / "vault.db").read_bytes())
    # The keys differ, so the file cannot be decrypted: damage, not a wrong password.
    with pytest.raises(VaultDamaged):
        folder.unlock("admin", ADMIN_PASSWORD)


def test_lockout_after_five_wrong_passwords_with_growing_delay(folder: VaultFolder,
                                                               vault: Vault,
                                                               clock: Clock) -> None:
    vault.close()
    for _ in range(4):
        with pytest.raises(WrongPassword):
            folder.unlock("admin", "wrong-wrong")
    with pytest.raises(AccountLocked) as first:
        folder.unlock("admin", "wrong-wrong")
    assert first.value.until - clock.now == lockout_delay(5)
    # While locked, even the right password is refused, before the key slot is tried.
    with pytest.raises(AccountLocked):
        folder.unlock("admin", ADMIN_PASSWORD)
    clock.advance(minutes=2)
    with pytest.raises(AccountLocked) as second:
        folder.unlock("admin", "wrong-again")
    assert second.value.until - clock.now == lockout_delay(6) > lockout_delay(5)
    clock.advance(minutes=3)
    unlocked = folder.unlock("admin", ADMIN_PASSWORD)
    actions = [(e.action, e.outcome) for e in reversed(unlocked.audit.events())]
    assert actions.count(("login", "failed")) == 6
    assert sum(1 for a, _ in actions if a == "account.locked") == 2
    assert ("login", "refused:locked") in actions
    unlocked.close()
    # A successful login resets the count.
    with pytest.raises(WrongPassword):
        folder.unlock("admin", "wrong-once")


def test_lockout_survives_a_restart(folder: VaultFolder, vault: Vault, clock: Clock,
                                    binding: DeviceBinding) -> None:
    vault.close()
    for _ in range(4):
        with pytest.raises(WrongPassword):
            folder.unlock("admin", "nope-nope")
    with pytest.raises(AccountLocked):
        folder.unlock("admin", "nope-nope")
    # A new process: a fresh VaultFolder reads the state back from disk.
    restarted = VaultFolder(folder.path, binding, kdf=KdfParams.cheap_for_tests(), clock=clock)
    assert restarted.lockout_until("admin") is not None
    with pytest.raises(AccountLocked):
        restarted.unlock("admin", ADMIN_PASSWORD)


def test_lockout_delay_grows_and_is_capped() -> None:
    delays = [lockout_delay(n).total_seconds() for n in range(1, 30)]
    assert delays[:4] == [0, 0, 0, 0]
    assert delays[4] == 60
    assert all(b >= a for a, b in zip(delays, delays[1:], strict=False))
    assert max(delays) == 24 * 3600


def test_admin_can_clear_a_lockout(folder: VaultFolder, vault: Vault) -> None:
    AccountService(vault).add_user("zhao", "赵某", "counsellor", "zhao-pass-1")
    for _ in range(5):
        with pytest.raises((WrongPassword, AccountLocked)):
            folder.unlock("zhao", "bad-bad-bad")
    AccountService(vault).unlock_account("zhao")
    folder.unlock("zhao", "zhao-pass-1").close()


def test_the_right_password_at_the_fifth_attempt_still_opens(folder: VaultFolder,
                                                              vault: Vault) -> None:
    vault.close()
    for _ in range(4):
        with pytest.raises(WrongPassword):
            folder.unlock("admin", "wrong-wrong")
    # The fifth attempt is counted before its KDF runs, and was no failure after all.
    opened = folder.unlock("admin", ADMIN_PASSWORD)
    actions = [(e.action, e.outcome) for e in opened.audit.events(limit=20)]
    assert actions.count(("login", "failed")) == 4
    assert not [a for a, _ in actions if a == "account.locked"]
    opened.close()
    assert folder.lockout_until("admin") is None
    assert "admin" not in folder.load_slots().lockout


def test_a_change_never_writes_back_slots_read_before_another_programs_change(
        folder: VaultFolder, vault: Vault, binding: DeviceBinding, clock: Clock) -> None:
    # Another program on the same folder records a wrong password while this vault is
    # open with the key slots it read at unlock.
    other = VaultFolder(folder.path, binding, kdf=KdfParams.cheap_for_tests(), clock=clock,
                        workstation="ws-2")
    with pytest.raises(WrongPassword):
        other.unlock("admin", "not-the-password")
    vault.new_recovery_key()
    AccountService(vault).add_user("zhao", "赵某", "counsellor", "zhao-pass-1")
    slots = folder.load_slots()
    assert slots.lockout["admin"].failures == 1
    assert [(e["workstation"], e["outcome"]) for e in slots.pending_audit] == [
        ("ws-2", "failed")]
    assert set(slots.users) == {"admin", "zhao"}


def test_a_rekey_needs_the_vault_alone(folder: VaultFolder, vault: Vault) -> None:
    from xinhe.errors import VaultInUse

    AccountService(vault).add_user("wang", "王某", "counsellor", "wang-password")
    other = folder.unlock("wang", "wang-password")
    with pytest.raises(VaultInUse) as info:
        vault.rekey()
    assert "另一个窗口或程序" in info.value.message("zh_CN")
    with pytest.raises(VaultInUse):
        AccountService(vault).remove_user("wang")
    assert folder.load_slots().generation == 1
    other.set_setting("written", "by the other window")  # which still works as it was
    assert other.setting("written") == "by the other window"
    assert [u.username for u in AccountService(vault).users()] == ["admin", "wang"]
    other.close()
    # A session file left by a program that died holds no lock, and does not count.
    (folder.path / "session-left-by-a-crash.lock").write_bytes(b"")
    vault.rekey()
    assert folder.load_slots().generation == 2
    assert not (folder.path / "session-left-by-a-crash.lock").exists()


def test_recovery_key_opens_the_vault_and_sets_a_new_password(folder: VaultFolder,
                                                              created: tuple[Vault, str]) -> None:
    vault, recovery_key = created
    vault.close()
    typed = recovery_key.lower().replace("-", " ")  # as someone might type it
    recovered = folder.recover(typed, "admin", "brand-new-pass")
    assert recovered.actor.username == "admin"
    assert recovered.audit.events(limit=2)[1].action == "password.recover"
    recovered.close()
    with pytest.raises(WrongPassword):
        folder.unlock("admin", ADMIN_PASSWORD)
    folder.unlock("admin", "brand-new-pass").close()


def test_recovery_key_typo_and_wrong_key_are_told_apart(folder: VaultFolder,
                                                        created: tuple[Vault, str]) -> None:
    vault, recovery_key = created
    vault.close()
    typo = recovery_key[:-1] + ("0" if recovery_key[-1] != "0" else "1")
    with pytest.raises(BadRecoveryKey) as info:
        folder.recover(typo, "admin", "another-pass")
    assert info.value.typo
    from xinhe.crypto import recovery

    with pytest.raises(BadRecoveryKey) as info:
        folder.recover(recovery.generate(), "admin", "another-pass")
    assert not info.value.typo


def test_password_change_invalidates_the_old_password(folder: VaultFolder, vault: Vault) -> None:
    other_slot_before = None
    AccountService(vault).add_user("chen", "陈某", "counsellor", "chen-pass-1")
    other_slot_before = vault.slots.users["chen"].to_json()
    with pytest.raises(WrongPassword):
        AccountService(vault).change_password("not-my-password", "new-admin-pass")
    AccountService(vault).change_password(ADMIN_PASSWORD, "new-admin-pass")
    # Only the user's own slot was rewrapped.
    assert vault.slots.users["chen"].to_json() == other_slot_before
    vault.close()
    with pytest.raises(WrongPassword):
        folder.unlock("admin", ADMIN_PASSWORD)
    folder.unlock("admin", "new-admin-pass").close()


def test_weak_passwords_are_refused(folder: VaultFolder, vault: Vault) -> None:
    with pytest.raises(InvalidInput):
        # a one-character login name
        AccountService(vault).add_user("x", "某", "counsellor", "longenough")
    from xinhe.errors import WeakPassword

    with pytest.raises(WeakPassword):
        AccountService(vault).add_user("sun", "孙某", "counsellor", "short")


def test_roles_and_user_management(folder: VaultFolder, vault: Vault) -> None:
    for name, role in (("sup", "supervisor"), ("wang", "counsellor"), ("staff1", "staff")):
        AccountService(vault).add_user(name, f"{name}-显示名", role, f"{name}-password")
    assert {u.username: u.role for u in AccountService(vault).users()} == {
        "admin": "admin", "sup": "supervisor", "wang": "counsellor", "staff1": "staff"}
    AccountService(vault).set_user_active("wang", False)
    vault.close()
    with pytest.raises(AccountDisabled):
        folder.unlock("wang", "wang-password")
    counsellor_vault = folder.unlock("sup", "sup-password")
    with pytest.raises(AccessDenied):
        AccountService(counsellor_vault).add_user("evil", "坏人", "admin", "evil-password")
    counsellor_vault.close()
    admin = folder.unlock("admin", ADMIN_PASSWORD)
    events = [(e.action, e.object_id, e.outcome) for e in admin.audit.events(limit=50)]
    assert ("login", "wang", "refused:disabled") in events
    assert ("access.denied", "supervisor", "refused") in events
    AccountService(admin).set_user_active("wang", True)
    admin.close()
    folder.unlock("wang", "wang-password").close()


def test_last_admin_cannot_be_disabled_or_removed(vault: Vault) -> None:
    AccountService(vault).add_user("admin2", "二号管理员", "admin", "admin2-pass")
    with pytest.raises(InvalidInput):
        AccountService(vault).set_user_active("admin", False)  # oneself
    AccountService(vault).set_user_active("admin2", False)
    AccountService(vault).set_user_active("admin2", True)


def test_removed_user_loses_access_and_old_key_stops_working(folder: VaultFolder,
                                                             vault: Vault) -> None:
    AccountService(vault).add_user("leaver", "离职者", "counsellor", "leaver-pass")
    vault.close()
    # The leaver unlocks once, and could have kept the database key.
    theirs = folder.unlock("leaver", "leaver-pass")
    old_key = theirs._key()
    theirs.close()
    assert raw_key_opens(folder.db_path, old_key)
    admin = folder.unlock("admin", ADMIN_PASSWORD)
    generation = admin.slots.generation
    AccountService(admin).remove_user("leaver")
    assert admin.slots.generation == generation + 1
    assert "leaver" not in admin.slots.users
    assert [u.username for u in AccountService(admin).users()] == ["admin"]
    assert AccountService(admin).users(include_removed=True)[1].removed_at is not None
    admin.close()
    assert not raw_key_opens(folder.db_path, old_key)
    with pytest.raises(WrongPassword):
        folder.unlock("leaver", "leaver-pass")
    folder.unlock("admin", ADMIN_PASSWORD).close()
    assert not (folder.path / VaultFolder.REKEY_NAME).exists()


def test_recovery_key_still_works_after_a_rekey(folder: VaultFolder,
                                                created: tuple[Vault, str]) -> None:
    vault, recovery_key = created
    vault.rekey()
    vault.close()
    folder.recover(recovery_key, "admin", "after-rekey-pass").close()


def test_device_bound_slot_needs_this_workstation(tmp_path: Path, folder: VaultFolder,
                                                  vault: Vault,
                                                  recovery_key: str) -> None:
    assert vault.binding_on
    vault.close()
    # The vault copied to another workstation, whose keyring has no device secret.
    from conftest import InMemoryKeyring

    elsewhere = VaultFolder(folder.path, DeviceBinding(InMemoryKeyring()),
                            kdf=KdfParams.cheap_for_tests())
    with pytest.raises(DeviceBindingUnavailable):
        elsewhere.unlock("admin", ADMIN_PASSWORD)
    # The password could not be tried there, so it is not counted as a wrong one.
    lockout = elsewhere.load_slots().lockout.get("admin")
    assert lockout is None or lockout.failures == 0
    # The recovery slot is not device-bound: it works there, and binds the new password.
    moved = elsewhere.recover(recovery_key, "admin", "new-machine-pass")
    assert moved.binding_on
    moved.close()
    elsewhere.unlock("admin", "new-machine-pass").close()


def test_without_a_secure_keyring_binding_is_off_but_the_vault_works(tmp_path: Path) -> None:
    off = DeviceBinding.off("no secure keyring on this workstation")
    folder = VaultFolder(tmp_path / "v", off, kdf=KdfParams.cheap_for_tests())
    vault, _ = folder.create("机构", "admin", "管理员", ADMIN_PASSWORD)
    assert not vault.binding_on
    vault.close()
    folder.unlock("admin", ADMIN_PASSWORD).close()


def test_binding_is_added_when_a_keyring_appears(tmp_path: Path, binding: DeviceBinding) -> None:
    path = tmp_path / "v"
    made_without = VaultFolder(path, DeviceBinding.off(), kdf=KdfParams.cheap_for_tests())
    vault, _ = made_without.create("机构", "admin", "管理员", ADMIN_PASSWORD)
    vault.close()
    with_keyring = VaultFolder(path, binding, kdf=KdfParams.cheap_for_tests())
    bound = with_keyring.unlock("admin", ADMIN_PASSWORD)
    assert bound.binding_on
    bound.close()


def test_disk_full_while_writing_keyslots_keeps_the_old_file(
        folder: VaultFolder, vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    before = folder.slots_path.read_bytes()
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        if len(data) > 200:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(StorageError) as info:
        AccountService(vault).add_user("new", "新同事", "counsellor", "new-user-pass")
    monkeypatch.undo()
    assert "磁盘已满" in info.value.message("zh_CN")
    assert folder.slots_path.read_bytes() == before
    assert not [p for p in folder.path.iterdir() if p.name.startswith(".keyslots")]
    # The failed add left no half-made user behind, and the vault still opens.
    assert [u.username for u in AccountService(vault).users()] == ["admin"]
    vault.close()
    folder.unlock("admin", ADMIN_PASSWORD).close()


def test_production_kdf_parameters_are_the_default_outside_tests(
        tmp_path: Path, binding: DeviceBinding, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XINHE_TEST_FAST_KDF", raising=False)
    assert KdfParams.default() == KdfParams.production()
    params = KdfParams.production()
    assert params.algorithm == "argon2id"
    assert params.memory_kib >= 256 * 1024 and params.iterations >= 3


@pytest.mark.slow_kdf
def test_a_slot_made_with_real_parameters_records_and_uses_them(
        tmp_path: Path, binding: DeviceBinding, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XINHE_TEST_FAST_KDF", raising=False)
    folder = VaultFolder(tmp_path / "v", binding)
    vault, _ = folder.create("机构", "admin", "管理员", ADMIN_PASSWORD)
    vault.close()
    stored = json.loads(folder.slots_path.read_text())["users"][0]["kdf"]
    assert stored == KdfParams.production().to_json()
    with pytest.raises(WrongPassword):
        folder.unlock("admin", "wrong-password")
    folder.unlock("admin", ADMIN_PASSWORD).close()


class Interrupted(Exception):
    """Stands in for a crash at one step of a re-key."""


@pytest.mark.parametrize("step", ["export", "replace", "promote"])
def test_an_interrupted_rekey_leaves_a_usable_vault(folder: VaultFolder, vault: Vault,
                                                    recovery_key: str, step: str,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    binding: DeviceBinding) -> None:
    AccountService(vault).add_user("wang", "王某", "counsellor", "wang-password")
    vault.set_setting("kept", "值")
    from xinhe.crypto import keyslots
    from xinhe.records import db as dbmod

    if step == "export":
        def crash_export(self: object, path: Path, key: bytes) -> None:
            Path(path).write_bytes(b"half-written")
            raise Interrupted
        monkeypatch.setattr(dbmod.Database, "export_to", crash_export)
    elif step == "replace":
        real_replace = os.replace

        def crash_replace(src: object, dst: object) -> None:
            if str(src).endswith(VaultFolder.REKEY_NAME):
                raise Interrupted
            real_replace(src, dst)
        monkeypatch.setattr(os, "replace", crash_replace)
    else:
        saves = {"n": 0}
        real_save = keyslots.KeySlotFile.save

        def crash_second_save(self: keyslots.KeySlotFile, path: Path) -> None:
            saves["n"] += 1
            if saves["n"] == 2:  # the promotion after the new file is in place
                raise Interrupted
            real_save(self, path)
        monkeypatch.setattr(keyslots.KeySlotFile, "save", crash_second_save)

    with pytest.raises(Interrupted):
        vault.rekey()
    monkeypatch.undo()
    if step == "export":
        # Nothing was replaced: the open vault carries on under its old key.
        assert not vault.closed and vault.setting("kept") == "值"
    else:
        assert vault.closed
    # A new process after the crash: every user and the recovery key still open the vault.
    restarted = VaultFolder(folder.path, binding, kdf=KdfParams.cheap_for_tests())
    for user, password in (("admin", ADMIN_PASSWORD), ("wang", "wang-password")):
        reopened = restarted.unlock(user, password)
        assert reopened.setting("kept") == "值"
        assert reopened.slots.users[user].next_db_key is None
        reopened.close()
    recovered = restarted.recover(recovery_key, "admin", "after-crash-pass")
    assert recovered.audit.verify().ok
    recovered.close()
    assert not (folder.path / VaultFolder.REKEY_NAME).exists()


def test_reauthentication_checks_the_acting_users_password(vault: Vault) -> None:
    with pytest.raises(WrongPassword):
        AccountService(vault).verify_password("not-it")
    AccountService(vault).verify_password(ADMIN_PASSWORD)
    assert [(e.action, e.outcome) for e in vault.audit.events(limit=2)] == [
        ("reauth", "ok"), ("reauth", "failed")]


def test_a_lost_recovery_key_can_be_replaced(folder: VaultFolder,
                                             created: tuple[Vault, str]) -> None:
    vault, old_key = created
    new_key = vault.new_recovery_key()
    assert new_key != old_key and new_key not in folder.slots_path.read_text()
    vault.close()
    with pytest.raises(BadRecoveryKey):
        folder.recover(old_key, "admin", "another-pass-1")
    folder.recover(new_key, "admin", "another-pass-1").close()
