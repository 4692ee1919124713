"""`xinhe backup`, `xinhe restore` and `xinhe retention` as a script or a person uses them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import Clock, InMemoryKeyring
from test_cli import KEY_RE, Run
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.templates import TemplateRegistry
from xinhe.records.vault import VaultFolder


@pytest.fixture
def run(tmp_path: Path, binding: DeviceBinding) -> Run:
    return Run(tmp_path / "vault", binding)


@pytest.fixture
def key(run: Run) -> str:
    code, out, err = run("init", "--org", "馨和家园", "--admin", "admin", stdin="admin-pass-1\n")
    assert code == 0, err
    code, _, err = run("users", "add", "sup", "--role", "supervisor", "--user", "admin",
                       stdin="admin-pass-1\nsup-pass-1\n")
    assert code == 0, err
    return KEY_RE.search(out).group(1)


def test_backup_status_and_settings(run: Run, key: str, tmp_path: Path) -> None:
    code, out, _ = run("backup", "--user", "admin", "--json", stdin="admin-pass-1\n")
    status = json.loads(out)
    assert code == 0 and status["last_at"] is None and status["overdue"]
    target = tmp_path / "b.xhbak"
    code, out, err = run("backup", str(target), "--user", "admin", stdin="admin-pass-1\n")
    assert code == 0, err
    assert "备份已写入并验证" in out and "同一块磁盘" in out and target.exists()
    code, out, err = run("backup", str(target), "--user", "admin", stdin="admin-pass-1\n")
    assert code == 1 and "不会覆盖" in err
    code, out, err = run("backup", "--user", "admin", "--json", "--auto-folder",
                         str(tmp_path), "--auto-keep", "3", "--auto-on-exit", "yes",
                         "--remind-days", "14", stdin="admin-pass-1\n")
    status = json.loads(out)
    assert code == 0, err
    assert (status["auto_folder"], status["auto_keep"], status["auto_on_exit"],
            status["auto_on_lock"], status["remind_days"], status["overdue"]) == (
        str(tmp_path), 3, True, False, 14, False)
    code, _, err = run("backup", str(tmp_path / "c.xhbak"), "--user", "sup",
                       stdin="sup-pass-1\n")
    assert code == 1 and "没有权限" in err and not (tmp_path / "c.xhbak").exists()


def test_restore_refuses_to_overwrite_then_replaces_and_keeps_the_old_one(
        run: Run, key: str, tmp_path: Path) -> None:
    backup_file = tmp_path / "b.xhbak"
    assert run("backup", str(backup_file), "--user", "admin", stdin="admin-pass-1\n")[0] == 0
    before = (run.vault_dir / "keyslots.json").read_bytes()
    code, out, err = run("restore", str(backup_file), stdin=f"{key}\n")
    assert code == 1 and out == "" and "--replace" in err and err.count("\n") == 1
    assert (run.vault_dir / "keyslots.json").read_bytes() == before
    code, out, err = run("restore", str(backup_file), "--check", stdin=f"{key}\n")
    assert code == 0 and "备份完好" in out, err
    code, out, err = run("restore", str(backup_file), "--replace", "--json", stdin=f"{key}\n")
    result = json.loads(out)
    assert code == 0, err
    assert Path(result["aside"]).name.startswith("vault.replaced-")
    assert (Path(result["aside"]) / "keyslots.json").read_bytes() == before
    assert result["need_new_password"] == [] and result["keep_password"] == ["admin", "sup"]
    assert run("users", "list", "--user", "sup", stdin="sup-pass-1\n")[0] == 0
    code, out, _ = run("audit", "verify", "--user", "admin", stdin="admin-pass-1\n")
    assert code == 0 and "审计链完整" in out


def test_restore_on_another_machine_says_who_needs_a_new_password(
        run: Run, key: str, tmp_path: Path) -> None:
    backup_file = tmp_path / "b.xhbak"
    assert run("backup", str(backup_file), "--user", "admin", stdin="admin-pass-1\n")[0] == 0
    elsewhere = Run(tmp_path / "machine2", DeviceBinding(InMemoryKeyring()))
    code, out, err = elsewhere("--lang", "en", "restore", str(backup_file), stdin=f"{key}\n")
    assert code == 0, err
    assert "need new passwords: admin, sup" in out
    assert "xinhe recover --user admin" in out
    assert elsewhere("users", "list", "--user", "admin", stdin="admin-pass-1\n")[0] == 1
    code, _, err = elsewhere("recover", "--user", "admin", stdin=f"{key}\nadmin-new-pass\n")
    assert code == 0, err
    code, _, err = elsewhere("users", "reset-password", "sup", "--user", "admin",
                             stdin="admin-new-pass\nsup-new-pass\n")
    assert code == 0, err
    assert elsewhere("users", "list", "--user", "sup", stdin="sup-new-pass\n")[0] == 0


def test_restore_reports_bad_files_and_keys_in_one_line(run: Run, key: str,
                                                        tmp_path: Path) -> None:
    backup_file = tmp_path / "b.xhbak"
    assert run("backup", str(backup_file), "--user", "admin", stdin="admin-pass-1\n")[0] == 0
    fresh = Run(tmp_path / "fresh", run.binding)
    cut = tmp_path / "cut.xhbak"
    cut.write_bytes(backup_file.read_bytes()[:-100])
    code, _, err = fresh("--lang", "en", "restore", str(cut), stdin=f"{key}\n")
    assert code == 1 and "incomplete" in err and err.count("\n") == 1
    code, _, err = fresh("--lang", "en", "restore", str(run.vault_dir / "vault.db"),
                         stdin=f"{key}\n")
    assert code == 1 and "not a Xinhe backup" in err
    other = Run(tmp_path / "other", run.binding)
    code, out, _ = other("init", "--org", "别处", "--admin", "admin", stdin="other-pass-1\n")
    other_key = KEY_RE.search(out).group(1)
    code, _, err = fresh("--lang", "en", "restore", str(backup_file), stdin=f"{other_key}\n")
    assert code == 1 and "does not belong to this vault" in err and "damaged" not in err
    assert not (tmp_path / "fresh").exists()


def test_retention_list_and_purge(run: Run, key: str, binding: DeviceBinding,
                                  clock: Clock) -> None:
    folder = VaultFolder(run.vault_dir, binding, kdf=KdfParams.cheap_for_tests(), clock=clock)
    admin = folder.unlock("admin", "admin-pass-1")
    AccountService(admin).add_user("wang", "王丽", "counsellor", "wang-pass-1")
    admin.close()
    templates = TemplateRegistry.default()
    wang = Services(folder.unlock("wang", "wang-pass-1"), templates)
    sup = Services(folder.unlock("sup", "sup-pass-1"), templates)
    clock.now -= timedelta(days=365 * 12)
    client = wang.clients.create(name="林某", birth_date="1990-05-01")
    old = wang.cases.open(client_id=client.id, category="other", source="self")
    sup.cases.close(old.id, "resolved")
    clock.now += timedelta(days=365 * 12)
    wang.vault.close()
    sup.vault.close()

    code, out, err = run("retention", "list", "--user", "sup", "--json", stdin="sup-pass-1\n")
    assert code == 0, err
    assert [(d["case_no"], d["intake_only"], d["years"]) for d in json.loads(out)] == [
        (old.case_no, True, 3)]
    code, _, err = run("retention", "purge", old.case_no, "--user", "sup", stdin="sup-pass-1\n")
    assert code == 1 and "--yes" in err
    code, _, err = run("retention", "purge", old.case_no, "--yes", "--user", "wang",
                       stdin="wang-pass-1\n")
    assert code == 1 and "没有权限" in err
    code, out, err = run("retention", "purge", old.case_no, "--yes", "--user", "sup",
                         stdin="sup-pass-1\n")
    assert code == 0 and old.case_no in out, err
    code, out, _ = run("retention", "list", "--user", "sup", stdin="sup-pass-1\n")
    assert "没有超过保存期限的个案" in out
    code, out, err = run("retention", "policy", "--years", "minor_protection=25",
                         "--intake-only-years", "2", "--user", "sup", "--json",
                         stdin="sup-pass-1\n")
    assert code == 0, err
    policy = json.loads(out)
    assert policy["years"]["minor_protection"] == 25 and policy["intake_only_years"] == 2
    code, _, err = run("retention", "policy", "--years", "nonsense", "--user", "sup",
                       stdin="sup-pass-1\n")
    assert code == 1 and "类别=年数" in err
