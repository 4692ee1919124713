"""The casework, platform, register, extract and check commands with `--server DSN`, as a
supervisor, a counsellor and staff use them against the studio server (the throwaway
cluster); the signing-identity commands are tested in test_server_signing.py."""

from __future__ import annotations

import json
from pathlib import Path

from test_server_cli import run

from conftest import ServerStudio, Studio
from tests.platform_fixtures import dispatch_doc, write
from tests.referral_fixtures import install_identity
from tests.register_samples import ROWS, write_csv
from xinhe.crypto.binding import DeviceBinding


def cli(binding: DeviceBinding, server: ServerStudio, user: str, *argv: str,
        stdin: str = "") -> tuple[int, str, str]:
    """`xinhe ARGV --server DSN --user USER`, the password first on stdin."""
    password = Studio.PASSWORDS.get(user, "admin-pass-1")
    code, out, err = run(binding, *argv, "--server", server.folder.dsn, "--user", user,
                         stdin=f"{password}\n{stdin}")
    assert "Traceback" not in err
    return code, out, err


def test_platform_commands_on_the_server(binding: DeviceBinding, server: ServerStudio,
                                         tmp_path: Path) -> None:
    install_identity(server)
    box, outbox = tmp_path / "inbox", tmp_path / "outbox"
    outbox.mkdir()
    code, out, err = cli(binding, server, "admin", "platform", "config", "--inbox", str(box),
                         "--json")
    assert code == 0, err
    assert json.loads(out)["inbox"] == str(box)
    code, out, err = cli(binding, server, "sup", "platform", "config", "--auto-report",
                         "accepted,closed", "--json")
    assert code == 0, err
    assert json.loads(out)["auto_report"] == ["accepted", "closed"]
    write(box, "good.json", dispatch_doc("SRV-1"))
    code, out, err = cli(binding, server, "staff", "platform", "receive", "--inbox")
    assert code == 0 and "SRV-1" in out, err
    code, _, err = cli(binding, server, "wang", "platform", "receive", "--inbox")
    assert code == 1 and err.strip()  # counsellors do not receive
    code, out, err = cli(binding, server, "sup", "platform", "list", "--json")
    assert [d["platform_ref"] for d in json.loads(out)] == ["SRV-1"]
    code, out, err = cli(binding, server, "sup", "platform", "accept", "SRV-1", "--counsellor",
                         "wang", "--json")
    assert code == 0, err
    case_no = json.loads(out)["case_no"]
    assert [c.case_no for c in server.wang.cases.find()] == [case_no]
    code, out, err = cli(binding, server, "wang", "platform", "report", case_no, "--event",
                         "result", "--result", "counselling", "--out", str(outbox), "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "delivered"
    code, out, err = cli(binding, server, "staff", "platform", "send", "--out", str(outbox),
                         "--json")
    assert code == 0, err
    assert json.loads(out) == {"waiting": 0}
    assert len(list(outbox.glob("*.pdf"))) == 2  # the automatic "accepted", then "result"
    code, out, err = cli(binding, server, "sup", "check", "--json")
    assert code == 0 and json.loads(out)["rows_checked"] == 1, err  # the dispatch's client


def test_search_and_extract_on_the_server(binding: DeviceBinding, server: ServerStudio,
                                          tmp_path: Path) -> None:
    install_identity(server)
    made = server.new_case(server.wang, name="欧阳某")
    code, out, err = cli(binding, server, "wang", "search", "-", stdin="欧阳\n")
    assert code == 0, err
    assert made.case_no in out and "找到 1 条" in out
    code, out, err = cli(binding, server, "chen", "search", "欧阳")
    assert code == 0 and made.case_no not in out  # another counsellor's case
    code, out, err = cli(binding, server, "wang", "cases", "extract", made.case_no, "--for",
                         "court", "--list", "--json")
    assert code == 0, err
    assert "client:name" in {i["item"] for i in json.loads(out)}
    code, out, err = cli(binding, server, "wang", "cases", "extract", made.case_no, "--for",
                         "court", "--out", str(tmp_path), "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert Path(shown["file"]).exists() and shown["case_no"] == made.case_no
    assert server.sup.vault.db.scalar("SELECT count(*) FROM court_extracts") == 1
    code, _, err = cli(binding, server, "staff", "cases", "extract", made.case_no, "--for",
                       "court", "--out", str(tmp_path))
    assert code == 1 and "咨询师或督导" in err


def test_register_import_on_the_server(binding: DeviceBinding, server: ServerStudio,
                                       tmp_path: Path) -> None:
    path = write_csv(tmp_path / "登记表.csv", ROWS, "gb18030")
    code, out, err = cli(binding, server, "admin", "import", "register", str(path))
    assert code == 1 and "督导" in err  # no case content for the administrator there
    code, out, err = cli(binding, server, "sup", "import", "register", str(path), "--dry-run")
    assert code == 0, err
    assert "林晓红" not in out and "试导入" in out
    assert server.sup.vault.db.scalar("SELECT count(*) FROM cases") == 0
    code, out, err = cli(binding, server, "sup", "import", "register", str(path), "--json")
    assert code == 0, err
    assert len(json.loads(out)["case_numbers"]) == 3
    assert {c.client_name for c in server.wang.cases.find()} == {"林晓红", "吴桂兰"}
    code, out, err = cli(binding, server, "sup", "import", "register", str(path), "--json")
    assert code == 0 and json.loads(out)["case_numbers"] == []  # the same rows: nothing new
    # The imported clients' lookup keys are the ones the duplicate check makes.
    code, out, err = cli(binding, server, "sup", "check", "--json")
    assert code == 0 and json.loads(out)["rows_checked"] == 3, err


def test_check_on_the_server_finds_a_wrong_key_and_unforced_row_security(
        binding: DeviceBinding, server: ServerStudio) -> None:
    made = server.new_case(server.wang, name="林某", phone="13800138000")
    server.wang.persons.add(made.id, relation="abuser", name="张某", phone="13900001111",
                            birth_year=1985)
    code, out, err = cli(binding, server, "sup", "check", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["ok"] and shown["rows_checked"] == 2 and shown["chain_entries"] > 0
    code, out, err = cli(binding, server, "admin", "check")
    assert code == 0 and "服务器检查通过" in out, err
    code, _, err = cli(binding, server, "wang", "check")
    assert code == 1 and err.strip()
    # A key written in clear (or under another studio's key) and row security not forced.
    db = server.template.dbname
    server.template.cluster.superuser_sql(
        "UPDATE xinhe.clients SET phone_key = '13800138000'", db)
    server.template.cluster.superuser_sql(
        "ALTER TABLE xinhe.linked_persons NO FORCE ROW LEVEL SECURITY", db)
    code, out, err = cli(binding, server, "sup", "check", "--json")
    shown = json.loads(out)
    assert code == 1 and not shown["ok"]
    assert (shown["keys_wrong"], shown["unguarded"]) == (1, ["linked_persons"])
    assert "查找键" in err and "linked_persons" in err and "13800138000" not in err + out



def test_referral_policy_on_the_server(binding: DeviceBinding, server: ServerStudio,
                                       tmp_path: Path) -> None:
    code, out, err = cli(binding, server, "wang", "referral", "policy", "--json")
    assert code == 0, err
    shipped = json.loads(out)
    police = shipped["agencies"]["police"]
    first = next(k for k, v in police.items() if isinstance(v, list) and v)
    changed = json.loads(json.dumps(shipped))
    changed["agencies"]["police"][first] = police[first][:-1]
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps(changed, ensure_ascii=False), "utf-8")
    code, _, err = cli(binding, server, "wang", "referral", "policy", "--set",
                       str(policy_file))
    assert code == 1 and err.count("\n") == 1  # only the administrator sets it
    code, out, err = cli(binding, server, "admin", "referral", "policy", "--set",
                         str(policy_file), "--json")
    assert code == 0, err
    # Every desk of the studio now sends the police what the administrator chose.
    code, out, err = cli(binding, server, "staff", "referral", "policy", "--json")
    assert json.loads(out)["agencies"]["police"][first] == police[first][:-1]
    code, out, err = cli(binding, server, "admin", "referral", "policy", "--reset", "--json")
    assert code == 0 and json.loads(out) == shipped, err
