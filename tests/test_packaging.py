"""Installable: the wheel in a fresh environment, the data folder and keyring per platform,
the locks Windows can take, old vaults upgraded after their backup, a newer vault refused,
and the packaging files agreeing with the code and with .ci/run."""

from __future__ import annotations

import ast
import configparser
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import portalocker
import pytest

from xinhe import __version__, paths
from xinhe.about import schema_version, sqlcipher_version
from xinhe.crypto.binding import PLATFORM_BACKENDS, SECURE_BACKENDS, DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import VaultTooNew
from xinhe.records.migrations import MIGRATIONS
from xinhe.records.vault import VaultFolder

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "vaults"
PACKAGING = ROOT / "packaging"


def uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


# -- the wheel -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The `bin` folder of a fresh virtual environment with only the built wheel installed
    (its dependencies from the uv cache, held to requirements.lock's versions)."""
    out = tmp_path_factory.mktemp("wheel")
    # Both sdist and wheel: uv builds the wheel from the sdist, so both must carry the data.
    subprocess.run([*uv(), "build", "--quiet", "--out-dir", str(out), str(ROOT)], check=True,
                   timeout=300)
    wheel = next(out.glob("xinhe-*.whl"))
    venv = out / "venv"
    subprocess.run([*uv(), "venv", "--quiet", "--python", sys.executable, str(venv)],
                   check=True, timeout=120)
    subprocess.run([*uv(), "pip", "install", "--quiet", "--offline",
                    "--python", str(venv / "bin" / "python"), str(wheel),
                    "-c", str(ROOT / "requirements.lock")], check=True, timeout=300)
    yield venv / "bin"


def run_installed(bin_dir: Path, cwd: Path, *args: str, stdin: str = "",
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Run outside the source tree, so only the installed package can be imported.
    return subprocess.run([str(bin_dir / "xinhe"), *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                               "HOME": str(cwd), **(env or {})})


def test_the_wheel_gives_a_working_command_and_desktop_app(installed: Path,
                                                           tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c",
                            "import xinhe.paths as p; print(p.resources_dir())"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)

    version = run_installed(installed, tmp_path, "--version")
    assert version.returncode == 0
    assert version.stdout.strip() == (f"xinhe {__version__} (schema {MIGRATIONS[-1].version}, "
                                      f"SQLCipher {sqlcipher_version()})")

    check = run_installed(installed, tmp_path, "--lang", "en", "templates", "check")
    assert check.returncode == 0, check.stderr
    for template in ("general_intake", "dv_intake", "phq9", "session_note"):
        assert template in check.stdout

    # The production KDF: the demo as a studio would first meet it.
    demo = run_installed(installed, tmp_path, "--lang", "en", "demo", "--vault", "demo")
    assert demo.returncode == 0, demo.stderr
    assert "wangli / xinhe-wangli" in demo.stdout
    cases = run_installed(installed, tmp_path, "cases", "list", "--vault", "demo",
                          "--user", "wangli", stdin="xinhe-wangli\n")
    assert cases.returncode == 0 and "XH-" in cases.stdout

    shown = run_installed(installed, tmp_path, "--vault", "demo",
                          env={"XINHE_STARTUP_PROBE": "1"})
    assert "SHOWN UnlockWindow" in shown.stdout, shown.stderr


def test_a_broken_resource_folder_is_reported_by_name(installed: Path, tmp_path: Path) -> None:
    resources = Path(subprocess.run(
        [str(installed / "python"), "-c", "import xinhe.paths as p; print(p.resources_dir())"],
        cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip())
    font = resources / "fonts" / "wqy-microhei.ttc"
    aside = tmp_path / "font-aside"
    font.rename(aside)
    try:
        for args in (("--lang", "en", "templates", "check"), ("--lang", "en")):
            broken = run_installed(installed, tmp_path, *args,
                                   env={"XINHE_STARTUP_PROBE": "1"})
            assert broken.returncode == 1
            # The desktop app, started from a menu, also says it in a window.
            assert ("SHOWN QMessageBox" in broken.stdout) == (len(args) == 2)
            assert broken.stderr.splitlines()[0] == (
                f"The Xinhe installation is incomplete: fonts/wqy-microhei.ttc is missing in "
                f"{resources}. Reinstall Xinhe.")
            assert "Traceback" not in broken.stderr
        chinese = run_installed(installed, tmp_path, "templates", "check")
        assert "fonts/wqy-microhei.ttc" in chinese.stderr and "请重新安装馨和" in chinese.stderr
    finally:
        aside.rename(font)


# -- Windows and the other platforms, as far as they can be run here -----------------------

@pytest.mark.parametrize(("platform", "env", "expected"), [
    ("win32", {"LOCALAPPDATA": "C:/Users/lin/AppData/Local"},
     Path("C:/Users/lin/AppData/Local/Xinhe")),
    ("win32", {}, Path("HOME/AppData/Local/Xinhe")),
    ("darwin", {}, Path("HOME/Library/Application Support/Xinhe")),
    ("linux", {"XDG_DATA_HOME": "/srv/data"}, Path("/srv/data/xinhe")),
    ("linux", {}, Path("HOME/.local/share/xinhe")),
])
def test_the_per_user_data_folder_of_each_platform(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path, platform: str,
                                                   env: dict[str, str], expected: Path) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: Path("HOME")))
    for name in ("LOCALAPPDATA", "XDG_DATA_HOME", paths.VAULT_ENV):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert paths.data_home() == expected
    assert paths.default_vault_dir() == expected / "vault"
    monkeypatch.setenv(paths.VAULT_ENV, str(tmp_path))
    assert paths.default_vault_dir() == tmp_path
    assert paths.default_vault_dir(tmp_path / "other") == tmp_path / "other"


def test_windows_binding_asks_for_the_credential_manager_only() -> None:
    assert PLATFORM_BACKENDS["win32"] == ("keyring.backends.Windows.WinVaultKeyring",)
    assert set(PLATFORM_BACKENDS["win32"]) <= SECURE_BACKENDS
    # The name is a real class of the pinned keyring (the frozen Windows build imports it).
    import keyring.backends.Windows as windows

    assert windows.WinVaultKeyring.__module__ == "keyring.backends.Windows"


def spec_list(name: str) -> list[str]:
    """A list of strings assigned (possibly with `+`) to `name` in the PyInstaller spec."""
    tree = ast.parse((PACKAGING / "xinhe.spec").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return [n.value for n in ast.walk(node.value)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    raise AssertionError(f"{name} is not in the spec")


def test_the_frozen_build_carries_every_keyring_and_qt_module_xinhe_asks_for() -> None:
    hidden = spec_list("HIDDEN")
    for names in PLATFORM_BACKENDS.values():
        for name in names:
            assert name.rpartition(".")[0] in hidden, name
    excluded = set(spec_list("QT_UNUSED"))
    used = set()
    for source in (ROOT / "xinhe").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", source.read_text(encoding="utf-8")))
    assert used >= {"QtCore", "QtGui", "QtWidgets", "QtCharts", "QtPdf"}
    assert not used & excluded
    assert {"QtWebEngineCore", "QtQuick", "QtQml", "Qt3DCore", "QtMultimedia"} <= excluded
    assert "QtPrintSupport" not in excluded


def test_every_vault_lock_is_exclusive(monkeypatch: pytest.MonkeyPatch,
                                       folder: VaultFolder) -> None:
    """Windows' msvcrt locker (portalocker without pywin32) takes exclusive locks only."""
    asked: list[portalocker.LockFlags] = []
    real_lock = portalocker.lock

    def spy(handle: object, flags: portalocker.LockFlags) -> None:
        asked.append(flags)
        real_lock(handle, flags)  # type: ignore[arg-type]
    monkeypatch.setattr(portalocker, "lock", spy)
    admin, _ = folder.create("馨和家园", "admin", "管理员", "admin-password-1")
    from xinhe.records.accounts import AccountService

    AccountService(admin).add_user("wang", "王丽", "counsellor", "wang-password-1")
    AccountService(admin).change_password("admin-password-1", "admin-password-2")
    admin.close()
    folder.unlock("admin", "admin-password-2").close()
    folder.unlock("wang", "wang-password-1").close()
    assert len(asked) >= 4
    assert all(f & portalocker.LockFlags.EXCLUSIVE and not f & portalocker.LockFlags.SHARED
               for f in asked)


# -- upgrades that keep data, and a vault from the future ----------------------------------

FIXTURE_LOGINS = {"v1": ("admin", "fixture-admin-1"), "v2": ("admin", "xinhe-admin"),
                  "v3": ("admin", "xinhe-admin"), "v4": ("admin", "fixture-admin-4")}
# What the old code put in each fixture (tests/fixtures/vaults/README.md).
FIXTURE_COUNTS = {"v1": {"users": 2, "cases": None}, "v2": {"users": 5, "cases": 12},
                  "v3": {"users": 5, "cases": 12}, "v4": {"users": 4, "cases": 3}}


def columns(db: object) -> dict[str, list[str]]:
    """Every table's columns and every index's columns: an upgraded vault has the shape of a
    new one (a narrower index would slow it, a missing one break INDEXED BY)."""
    rows = db.all("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') "  # type: ignore[attr-defined]
                  "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_tri%' "
                  "AND name NOT LIKE 'search_gram%'")
    pragma = {"table": "table_info", "index": "index_info"}
    return {f"{r[0]} {r[1]}": [c[2] if r[0] == "index" else c[1]
                               for c in db.all(f"PRAGMA {pragma[r[0]]}({r[1]})")]  # type: ignore[attr-defined]
            for r in rows}


# The schema of the last version that left this repository (main before this one landed).
# Schemas 5-11 arrive together in this release: no vault in the field has one of them, so
# their fixtures start with the next release, made by this one's code.
LAST_RELEASED_SCHEMA = 4


def test_there_is_a_fixture_for_every_earlier_schema() -> None:
    assert MIGRATIONS[-1].version > LAST_RELEASED_SCHEMA
    assert sorted(FIXTURE_LOGINS) == [f"v{n}" for n in range(1, LAST_RELEASED_SCHEMA + 1)]
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for name in FIXTURE_LOGINS:
        assert re.search(rf"^\| {name} \| {name[1:]} \| commit [0-9a-f]{{7}}", readme, re.M)


@pytest.mark.parametrize("name", sorted(FIXTURE_LOGINS))
def test_a_vault_of_each_earlier_version_opens_after_its_backup(name: str,
                                                                tmp_path: Path) -> None:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    original = {"vault.db": hashlib.sha256((target / "vault.db").read_bytes()).hexdigest()}
    folder = VaultFolder(target, DeviceBinding.off("fixture"))
    login, password = FIXTURE_LOGINS[name]
    vault = folder.unlock(login, password)
    try:
        assert vault.db.schema_version == MIGRATIONS[-1].version
        assert vault.audit.verify().ok
        counts = FIXTURE_COUNTS[name]
        assert vault.db.scalar("SELECT count(*) FROM users") == counts["users"]
        if counts["cases"] is not None:
            assert vault.db.scalar("SELECT count(*) FROM cases") == counts["cases"]
        upgraded = columns(vault.db)
    finally:
        vault.close()
    fresh_folder = VaultFolder(tmp_path / "fresh", DeviceBinding.off("fresh"),
                               kdf=KdfParams.cheap_for_tests())
    fresh, _ = fresh_folder.create("Fresh", "admin", "A", "fresh-admin-pass-1")
    try:
        assert upgraded == columns(fresh.db)  # the same tables and columns as a new vault
    finally:
        fresh.close()
    backups = sorted(folder.backups_path.iterdir())
    version = int(name[1:])
    assert {p.name.split("-", 4)[-1] for p in backups} == {"vault.db", "keyslots.json"}
    assert all(p.name.startswith(f"pre-migration-v{version}-") for p in backups)
    db_backup = next(p for p in backups if p.name.endswith("vault.db"))
    assert hashlib.sha256(db_backup.read_bytes()).hexdigest() == original["vault.db"]
    # The backup pair is a vault of its own: put back, it opens (and upgrades) again.
    restored = tmp_path / "restored"
    restored.mkdir()
    for backup in backups:
        shutil.copyfile(backup, restored / backup.name.split("-", 4)[-1])
    again = VaultFolder(restored, DeviceBinding.off("fixture")).unlock(login, password)
    try:
        assert again.db.scalar("SELECT count(*) FROM users") == counts["users"]
    finally:
        again.close()


def test_a_vault_newer_than_the_program_is_refused_naming_both_versions(
        folder: VaultFolder) -> None:
    vault, _ = folder.create("馨和家园", "admin", "管理员", "admin-password-1")
    newer = MIGRATIONS[-1].version + 1
    vault.db.execute(f"PRAGMA user_version = {newer}")  # as a later Xinhe would leave it
    vault.close()
    before = {p.name: p.read_bytes() for p in folder.path.iterdir() if p.is_file()}
    with pytest.raises(VaultTooNew) as refused:
        folder.unlock("admin", "admin-password-1")
    assert refused.value.message("en") == (
        f"This vault has schema version {newer}, made by a newer Xinhe; the installed Xinhe "
        f"{__version__} knows schema versions up to {MIGRATIONS[-1].version}. Upgrade Xinhe "
        "first; the vault was not changed.")
    assert f"结构版本为 {newer}" in refused.value.message("zh_CN")
    assert f"结构版本 {MIGRATIONS[-1].version}" in refused.value.message("zh_CN")
    after = {p.name: p.read_bytes() for p in folder.path.iterdir() if p.is_file()}
    assert {k: v for k, v in after.items() if not k.endswith(".lock")} == \
        {k: v for k, v in before.items() if not k.endswith(".lock")}
    assert not folder.backups_path.exists() or not any(folder.backups_path.iterdir())


def test_the_version_line_names_the_program_schema_and_sqlcipher() -> None:
    out = subprocess.run([sys.executable, "-m", "xinhe", "--version"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == (f"xinhe {__version__} (schema {schema_version()}, "
                                  f"SQLCipher {sqlcipher_version()})")
    assert re.fullmatch(r"4\.\d+\.\d+ community", sqlcipher_version())
    assert schema_version() == MIGRATIONS[-1].version


# -- the packaging files agree with each other ---------------------------------------------

def ci_packages() -> list[str]:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    block = re.search(r"^PACKAGES=\((.*?)^\)", text, re.S | re.M)
    assert block is not None
    return block.group(1).split()


def test_the_deb_depends_on_every_qt_library_ci_installs_and_recommends_a_keyring() -> None:
    control = (PACKAGING / "linux" / "control.in").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", control, re.M))
    depends = {re.sub(r"\(.*\)", "", alt).strip()
               for part in fields["Depends"].split(",") for alt in part.split("|")}
    qt_libs = [p for p in ci_packages()
               if re.match(r"lib(egl|gl|fontconfig|freetype|dbus|xkbcommon|x11-xcb|xcb-)", p)]
    assert len(qt_libs) >= 15
    assert set(qt_libs) <= depends
    assert fields["Recommends"] == "gnome-keyring"
    assert fields["Architecture"] == "amd64"


def test_the_menu_entry_speaks_chinese_and_english_and_starts_the_command() -> None:
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PACKAGING / "linux" / "xinhe.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Name"] == "Xinhe" and desktop["Name[zh_CN]"] == "馨和"
    assert desktop["Comment[zh_CN]"] and desktop["Comment"]
    assert desktop["Exec"] == "xinhe" and desktop["Icon"] == "xinhe"
    assert "Office" in desktop["Categories"].split(";")
    icon = (PACKAGING / "xinhe.png").read_bytes()
    assert icon[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(icon[16:20], "big") == 256


def test_the_about_tab_shows_version_schema_and_sqlcipher(qtbot: object, tmp_path: Path,
                                                          binding: DeviceBinding) -> None:
    from conftest import ADMIN_PASSWORD
    from ui_helpers import signed_in, wait_idle
    from xinhe.ui.screens.admin import AboutTab

    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)[0].close()
    with signed_in(qtbot, folder, "admin", ADMIN_PASSWORD) as (app, main):  # type: ignore[arg-type]
        main.show_section("admin")
        about = main._built["admin"].findChild(AboutTab)
        qtbot.waitUntil(lambda: "SQLCipher" in about.text.text())  # type: ignore[attr-defined]
        wait_idle(qtbot, app)  # type: ignore[arg-type]
        lines = about.text.text().splitlines()
        assert f"馨和 {__version__}" in lines
        assert f"数据结构版本：{MIGRATIONS[-1].version}" in lines
        assert f"SQLCipher 加密库 {sqlcipher_version()}" in lines


def pins(lock: Path) -> dict[str, str]:
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", lock.read_text(encoding="utf-8"), re.M))


def test_the_windows_lock_pins_the_same_versions_plus_what_windows_needs() -> None:
    linux = pins(ROOT / "requirements.lock")
    windows = pins(PACKAGING / "windows" / "requirements.lock")
    shared = linux.keys() & windows.keys()
    assert {name: linux[name] for name in shared} == {name: windows[name] for name in shared}
    # The Credential Manager backend needs pywin32-ctypes; the Secret Service ones stay out.
    assert "pywin32-ctypes" in windows and "pyinstaller" in windows
    assert "secretstorage" not in windows and "secretstorage" in linux
    assert windows["pyside6-essentials"] == "6.11.2"
