"""Two programs on one vault, with real processes, real files and the production KDF.

Issue 12: a wrong password typed during a re-key used to write back the key slots it
had read before the re-key, and the vault then opened for nobody, not even with the
recovery key; parallel wrong passwords lost lockout counts and queued audit events;
a re-key could replace vault.db under a program that had it open.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import InMemoryKeyring
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import VaultInUse, WrongPassword
from xinhe.records import backup, restore
from xinhe.records.accounts import LOCKOUT_THRESHOLD, AccountService
from xinhe.records.vault import VaultFolder
from xinhe.records.vault_locks import exclusive

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).with_name("vault_race_child.py")
OFF = DeviceBinding.off("race test")
PASSWORDS = {"admin": "admin-pass-1", "wangli": "wangli-pass-1", "leaver": "leaver-pass-1"}
IN_USE_ZH = "正在另一个窗口或程序中打开"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a studio workstation: production KDF, no keyring to bind to."""
    env = {k: v for k, v in os.environ.items() if k != "XINHE_TEST_FAST_KDF"}
    env.update(DBUS_SESSION_BUS_ADDRESS="disabled:", XINHE_LANG="zh_CN", **extra)
    return env


def xinhe(*argv: str, vault: Path, user: str, stdin: str) -> subprocess.Popen[str]:
    """The `xinhe` command as a user runs it, password on stdin."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *argv, "--vault",
                             str(vault), "--user", user], env=child_env(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    return proc


def child(op: str, vault: Path, user: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(CHILD), op, str(vault), user],
                            env=child_env(**env), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    if proc.stdin is not None and not proc.stdin.closed:
        proc.stdin.close()
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    return proc.wait(timeout=120), out, err


def read_line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    return proc.stdout.readline().strip()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A closed vault whose slots use the production KDF; and its recovery key."""
    probe = subprocess.run([sys.executable, "-c", "from xinhe.crypto.binding import "
                            "DeviceBinding; print(DeviceBinding.from_system().enabled)"],
                           env=child_env(), cwd=ROOT, capture_output=True, text=True)
    # The CLI must find no keyring to bind these vaults to (and write secrets into).
    assert probe.stdout.strip() == "False", probe.stderr
    folder = VaultFolder(tmp_path_factory.mktemp("race") / "vault", OFF,
                         kdf=KdfParams.production())
    admin, key = folder.create("馨和家园工作室", "admin", "管理员", PASSWORDS["admin"])
    accounts = AccountService(admin)
    accounts.add_user("wangli", "王丽", "counsellor", PASSWORDS["wangli"])
    accounts.add_user("leaver", "离职者", "counsellor", PASSWORDS["leaver"])
    admin.set_setting("kept", "值")
    admin.close()
    return folder.path, key


def copy(template: tuple[Path, str], target: Path) -> VaultFolder:
    shutil.copytree(template[0], target)
    # Production KDF for the passwords in the slots; a cheap one for slots made in checks.
    return VaultFolder(target, OFF, kdf=KdfParams.cheap_for_tests())


def assert_everyone_gets_in(folder: VaultFolder, key: str, users: tuple[str, ...],
                            note: str) -> None:
    for user in users:
        vault = folder.unlock(user, PASSWORDS[user])
        assert vault.setting("kept") == "值", note
        vault.close()
    recovered = folder.recover(key, "admin", "recovered-pass-1")
    assert recovered.setting("kept") == "值", note
    assert recovered.audit.verify().ok, note
    failed = [e for e in recovered.audit.events(limit=100)
              if (e.action, e.object_id, e.outcome) == ("login", "wangli", "failed")]
    assert len(failed) == 1, note  # the mistyped password is in the audit, once
    recovered.close()


def race(template: tuple[Path, str], work: Path, offset: float,
         *argv: str) -> tuple[VaultFolder, str]:
    """Start the admin's `xinhe ARGV` and, `offset` seconds later, wangli mistyping a
    password; both must end as a user expects them to."""
    folder = copy(template, work)
    admin = xinhe(*argv, vault=work, user="admin", stdin=PASSWORDS["admin"] + "\n")
    time.sleep(offset)
    wrong = xinhe("cases", "list", vault=work, user="wangli", stdin="wrong-password\n")
    code, _, err = finish(wrong)
    note = f"{' '.join(argv)}, wrong password {offset} s later"
    assert code == 1 and "用户名或密码不正确" in err, f"{note}: {err}"
    code, _, err = finish(admin)
    assert code == 0, f"{note}: {err}"
    slots = folder.load_slots()
    assert slots.generation == 2, note  # the re-key happened
    assert slots.lockout["wangli"].failures == 1, note  # and the failure was not lost
    return folder, note


@pytest.mark.slow_kdf
@pytest.mark.parametrize("offset", [0.1, 0.35, 0.6, 0.85])
def test_a_wrong_password_during_a_rekey_leaves_every_key_working(
        template: tuple[Path, str], tmp_path: Path, offset: float) -> None:
    folder, note = race(template, tmp_path / "v", offset, "rekey")
    assert_everyone_gets_in(folder, template[1], ("admin", "wangli", "leaver"), note)


@pytest.mark.slow_kdf
@pytest.mark.parametrize("offset", [0.2, 0.5, 0.8])
def test_a_wrong_password_while_a_user_is_removed_leaves_every_key_working(
        template: tuple[Path, str], tmp_path: Path, offset: float) -> None:
    folder, note = race(template, tmp_path / "v", offset, "users", "remove", "leaver")
    assert "leaver" not in folder.load_slots().users, note
    assert_everyone_gets_in(folder, template[1], ("admin", "wangli"), note)
    with pytest.raises(WrongPassword):
        folder.unlock("leaver", PASSWORDS["leaver"])


@pytest.mark.slow_kdf
def test_parallel_wrong_passwords_are_stopped_at_the_lockout_and_all_audited(
        template: tuple[Path, str], tmp_path: Path) -> None:
    folder = copy(template, tmp_path / "v")
    kdf_runs = tmp_path / "kdf-runs"
    procs = [child("attempt", folder.path, "wangli", XINHE_KDF_COUNT=str(kdf_runs))
             for _ in range(12)]
    assert [read_line(p) for p in procs] == ["ready"] * 12
    for proc in procs:  # all twelve at once, as fast as pipes go
        assert proc.stdin is not None
        proc.stdin.write("wrong-password\n")
        proc.stdin.flush()
    results = [finish(p) for p in procs]
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    outcomes = Counter(out.strip() for _, out, _ in results)
    # Only five passwords were ever tried against the slot (each KDF run is counted by
    # the child that ran it); the other seven were refused as locked without one.
    evaluated = kdf_runs.read_text().split()
    assert len(evaluated) == LOCKOUT_THRESHOLD
    assert outcomes == {"wrong_password": LOCKOUT_THRESHOLD - 1,
                        "account_locked": 12 - LOCKOUT_THRESHOLD + 1}
    slots = folder.load_slots()
    assert slots.lockout["wangli"].failures == LOCKOUT_THRESHOLD
    assert folder.lockout_until("wangli") is not None
    queued = Counter((e["action"], e["outcome"]) for e in slots.pending_audit)
    assert queued[("login", "failed")] == LOCKOUT_THRESHOLD
    assert queued[("login", "refused:locked")] == 12 - LOCKOUT_THRESHOLD
    # The next unlock moves every one of the twelve into the audit chain.
    admin = folder.unlock("admin", PASSWORDS["admin"])
    try:
        logged = Counter((e.action, e.outcome) for e in admin.audit.events(limit=200)
                         if e.object_id == "wangli")
        assert logged[("login", "failed")] + logged[("login", "refused:locked")] == 12
        assert logged[("account.locked", f"until {slots.lockout['wangli'].locked_until}")] == 1
        assert admin.audit.verify().ok
    finally:
        admin.close()
    assert folder.load_slots().pending_audit == []


@pytest.mark.slow_kdf
def test_a_rekey_is_refused_while_the_vault_is_open_elsewhere(
        template: tuple[Path, str], tmp_path: Path) -> None:
    folder = copy(template, tmp_path / "v")
    holder = child("hold", folder.path, "wangli")
    assert holder.stdin is not None
    holder.stdin.write(PASSWORDS["wangli"] + "\nset before 1\n")
    holder.stdin.flush()
    assert [read_line(holder), read_line(holder)] == ["open", "ok"]
    for argv in (("rekey",), ("users", "remove", "leaver")):
        code, _, err = finish(xinhe(*argv, vault=folder.path, user="admin",
                                    stdin=PASSWORDS["admin"] + "\n"))
        assert code == 1 and IN_USE_ZH in err and err.count("\n") == 1, err
    slots = folder.load_slots()
    assert slots.generation == 1 and "leaver" in slots.users  # nothing half done
    # The open session goes on writing to the same vault.db, and nothing is lost.
    holder.stdin.write("set after 2\nclose\n")
    holder.stdin.flush()
    assert [read_line(holder), read_line(holder)] == ["ok", "closed"]
    assert holder.wait(timeout=60) == 0
    code, _, err = finish(xinhe("users", "remove", "leaver", vault=folder.path, user="admin",
                                stdin=PASSWORDS["admin"] + "\n"))
    assert code == 0, err
    vault = folder.unlock("wangli", PASSWORDS["wangli"])
    try:
        assert (vault.setting("before"), vault.setting("after")) == ("1", "2")
        assert vault.slots.generation == 2
        assert "leaver" not in [u.username for u in AccountService(vault).users()]
    finally:
        vault.close()


def test_an_unlock_waits_for_a_rekey_in_progress(tmp_path: Path) -> None:
    folder = VaultFolder(tmp_path / "v", OFF, kdf=KdfParams.cheap_for_tests())
    folder.create("机构", "admin", "管理员", PASSWORDS["admin"])[0].close()
    with exclusive(folder.path):  # what a re-key in another program holds while it works
        proc = child("attempt", folder.path, "admin")
        assert read_line(proc) == "ready"
        assert proc.stdin is not None
        proc.stdin.write(PASSWORDS["admin"] + "\n")
        proc.stdin.flush()
        time.sleep(1.5)
        assert proc.poll() is None  # the password was right; it waits to open the vault
    code, out, err = finish(proc)
    assert (code, out.strip()) == (0, "ok"), err


def test_a_restore_does_not_replace_a_vault_open_elsewhere(tmp_path: Path) -> None:
    binding = DeviceBinding(InMemoryKeyring())
    source = VaultFolder(tmp_path / "source", binding, kdf=KdfParams.cheap_for_tests())
    vault, key = source.create("机构", "admin", "管理员", PASSWORDS["admin"])
    made = backup.make_backup(vault, tmp_path / "b.xhbak").path
    vault.close()
    target = VaultFolder(tmp_path / "target", OFF, kdf=KdfParams.cheap_for_tests())
    target.create("别的机构", "admin", "管理员", PASSWORDS["admin"])[0].close()
    holder = child("hold", target.path, "admin")
    assert holder.stdin is not None
    holder.stdin.write(PASSWORDS["admin"] + "\n")
    holder.stdin.flush()
    assert read_line(holder) == "open"
    with pytest.raises(VaultInUse) as info:
        restore.restore_backup(made, key, target.path, OFF, replace=True)
    assert "close it and try again" in info.value.message("en")
    holder.stdin.write("set still here\nclose\n")
    holder.stdin.flush()
    assert [read_line(holder), read_line(holder)] == ["ok", "closed"]
    holder.wait(timeout=60)
    assert [p.name for p in tmp_path.iterdir() if "target" in p.name] == ["target"]
    reopened = target.unlock("admin", PASSWORDS["admin"])
    assert reopened.org_name == "别的机构" and reopened.setting("still") == "here"
    reopened.close()
    restore.restore_backup(made, key, target.path, OFF, replace=True)  # closed: it goes
