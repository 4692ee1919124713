"""kill -9 at random points of a backup, a restore and a re-key (real child processes):
afterwards the vault always opens — the old one or the new one, never neither — and a
backup file under its final name is always a complete, verified one.

Kill points are drawn at random, one from each equal stretch of the operation's steps
(see crash_child.py); the seed is in every failure message, to replay a run.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_backup import add_casework, tiny_png

from conftest import Studio
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import backup, restore
from xinhe.records.vault import Vault, VaultFolder

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")

CHILD = Path(__file__).with_name("crash_child.py")
ADMIN_PASSWORD = "admin-pass-1"  # as in crash_child.py
OLD_PASSWORD = "old-vault-pass"
# Kills at step points per operation, plus one at a random time. XINHE_CRASH_RUNS=1000
# sweeps every step (a minute or two).
RUNS = int(os.environ.get("XINHE_CRASH_RUNS", "3"))
OFF = DeviceBinding.off("crash test")


def child(*args: object, crash_at: int = 0, stdin: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "XINHE_CRASH_AT": str(crash_at), "XINHE_TEST_FAST_KDF": "1"}
    return subprocess.Popen([sys.executable, str(CHILD), *map(str, args)], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = proc.communicate(stdin, timeout=60)
    return proc.returncode, out, err


def kill_points(total: int, rng: random.Random) -> list[int]:
    """One point from each of RUNS equal stretches of 1..total."""
    if total <= RUNS:
        return list(range(1, total + 1))
    edges = [1 + total * i // RUNS for i in range(RUNS + 1)]
    return [rng.randrange(lo, max(lo + 1, hi))
            for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    """A closed vault (binding off) with casework and ~1 MB of photos; its recovery key;
    its number of cases."""
    root = tmp_path_factory.mktemp("crash")
    folder = VaultFolder(root / "vault", OFF, kdf=KdfParams.cheap_for_tests())
    admin, key = folder.create("馨和家园工作室", "admin", "管理员", ADMIN_PASSWORD)
    studio = Studio(folder, admin)
    try:
        add_casework(studio)
        case = studio.new_case(studio.wang, name="赵某")
        for n in range(3):
            studio.wang.attachments.add(case.id, kind="injury_photo", filename=f"{n}.png",
                                        data=tiny_png(os.urandom(300_000)))
        admin.set_setting("kept", "值")
    finally:
        studio.close()
    return folder.path, key, 2


def copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def open_admin(path: Path, password: str = ADMIN_PASSWORD) -> Vault:
    return VaultFolder(path, OFF).unlock("admin", password)


def assert_usable(vault: Vault, cases: int, note: str) -> None:
    try:
        assert vault.audit.verify().ok, note
        assert vault.db.scalar("SELECT count(*) FROM cases") == cases, note
        assert vault.db.scalar("PRAGMA integrity_check") == "ok", note
    finally:
        vault.close()


def test_kill_9_during_backup(template: tuple[Path, str, int], tmp_path: Path) -> None:
    source, key, cases = template
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)
    code, out, err = finish(child("backup", copy(source, tmp_path / "count"),
                                  tmp_path / "count.xhbak"))
    assert code == 0, err
    total = int(out)
    started = time.monotonic()
    for run, at in enumerate([*kill_points(total, rng), -1]):
        note = f"seed {seed}, step {at} of {total}"
        work = copy(source, tmp_path / f"v{run}")
        dest = tmp_path / f"b{run}.xhbak"
        if at > 0:
            code, _, err = finish(child("backup", work, dest, crash_at=at))
            assert code == -9, f"{note}: {err}"
        else:  # one kill at a random moment, not at a counted step
            proc = child("backup", work, dest)
            time.sleep(rng.uniform(0.15, 0.15 + (time.monotonic() - started) / RUNS / 2))
            proc.kill()
            finish(proc)
        vault = open_admin(work)
        assert_usable(vault, cases, note)
        if dest.exists():  # a file under the final name is always a whole, sound backup
            assert restore.verify_backup(dest, key).counts["cases"] == cases, note
        # The next backup clears what the killed one left and works.
        vault = open_admin(work)
        try:
            backup.make_backup(vault, dest, overwrite=True)
        finally:
            vault.close()
        assert [p.name for p in work.iterdir() if p.name.startswith(".backup-")] == [], note
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(f".{dest.name}")] \
            == [], note


def test_kill_9_during_restore(template: tuple[Path, str, int], tmp_path: Path) -> None:
    source, key, cases = template
    made = tmp_path / "b.xhbak"
    vault = open_admin(copy(source, tmp_path / "origin"))
    try:
        backup.make_backup(vault, made)
    finally:
        vault.close()
    old = VaultFolder(tmp_path / "old", OFF, kdf=KdfParams.cheap_for_tests())
    old.create("旧机构", "admin", "管理员", OLD_PASSWORD)[0].close()
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)
    code, out, err = finish(child("restore", made, copy(old.path, tmp_path / "count")),
                            f"{key}\n")
    assert code == 0, err
    total = int(out)
    for run, at in enumerate([*kill_points(total, rng), -1]):
        note = f"seed {seed}, step {at} of {total}"
        target = copy(old.path, tmp_path / "runs" / f"t{run}")
        if at > 0:
            code, _, err = finish(child("restore", made, target, crash_at=at), f"{key}\n")
            assert code == -9, f"{note}: {err}"
        else:
            proc = child("restore", made, target)
            proc.stdin.write(f"{key}\n")  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
            time.sleep(rng.uniform(0.1, 0.4))
            proc.kill()
            finish(proc)
        restore.finish_interrupted_restore(target)  # what the next start does
        assert not restore.staging_dir(target).exists(), note
        try:
            restored = open_admin(target)
        except Exception:  # noqa: BLE001 (then it must be the old vault, intact)
            assert_usable(open_admin(target, OLD_PASSWORD), 0, note)
            continue
        assert_usable(restored, cases, note)
        asides = [p for p in target.parent.iterdir() if p.name.startswith(f"t{run}.replaced")]
        assert len(asides) == 1, note  # the vault that was there, kept aside and whole
        assert_usable(open_admin(asides[0], OLD_PASSWORD), 0, note)


def test_kill_9_during_rekey(template: tuple[Path, str, int], tmp_path: Path) -> None:
    source, key, cases = template
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)
    code, out, err = finish(child("rekey", copy(source, tmp_path / "count")))
    assert code == 0, err
    total = int(out)
    for run, at in enumerate([*kill_points(total, rng), -1]):
        note = f"seed {seed}, step {at} of {total}"
        work = copy(source, tmp_path / f"v{run}")
        if at > 0:
            code, _, err = finish(child("rekey", work, crash_at=at))
            assert code == -9, f"{note}: {err}"
        else:
            proc = child("rekey", work)
            time.sleep(rng.uniform(0.1, 0.3))
            proc.kill()
            finish(proc)
        folder = VaultFolder(work, OFF, kdf=KdfParams.cheap_for_tests())
        for user, password in (("admin", ADMIN_PASSWORD), ("wang", Studio.PASSWORDS["wang"])):
            vault = folder.unlock(user, password)
            assert vault.setting("kept") == "值", note
            assert vault.slots.users[user].next_db_key is None, note
            assert_usable(vault, cases, note)
        assert_usable(folder.recover(key, "admin", "after-crash-pass"), cases, note)
        assert not (work / VaultFolder.REKEY_NAME).exists(), note
