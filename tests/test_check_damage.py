"""Damage in vault.db is found and reported as damage, in one line: `xinhe check`, a
backup of a damaged vault, the daily check in the app; a damaged keyslots.json; and
`xinhe search -`, which keeps the search words off the command line."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD, Studio
from test_cli import ROOT, Run
from ui_helpers import running_app, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.crypto.keyslots import KeySlotFile
from xinhe.errors import VaultDamaged
from xinhe.records.vault import VaultFolder

PAGE = 4096
WANG = Studio.PASSWORDS["wang"]


def photo(size: int) -> bytes:
    """A PNG of about `size` bytes (an injury photo as a phone makes it: big, incompressible)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", os.urandom(size)) + chunk(b"IEND", b""))


def grow_and_close(studio: Studio) -> tuple[int, int]:
    """Add a 1.5 MB photo to a case, close every connection; the byte range of vault.db
    the photo's pages were added in."""
    case = studio.new_case(studio.wang)
    before = studio.folder.db_path.stat().st_size
    studio.wang.attachments.add(case.id, kind="injury_photo", filename="伤情.png",
                                data=photo(1_500_000))
    studio.close()
    assert not studio.folder.path.joinpath("vault.db-wal").exists() or \
        studio.folder.path.joinpath("vault.db-wal").stat().st_size == 0
    return before, studio.folder.db_path.stat().st_size


def flip_middle_byte(db_path: Path) -> int:
    """Flip one bit in a page in the middle of the file; returns the byte's offset."""
    pages = db_path.stat().st_size // PAGE
    offset = (pages // 2) * PAGE + 1000
    with open(db_path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)[0]
        handle.seek(offset)
        handle.write(bytes([byte ^ 0x01]))
    return offset


@pytest.fixture
def damaged(studio: Studio) -> VaultFolder:
    """A vault whose middle page fails its check; the photo holds that page, so the
    vault still unlocks and lists its cases as if nothing were wrong."""
    start, end = grow_and_close(studio)
    assert start < flip_middle_byte(studio.folder.db_path) < end
    return studio.folder


def one_line(text: str) -> str:
    assert text.count("\n") == 1 and text.endswith("\n") and "Traceback" not in text, text
    return text.strip()


def test_check_reports_a_flipped_byte_in_one_line(damaged: VaultFolder,
                                                  binding: DeviceBinding) -> None:
    run = Run(damaged.path, binding)
    # What went unseen before: an ordinary command still succeeds on this vault.
    code, out, _ = run("cases", "list", "--user", "wang", stdin=WANG + "\n")
    assert code == 0 and "1 个个案" in out
    code, out, err = run("check", "--user", "admin", stdin=ADMIN_PASSWORD + "\n")
    assert code == 1 and out == ""
    line = one_line(err)
    assert "数据库已损坏" in line and "1 个数据页未通过校验" in line and "备份恢复" in line
    code, out, err = run("check", "--user", "admin", "--json", "--lang", "en",
                         stdin=ADMIN_PASSWORD + "\n")
    found = json.loads(out)
    assert code == 1 and found["ok"] is False and found["damaged_pages"] == 1
    assert "The vault is damaged" in one_line(err) and "backup" in err


def test_backup_of_a_damaged_vault_is_damage_not_a_traceback(
        damaged: VaultFolder, binding: DeviceBinding, tmp_path: Path) -> None:
    run = Run(damaged.path, binding)
    usb = tmp_path / "usb"
    usb.mkdir()
    code, out, err = run("backup", str(usb / "studio.xhbak"), "--user", "admin",
                         stdin=ADMIN_PASSWORD + "\n")
    assert code == 1 and out == ""
    assert "数据库已损坏" in one_line(err) and "备份恢复" in err
    assert list(usb.iterdir()) == []  # no backup, no partial file
    assert sorted(p.name for p in damaged.path.iterdir()  # lock files are not data
                  if p.is_file() and p.suffix != ".lock") == \
        ["keyslots.json", "vault.db"]


def test_backup_of_a_damaged_vault_as_the_real_command(tmp_path: Path) -> None:
    """The installed command, in its own process, without a keyring (as on a server)."""
    folder = VaultFolder(tmp_path / "plain", DeviceBinding.off(),
                         kdf=KdfParams.cheap_for_tests())
    vault, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    grow_and_close(Studio(folder, vault))
    flip_middle_byte(folder.db_path)
    env = {**os.environ, "XINHE_LANG": "en",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    proc = subprocess.run([sys.executable, "-m", "xinhe", "backup", str(tmp_path / "b.xhbak"),
                           "--vault", str(folder.path), "--user", "admin"],
                          input=ADMIN_PASSWORD + "\n", capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    assert one_line(proc.stderr).startswith("The vault is damaged")
    assert not (tmp_path / "b.xhbak").exists()


def test_an_intact_vault_checks_clean(studio: Studio, binding: DeviceBinding) -> None:
    grow_and_close(studio)
    run = Run(studio.folder.path, binding)
    code, out, err = run("check", "--user", "admin", stdin=ADMIN_PASSWORD + "\n")
    assert code == 0 and err == ""
    assert "数据库完好" in one_line(out)
    code, out, _ = run("check", "--user", "admin", "--json", stdin=ADMIN_PASSWORD + "\n")
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, err = run("check", "--user", "wang", stdin=WANG + "\n")
    assert code == 1 and "没有权限" in one_line(err)  # the check is the administrator's
    vault = studio.folder.unlock("admin", ADMIN_PASSWORD)
    try:
        checks = vault.audit.events(action_prefix="vault.check")[::-1]
    finally:
        vault.close()
    assert [(e.user, e.outcome) for e in checks] == [("admin", "ok"), ("admin", "ok")]


@pytest.mark.parametrize("content", [
    b"[" * 200_000 + b"]" * 200_000,  # deeper than Python's JSON parser goes
    b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    b"[]", b"42", b'"keyslots"', b"\xff\xfe", b"",
])
def test_a_malformed_keyslots_file_is_damaged(folder: VaultFolder, vault: object,
                                              binding: DeviceBinding, content: bytes) -> None:
    folder.slots_path.write_bytes(content)
    with pytest.raises(VaultDamaged) as caught:
        KeySlotFile.load(folder.slots_path)
    assert "keyslots.json" in caught.value.message()
    code, out, err = Run(folder.path, binding)("users", "list", "--user", "admin",
                                                stdin=ADMIN_PASSWORD + "\n")
    assert code == 1 and out == ""
    assert "keyslots.json 已损坏" in one_line(err)


def test_a_huge_keyslots_file_is_damaged_without_reading_it(folder: VaultFolder,
                                                            vault: object) -> None:
    with open(folder.slots_path, "r+b") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(VaultDamaged):
        KeySlotFile.load(folder.slots_path)


def test_a_well_checksummed_slot_file_with_wrong_types_is_damaged(folder: VaultFolder,
                                                                  vault: object) -> None:
    """Someone edited the file and fixed up its checksum: still damage, not a crash."""
    import hashlib

    from xinhe.crypto.keyslots import canonical_json

    good = json.loads(folder.slots_path.read_text())
    for field, value in (("lockout", []), ("pending_audit", "x"), ("pending_audit", [1]),
                         ("lockout", {"admin": {"failures": 1, "locked_until": "2026-03-02"}}),
                         ("users", [{"user": "admin"}]), ("generation", 1e999)):
        body = {k: v for k, v in good.items() if k != "checksum"}
        body[field] = value
        body["checksum"] = hashlib.sha256(canonical_json(body)).hexdigest()
        folder.slots_path.write_text(json.dumps(body))
        with pytest.raises(VaultDamaged):
            KeySlotFile.load(folder.slots_path)


def test_search_reads_its_words_from_standard_input(run_demo: Run) -> None:
    with_argument = run_demo("search", "当事人", "--user", "zhoujing", "--json",
                             stdin="xinhe-zhoujing\n")
    from_stdin = run_demo("search", "-", "--user", "zhoujing", "--json",
                          stdin="xinhe-zhoujing\n当事人\n")
    assert with_argument[0] == from_stdin[0] == 0
    assert json.loads(from_stdin[1]) == json.loads(with_argument[1]) != []
    code, out, err = run_demo("search", "-", "--user", "zhoujing", stdin="xinhe-zhoujing\n")
    assert code == 1 and out == "" and "搜索内容" in one_line(err)
    # The query is never taken for the password: the password comes first.
    code, _, err = run_demo("search", "-", "--user", "zhoujing", stdin="当事人\nxinhe-zhoujing\n")
    assert code == 1 and "密码不正确" in one_line(err)


@pytest.fixture
def run_demo(tmp_path: Path, binding: DeviceBinding) -> Run:
    run = Run(tmp_path / "demo", binding)
    code, _, err = run("demo", "--cases", "12", "--seed", "5")
    assert code == 0, err
    return run


# -- the daily check in the app ------------------------------------------------------------

def app_folder(folder: VaultFolder) -> VaultFolder:
    return VaultFolder(folder.path, folder.binding, kdf=KdfParams.cheap_for_tests(),
                       clock=folder.clock, workstation="ui")


def sign_in_and_check(qtbot: QtBot, app: object, user: str, password: str) -> object:
    """Sign in through the unlock window; the main window's notice once its check is back."""
    from test_ui_backup import sign_in

    window = sign_in(qtbot, app, user, password)
    notice = window.integrity_notice
    qtbot.waitUntil(lambda: notice.finished, timeout=20_000)
    wait_idle(qtbot, app)
    return window


def test_the_admin_sees_the_damage_the_daily_check_found(qtbot: QtBot,
                                                         damaged: VaultFolder) -> None:
    with running_app(app_folder(damaged)) as app:
        window = sign_in_and_check(qtbot, app, "admin", ADMIN_PASSWORD)
        notice = window.integrity_notice
        assert notice.isVisible() and notice.report is not None and not notice.report.ok
        text = notice.text.text()
        assert "损坏" in text and "备份恢复" in text and "告知管理员" not in text
        app.lock()
        # Damage is checked, and shown, at every unlock until the vault is restored.
        window = sign_in_and_check(qtbot, app, "wang", WANG)
        notice = window.integrity_notice
        assert notice.isVisible() and "请立即告知管理员" in notice.text.text()


def test_the_daily_check_runs_once_a_day(qtbot: QtBot, studio: Studio) -> None:
    grow_and_close(studio)
    folder = app_folder(studio.folder)
    with running_app(folder) as app:
        window = sign_in_and_check(qtbot, app, "admin", ADMIN_PASSWORD)
        assert window.integrity_notice.report.ok and not window.integrity_notice.isVisible()
        assert "未发现损坏" in window.statusBar().currentMessage()
        app.lock()
        window = sign_in_and_check(qtbot, app, "wang", WANG)
        assert window.integrity_notice.report is None  # already checked today
        app.lock()
        folder.clock.advance(days=1)
        window = sign_in_and_check(qtbot, app, "wang", WANG)
        notice = window.integrity_notice
        assert notice.report.ok and not notice.isVisible()
        assert window.statusBar().currentMessage() == ""  # quiet for other roles when ok
    vault = studio.folder.unlock("admin", ADMIN_PASSWORD)
    try:
        checks = [(e.user, e.object_id, e.outcome)
                  for e in vault.audit.events(action_prefix="vault.check")[::-1]]
    finally:
        vault.close()
    assert checks == [("admin", "daily", "ok"), ("wang", "daily", "ok")]


def test_after_damage_is_found_saves_say_damaged(damaged: VaultFolder) -> None:
    from xinhe.errors import DamageFound
    from xinhe.records.integrity import check_vault

    vault = damaged.unlock("admin", ADMIN_PASSWORD)
    try:
        assert not check_vault(vault).ok
        with pytest.raises(DamageFound) as caught:
            vault.set_setting("backup.remind_days", "3")
        assert "备份恢复" in caught.value.message()
    finally:
        vault.close()
