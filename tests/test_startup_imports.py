"""Start-up loads only what its first window or command needs: the unlock window shows
without the signing, PDF and network libraries, the CLI's commands, charts or PDF viewing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records.vault import VaultFolder

ROOT = Path(__file__).resolve().parent.parent
NOT_AT_START = ("pyhanko", "reportlab", "aiohttp", "PySide6.QtCharts", "PySide6.QtPdf",
                "xinhe.export", "xinhe.cli.accounts", "xinhe.cli.casework",
                "xinhe.cli.referrals", "xinhe.cli.signing", "xinhe.cli.stats",
                "xinhe.cli.maintenance",
                "portalocker")  # file locks load at the first lock (unlocking), not before

# Runs the real entry point; when the first window is up, reports it and what is loaded.
DESKTOP_PROBE = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])

def report():
    shown = [type(w).__name__ for w in app.topLevelWidgets() if w.isVisible()]
    print(json.dumps({"shown": shown, "modules": sorted(sys.modules)}), flush=True)
    app.quit()

QTimer.singleShot(0, report)
from xinhe.app import main
main(["--vault", sys.argv[1]])
"""

# What every start reads before it knows whether a command or the desktop app was asked for.
PARSER_PROBE = """
import json, sys
from xinhe import cli
cli.build_parser().parse_args(sys.argv[1:])
print(json.dumps({"modules": sorted(sys.modules)}))
"""
# The vault's own modules: SQLCipher, the cipher, the KDF, the restore and account code.
VAULT_MODULES = ("sqlcipher3", "cryptography", "argon2", "dateutil", "xinhe.records.vault",
                 "xinhe.records.restore", "xinhe.records.accounts", "xinhe.records.db",
                 "xinhe.crypto.keyslots")

CLI_PROBE = """
import io, json, sys
from xinhe import cli
args = cli.build_parser().parse_args(sys.argv[1:])
code = cli.run(args, cli.Io(io.StringIO(), io.StringIO(), io.StringIO()))
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


# Needed to unlock, not to show the unlock window: SQLCipher, the cipher and the KDF, the
# keyring (its search runs once the window is up), the account, audit, backup and restore
# code, and the screens and operations that come after it.
UNLOCK_ONLY = ("sqlcipher3", "cryptography", "argon2", "keyring", "jaraco", "secretstorage",
               "xinhe.records.db", "xinhe.records.audit", "xinhe.records.accounts",
               "xinhe.records.backup", "xinhe.records.restore.", "xinhe.records.vault_open",
               "xinhe.records.vault_session", "xinhe.ui.setup_wizard", "xinhe.ui.context",
               "xinhe.ui.operations.maintenance")


def loaded(modules: list[str]) -> list[str]:
    return [m for m in modules if m.startswith(NOT_AT_START)]


def unlock_only(modules: list[str]) -> list[str]:
    return [m for m in modules if f"{m}.".startswith(UNLOCK_ONLY)]


def run_probe(code: str, *args: str) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_unlock_window_shows_without_heavy_modules(tmp_path: Path) -> None:
    folder = VaultFolder(tmp_path / "vault", DeviceBinding.off("test"),
                         kdf=KdfParams.cheap_for_tests())
    folder.create("Studio", "admin", "Admin", "admin-password")[0].close()
    result = run_probe(DESKTOP_PROBE, str(folder.path))
    assert result["shown"] == ["UnlockWindow"]
    modules = result["modules"]
    assert isinstance(modules, list)
    assert "xinhe.ui.unlock_window" in modules
    assert loaded(modules) == []
    assert unlock_only(modules) == []
    # The window's login names come from keyslots.json, read without the cipher.
    assert "xinhe.crypto.keyslots" in modules
    # Only desktop options were given: no command's parser was built.
    assert [m for m in modules if m.startswith(("xinhe.cli.parsers",
                                                "xinhe.records.platform_contract"))] == []


DESKTOP_ARGVS = [[], ["--vault", "/tmp/v"], ["--vault=/tmp/v", "--lang", "en"], ["--demo"],
                 ["--lang=zh_CN", "--demo", "--vault", "users"], ["--server", "dsn", "--json"],
                 ["--user", "wang", "--lang", "en", "--lang", "zh_CN"]]
NOT_DESKTOP = [["users", "list"], ["--help"], ["-h"], ["--version"], ["--lan", "en"],
               ["--lang", "fr"], ["--vault"], ["--demo", "stats"], ["--", "x"], ["-x"],
               ["--vault", "v", "templates", "check"]]


@pytest.mark.parametrize("argv", DESKTOP_ARGVS)
def test_desktop_options_are_read_as_the_whole_command_line_reads_them(
        argv: list[str]) -> None:
    from xinhe import app, cli

    whole = cli.build_parser()
    app._desktop_options(whole)
    assert cli.desktop_args(argv, app._desktop_options) == whole.parse_args(argv)


@pytest.mark.parametrize("argv", NOT_DESKTOP)
def test_anything_more_than_desktop_options_goes_to_the_whole_parser(argv: list[str]) -> None:
    from xinhe import app, cli

    assert cli.desktop_args(argv, app._desktop_options) is None


@pytest.mark.parametrize(("argv", "code", "stream", "text"), [
    (["--help"], 0, "stdout", "COMMAND"), (["--lang", "fr"], 2, "stderr", "invalid choice"),
    (["--vaul"], 2, "stderr", "expected one argument"), (["nonsense"], 2, "stderr",
                                                         "invalid choice")])
def test_the_command_line_still_gives_its_help_and_errors(argv: list[str], code: int,
                                                          stream: str, text: str) -> None:
    out = subprocess.run([sys.executable, "main.py", *argv], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == code
    assert text in getattr(out, stream)
    if code == 0:
        assert "--demo" in out.stdout and "templates" in out.stdout


# Runs the real entry point; at the window's first pass, then once its keyring note shows,
# reports what it shows and what is loaded; then signs in as a person would.
KEYRING_PROBE = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
seen = {}

def unlock_window():
    return next(w for w in app.topLevelWidgets() if type(w).__name__ == "UnlockWindow")

def at_show():
    seen["note_at_show"] = unlock_window().binding.text()
    seen["keyring_at_show"] = "keyring" in sys.modules
    QTimer.singleShot(20, wait_for_note)

def wait_for_note():
    window = unlock_window()
    if not window.binding.text():
        QTimer.singleShot(20, wait_for_note)
        return
    seen["note"] = window.binding.text()
    seen["keyring_after"] = "keyring" in sys.modules
    window.user.setCurrentText("admin")
    window.password.setText("admin-password")
    window.unlock_button.click()
    QTimer.singleShot(20, wait_for_main)

def wait_for_main():
    shown = [type(w).__name__ for w in app.topLevelWidgets() if w.isVisible()]
    if "MainWindow" not in shown:
        QTimer.singleShot(20, wait_for_main)
        return
    print(json.dumps(seen), flush=True)
    app.closeAllWindows()
    app.quit()

QTimer.singleShot(0, at_show)
from xinhe.app import main
main(["--vault", sys.argv[1], "--lang", "en"])
"""


def test_the_keyring_is_looked_up_once_the_unlock_window_is_up(tmp_path: Path) -> None:
    folder = VaultFolder(tmp_path / "vault", DeviceBinding.off("test"),
                         kdf=KdfParams.cheap_for_tests())
    folder.create("Studio", "admin", "Admin", "admin-password")[0].close()
    result = run_probe(KEYRING_PROBE, str(folder.path))
    # Not "off" while it is being looked up: the note is empty until the answer is known.
    assert result["note_at_show"] == ""
    assert result["keyring_at_show"] is False
    assert result["keyring_after"] is True
    note = result["note"]
    assert isinstance(note, str)
    assert note == "Workstation binding: on." or note.startswith("Workstation binding is off")


def test_a_command_loads_only_its_own_module(tmp_path: Path) -> None:
    result = run_probe(CLI_PROBE, "templates", "check")
    assert result["code"] == 0
    modules = result["modules"]
    assert isinstance(modules, list)
    assert loaded(modules) == ["xinhe.cli.casework"]


@pytest.mark.parametrize("argv", [[], ["users", "add", "x", "--role", "counsellor"],
                                  ["stats", "--preset", "ytd"]])
def test_reading_the_command_line_loads_no_vault_code(argv: list[str]) -> None:
    # The roles and preset periods the parser offers come from light modules.
    result = run_probe(PARSER_PROBE, *argv)
    modules = result["modules"]
    assert isinstance(modules, list)
    assert "xinhe.cli.parsers" in modules
    assert [m for m in modules if m.startswith(VAULT_MODULES)] == []


# Signs in as the desktop app does (on its database thread), then asks for the signing
# identity once, as the referral screens do.
SIGN_IN_PROBE = """
import json, sys
from xinhe.crypto.binding import DeviceBinding
from xinhe.records.vault import VaultFolder
from xinhe.ui.operations.session import _opened
folder = VaultFolder(sys.argv[1], DeviceBinding.off("test"))
folder.load_slots()
opened = _opened(folder.unlock("admin", "admin-password"))
at_sign_in = sorted(sys.modules)
current = opened.services.signing.current()
print(json.dumps({"at_sign_in": at_sign_in, "after": sorted(sys.modules),
                  "identity": current is not None}))
"""
SIGNING_MODULES = ("xinhe.records.signing_store", "xinhe.crypto.signing",
                   "cryptography.x509", "asn1crypto")


def test_signing_in_leaves_the_signing_identity_for_when_it_is_needed(
        tmp_path: Path) -> None:
    folder = VaultFolder(tmp_path / "vault", DeviceBinding.off("test"),
                         kdf=KdfParams.cheap_for_tests())
    folder.create("Studio", "admin", "Admin", "admin-password")[0].close()
    result = run_probe(SIGN_IN_PROBE, str(folder.path))
    at_sign_in, after = result["at_sign_in"], result["after"]
    assert isinstance(at_sign_in, list) and isinstance(after, list)
    assert "xinhe.records.services" in at_sign_in
    assert [m for m in at_sign_in if m.startswith(SIGNING_MODULES)] == []
    assert "xinhe.records.signing_store" in after
    assert result["identity"] is False  # a new vault has none yet; asking loads the store


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_the_app_process_cannot_be_dumped() -> None:
    code = ("import ctypes, resource\n"
            "from xinhe.app import main\n"
            "assert main(['templates', 'check']) == 0\n"
            "dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)\n"  # PR_GET_DUMPABLE
            "print(dumpable, *resource.getrlimit(resource.RLIMIT_CORE))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.split()[-3:] == ["0", "0", "0"]
