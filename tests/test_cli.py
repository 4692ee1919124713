"""The `xinhe` command as a script or a person would use it."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xinhe import cli
from xinhe.crypto.binding import DeviceBinding

ROOT = Path(__file__).resolve().parent.parent
KEY_RE = re.compile(r"\b([0-9A-Z]{4}(?:-[0-9A-Z]{4}){7})\b")


class Run:
    def __init__(self, vault_dir: Path, binding: DeviceBinding) -> None:
        self.vault_dir = vault_dir
        self.binding = binding

    def __call__(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        args = cli.build_parser().parse_args(["--vault", str(self.vault_dir), *argv])
        code = cli.run(args, cli.Io(io.StringIO(stdin), out, err), self.binding)
        return code, out.getvalue(), err.getvalue()


@pytest.fixture
def run(tmp_path: Path, binding: DeviceBinding) -> Run:
    return Run(tmp_path / "vault", binding)


@pytest.fixture
def initialised(run: Run) -> str:
    code, out, err = run("init", "--org", "馨和家园", "--admin", "admin", "--display-name",
                         "管理员", stdin="admin-pass-1\n")
    assert code == 0, err
    return KEY_RE.search(out).group(1)


def test_init_prints_the_recovery_key_once(run: Run, initialised: str) -> None:
    assert len(initialised.replace("-", "")) == 32
    assert initialised.encode() not in (run.vault_dir / "keyslots.json").read_bytes()


def test_init_refuses_an_existing_vault(run: Run, initialised: str) -> None:
    code, out, err = run("init", "--org", "X", "--admin", "boss", stdin="whatever-pass\n")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "不会覆盖" in err


def test_users_add_list_disable_remove(run: Run, initialised: str) -> None:
    code, _, err = run("users", "add", "wang", "--role", "counsellor", "--display-name", "王丽",
                       "--user", "admin", stdin="admin-pass-1\nwang-pass-1\n")
    assert code == 0, err
    code, out, _ = run("users", "list", "--user", "admin", "--json", stdin="admin-pass-1\n")
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed["wang"]["role"] == "counsellor" and listed["wang"]["active"]
    assert run("users", "disable", "wang", "--user", "admin", stdin="admin-pass-1\n")[0] == 0
    code, _, err = run("users", "list", "--user", "wang", stdin="wang-pass-1\n")
    assert code == 1 and "停用" in err
    assert run("users", "remove", "wang", "--user", "admin", stdin="admin-pass-1\n")[0] == 0
    code, out, _ = run("users", "list", "--user", "admin", stdin="admin-pass-1\n")
    assert "wang" not in out


def test_users_add_and_list_name_roles_in_the_readers_language(run: Run,
                                                               initialised: str) -> None:
    code, out, err = run("users", "add", "wang", "--role", "counsellor", "--display-name", "王丽",
                         "--user", "admin", stdin="admin-pass-1\nwang-pass-1\n")
    assert code == 0, err
    assert out == "已添加用户 wang（咨询师）。\n"
    code, out, err = run("users", "add", "sup", "--role", "supervisor", "--user", "admin",
                         stdin="admin-pass-1\nsup-pass-12\n")
    assert out == "已添加用户 sup（督导）。\n"
    code, out, _ = run("users", "list", "--user", "admin", stdin="admin-pass-1\n")
    roles = {line.split("\t")[0]: line.split("\t")[1] for line in out.splitlines()}
    assert roles == {"admin": "管理员", "wang": "咨询师", "sup": "督导"}
    code, out, _ = run("--lang", "en", "users", "list", "--user", "admin",
                       stdin="admin-pass-1\n")
    roles = {line.split("\t")[0]: line.split("\t")[1] for line in out.splitlines()}
    assert roles == {"admin": "administrator", "wang": "counsellor", "sup": "supervisor"}
    code, out, _ = run("users", "list", "--user", "admin", "--json", stdin="admin-pass-1\n")
    assert {u["role"] for u in json.loads(out)} == {"admin", "counsellor", "supervisor"}


def test_counsellor_cannot_add_users(run: Run, initialised: str) -> None:
    run("users", "add", "wang", "--role", "counsellor", "--user", "admin",
        stdin="admin-pass-1\nwang-pass-1\n")
    code, _, err = run("users", "add", "evil", "--role", "admin", "--user", "wang",
                       stdin="wang-pass-1\nevil-pass-1\n")
    assert code == 1 and "没有权限" in err


def test_wrong_password_gives_one_line_and_exit_1(run: Run, initialised: str) -> None:
    code, out, err = run("users", "list", "--user", "admin", stdin="wrong-pass\n")
    assert (code, out) == (1, "")
    assert err == "用户名或密码不正确。\n"
    code, _, err = run("--lang", "en", "users", "list", "--user", "admin", stdin="wrong-pass\n")
    assert err == "The user name or password is not correct.\n"


def test_passwd_then_recover(run: Run, initialised: str) -> None:
    code, _, err = run("passwd", "--user", "admin", stdin="admin-pass-1\nadmin-pass-2\n")
    assert code == 0, err
    assert run("users", "list", "--user", "admin", stdin="admin-pass-1\n")[0] == 1
    assert run("users", "list", "--user", "admin", stdin="admin-pass-2\n")[0] == 0
    code, out, err = run("recover", "--user", "admin", stdin=f"{initialised}\nadmin-pass-3\n")
    assert code == 0, err
    assert run("users", "list", "--user", "admin", stdin="admin-pass-3\n")[0] == 0


def test_recover_with_a_mistyped_key(run: Run, initialised: str) -> None:
    typo = initialised[:5] + ("Z" if initialised[5] != "Z" else "Y") + initialised[6:]
    code, _, err = run("recover", "--user", "admin", stdin=f"{typo}\nadmin-pass-3\n")
    assert code == 1 and "输入错误" in err


def test_audit_verify_passes_then_detects_tampering(run: Run, initialised: str,
                                                    binding: DeviceBinding) -> None:
    code, out, _ = run("audit", "verify", "--user", "admin", "--json", stdin="admin-pass-1\n")
    assert code == 0 and json.loads(out)["ok"]
    from xinhe.records.vault import VaultFolder

    vault = VaultFolder(run.vault_dir, binding).unlock("admin", "admin-pass-1")
    vault.db.execute("DROP TRIGGER audit_event_no_update")
    vault.db.execute("UPDATE audit_event SET action = 'nothing' WHERE seq = 2")
    vault.close()
    code, out, err = run("audit", "verify", "--user", "admin", stdin="admin-pass-1\n")
    assert code == 1
    assert "第 2 条审计记录被修改" in out
    assert "篡改" in err


def test_missing_password_line_is_reported(run: Run, initialised: str) -> None:
    code, _, err = run("users", "add", "wang", "--role", "counsellor", "--user", "admin",
                       stdin="admin-pass-1\n")
    assert code == 1 and "缺少" in err


def test_the_installed_command_runs_as_a_new_user_would(tmp_path: Path) -> None:
    """A real process, with no keyring on this machine: binding off, said plainly."""
    env = {**os.environ, "XINHE_VAULT": str(tmp_path / "v"), "XINHE_LANG": "en",
           "DBUS_SESSION_BUS_ADDRESS": "disabled:"}
    proc = subprocess.run([sys.executable, "-m", "xinhe", "init", "--org", "Studio", "--admin",
                           "admin"], input="admin-pass-1\n", capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert KEY_RE.search(proc.stdout)
    assert "binding is OFF" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "xinhe", "audit", "verify", "--user", "admin"],
                          input="admin-pass-1\n", capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60)
    assert proc.returncode == 0 and "Audit chain intact" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "xinhe", "users", "list", "--user", "admin"],
                          input="bad\n", capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == "The user name or password is not correct.\n"


def test_recovery_key_new_replaces_the_old_one(run: Run, initialised: str) -> None:
    code, out, _ = run("recovery-key", "new", "--user", "admin", "--json",
                       stdin="admin-pass-1\n")
    new_key = json.loads(out)["recovery_key"]
    assert code == 0 and new_key != initialised
    code, _, err = run("recover", "--user", "admin", stdin=f"{initialised}\nadmin-pass-2\n")
    assert code == 1 and "不属于这个数据库" in err
    assert run("recover", "--user", "admin", stdin=f"{new_key}\nadmin-pass-2\n")[0] == 0
