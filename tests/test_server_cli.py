"""`xinhe … --server DSN`: the studio server from the command line, as the IT person and a
counsellor would use it (in process, and once as a real process through XINHE_SERVER)."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pg_cluster import Cluster
from xinhe import cli
from xinhe.crypto.binding import DeviceBinding
from xinhe.records import templates as tpl
from xinhe.records.services import Services
from xinhe.records.storage.server_session import ServerFolder

ROOT = Path(__file__).resolve().parent.parent
KEY_RE = re.compile(r"\b([0-9A-Z]{4}(?:-[0-9A-Z]{4}){7})\b")


def run(binding: DeviceBinding, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(list(argv))
    code = cli.run(args, cli.Io(io.StringIO(stdin), out, err), binding)
    return code, out.getvalue(), err.getvalue()


def test_init_add_a_user_list_and_verify_on_the_server(pg_cluster: Cluster,
                                                       binding: DeviceBinding) -> None:
    tag = secrets.token_hex(3)
    boss, wang, db = f"boss-{tag}", f"wang-{tag}", f"cli_{tag}"
    code, out, err = run(binding, "server", "init", "--dsn", pg_cluster.dsn(), "--org",
                         "馨和家园", "--admin", boss, "--display-name", "管理员",
                         "--dbname", db, stdin="boss-pass-1\n")
    assert code == 0, err
    assert KEY_RE.search(out) and "恢复密钥" in out
    server = next(line.strip() for line in out.splitlines() if "sslmode=verify-full" in line)
    assert "password" not in server and f"dbname={db}" in server
    code, out, err = run(binding, "server", "add-user", wang, "--role", "counsellor",
                         "--display-name", "王丽", "--setup-dsn", pg_cluster.dsn(),
                         "--server", server, "--user", boss, stdin="boss-pass-1\nwang-pass-1\n")
    assert code == 0, err
    assert out == f"已添加用户 {wang}（咨询师）。\n"  # the role as the desktop names it
    code, out, err = run(binding, "users", "list", "--server", server, "--user", boss,
                         stdin="boss-pass-1\n")
    assert {tuple(line.split("\t")[:2]) for line in out.splitlines()} == {
        (boss, "管理员"), (wang, "咨询师")}
    code, out, err = run(binding, "users", "list", "--server", server, "--user", boss,
                         "--json", stdin="boss-pass-1\n")
    assert code == 0, err
    assert {(u["username"], u["role"]) for u in json.loads(out)} == {
        (boss, "admin"), (wang, "counsellor")}

    session = ServerFolder(server).unlock(wang, "wang-pass-1")
    svc = Services(session, tpl.TemplateRegistry.default())
    client = svc.clients.create(name="林某", birth_date="1990-05-01", phone="13800138000")
    case = svc.cases.open(client_id=client.id, category="domestic_violence", source="self")
    session.close()
    # A real process, the server named by XINHE_SERVER as a workstation is configured.
    env = {**os.environ, "XINHE_SERVER": server, "XINHE_LANG": "zh_CN"}
    done = subprocess.run([sys.executable, "-m", "xinhe", "cases", "list", "--user", wang],
                          input="wang-pass-1\n", capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert case.case_no in done.stdout and "林某" in done.stdout and "共 1 个个案" in done.stdout

    code, out, err = run(binding, "audit", "verify", "--server", server, "--user", boss,
                         stdin="boss-pass-1\n")
    assert code == 0, err
    assert "审计链完整" in out
    head = re.search(r"序号 (\d+) · ([0-9a-f]{64})", out)
    assert head is not None
    code, out, err = run(binding, "audit", "verify", "--server", server, "--user", boss,
                         "--expect", f"{head.group(1)}:{'0' * 64}", stdin="boss-pass-1\n")
    assert code == 1 and "篡改" in err and err.count("\n") == 1
    code, out, err = run(binding, "audit", "verify", "--server", server, "--user", wang,
                         stdin="wang-pass-1\n")
    assert code == 1 and "没有权限" in err


def test_what_the_server_does_not_offer_yet_and_failures_are_one_clear_line(
        pg_cluster: Cluster, binding: DeviceBinding) -> None:
    tag = secrets.token_hex(3)
    boss, db = f"boss-{tag}", f"cli_{tag}"
    code, out, err = run(binding, "server", "init", "--dsn", pg_cluster.dsn(), "--org", "X",
                         "--admin", boss, "--dbname", db, "--json", stdin="boss-pass-1\n")
    assert code == 0, err
    server = json.loads(out)["server"]
    for argv in (("backup", "x.xhbak"), ("rekey",)):
        code, out, err = run(binding, *argv, "--server", server, "--user", boss,
                             stdin="boss-pass-1\n")
        assert code == 1 and out == "" and err.count("\n") == 1, argv
        says = "xinhe server backup" if argv[0] == "backup" else "工作室服务器暂不支持"
        assert says in err, (argv, err)
    code, _, err = run(binding, "users", "list", "--server", server, "--user", boss,
                       stdin="not-the-password\n")
    assert code == 1 and "用户名或密码不正确" in err
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    code, _, err = run(binding, "cases", "list", "--user", boss, "--server",
                       re.sub(r"port=\d+", f"port={closed}", server), stdin="boss-pass-1\n")
    assert code == 1 and "无法连接工作室服务器" in err and err.count("\n") == 1
    code, _, err = run(binding, "cases", "list", "--user", boss, "--server",
                       server.replace("verify-full", "require"), stdin="boss-pass-1\n")
    assert code == 1 and "verify-full" in err
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["server", "init", "--org", "X", "--admin", "a"])


def test_a_vaults_own_commands_name_their_server_counterpart(binding) -> None:  # noqa: ANN001
    dsn = "host=studio.lan dbname=xinhe sslmode=verify-full sslrootcert=/etc/xinhe/ca.crt"
    for argv, other in ((("init", "--org", "馨和", "--admin", "boss"), "server init"),
                        (("users", "add", "bob", "--role", "counsellor", "--user", "boss"),
                         "server add-user")):
        code, out, err = run(binding, *argv, "--server", dsn, stdin="pw\n")
        assert code == 1 and out == "" and err.count("\n") == 1, argv
        assert f"xinhe {other}" in err and "信息管理员" in err
