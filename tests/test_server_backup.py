"""`xinhe server backup` / `server restore`: the studio server backed up by the IT person,
lost, and restored on a new server with the recovery key; the counsellors carry on."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

import pytest

from pg_cluster import Cluster
from xinhe import cli
from xinhe.crypto import recovery
from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import WrongPassword
from xinhe.records import templates as tpl
from xinhe.records.services import Services
from xinhe.records.storage.server_accounts import recover
from xinhe.records.storage.server_admin import add_server_user, init_studio
from xinhe.records.storage.server_session import ServerFolder

MARK_NAME = "蔺秀芬备份标记"
MARK_NOTE = "她说起在娘家躲避的那个夜晚备份标记"


def run(binding: DeviceBinding, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(list(argv))
    code = cli.run(args, cli.Io(io.StringIO(stdin), out, err), binding)
    return code, out.getvalue(), err.getvalue()


class Studio:
    """A studio of its own (own database, own login roles) with one counsellor's case."""

    def __init__(self, cluster: Cluster) -> None:
        tag = secrets.token_hex(3)
        self.cluster = cluster
        self.db, self.boss, self.lin = f"bk_{tag}", f"boss-{tag}", f"lin-{tag}"
        self.server, self.recovery_key = init_studio(cluster.dsn(), self.db, "馨和家园",
                                                     self.boss, "管理员", "boss-pass-1")
        admin = ServerFolder(self.server).unlock(self.boss, "boss-pass-1")
        add_server_user(cluster.dsn(), admin, self.lin, "counsellor", "lin-pass-1", "蔺老师")
        admin.close()
        session = ServerFolder(self.server).unlock(self.lin, "lin-pass-1")
        svc = Services(session, tpl.TemplateRegistry.default())
        client = svc.clients.create(name=MARK_NAME, birth_date="1988-03-02",
                                    phone="13912345678")
        self.client_id = client.id
        self.case = svc.cases.open(client_id=client.id, category="domestic_violence",
                                   source="self")
        note = svc.notes.draft_session(self.case.id, started_at=session.now(),
                                       duration_min=50, modality="in_person",
                                       answers={"data": MARK_NOTE})
        svc.notes.sign_session(note.id, note.version)
        session.close()

    def sign_in(self, who: str, password: str) -> Services:
        return Services(ServerFolder(self.server).unlock(who, password),
                        tpl.TemplateRegistry.default())

    def lose_server(self) -> None:
        """The database and the login roles gone, as on a new server."""
        self.cluster.superuser_sql(f'DROP DATABASE "{self.db}" WITH (FORCE)')
        self.cluster.superuser_sql(f'DROP ROLE "xinhe_u_{self.boss}", "xinhe_u_{self.lin}"')


@pytest.fixture
def studio(pg_cluster: Cluster) -> Studio:
    return Studio(pg_cluster)


def test_backup_lose_the_server_restore_and_the_counsellor_carries_on(
        studio: Studio, pg_cluster: Cluster, binding: DeviceBinding, tmp_path: Path) -> None:
    file = tmp_path / "studio.xhbak"
    code, out, err = run(binding, "server", "backup", str(file), "--setup-dsn",
                         pg_cluster.dsn(), "--dbname", studio.db)
    assert code == 0, err
    assert "已写入并核对备份" in out and "1 个个案" in out
    raw = file.read_bytes()
    for marker in (MARK_NAME, MARK_NOTE, "13912345678", "lin-pass-1"):
        assert marker.encode() not in raw, marker
    assert [p.name for p in tmp_path.iterdir()] == ["studio.xhbak"]  # no temp file left

    code, out, err = run(binding, "server", "restore", str(file), "--check",
                         stdin=studio.recovery_key + "\n")
    assert code == 0 and "备份完好" in out, err
    # Given to the local restore, the file is named for what it is, not called damaged.
    for check in ((), ("--check",)):
        code, out, err = run(binding, "restore", str(file), "--vault", str(tmp_path / "v"),
                             *check, stdin=studio.recovery_key + "\n")
        assert code == 1 and out == "" and err.count("\n") == 1, err
        assert "这是工作室服务器的备份" in err and "xinhe server restore" in err
        assert "损坏" not in err and not (tmp_path / "v").exists()

    studio.lose_server()
    with pytest.raises(Exception, match="无法连接|password|不正确|does not exist"):
        ServerFolder(studio.server).unlock(studio.lin, "lin-pass-1")
    code, out, err = run(binding, "server", "restore", str(file), "--setup-dsn",
                         pg_cluster.dsn(), stdin=studio.recovery_key + "\n")
    assert code == 0, err
    assert f"恢复到数据库 {studio.db}" in out and studio.lin in out and "重新添加" not in out

    lin = studio.sign_in(studio.lin, "lin-pass-1")
    notes = lin.notes.sessions(studio.case.id)
    assert [n.answers["data"] for n in notes] == [MARK_NOTE] and notes[0].signed
    assert lin.clients.get(studio.client_id).name == MARK_NAME
    assert [h.case_id for h in lin.search("娘家躲避")] == [studio.case.id]
    # New rows get new ids after the restored ones, and the chain goes on from the backup.
    more = lin.notes.draft_session(studio.case.id, started_at=lin.vault.now(),
                                   duration_min=30, modality="phone", answers={"data": "回访"})
    assert more.id > notes[0].id
    lin.vault.close()
    code, out, err = run(binding, "audit", "verify", "--server", studio.server, "--user",
                         studio.boss, stdin="boss-pass-1\n")
    assert code == 0 and "审计链完整" in out, err
    admin = studio.sign_in(studio.boss, "boss-pass-1")
    actions = [e.action for e in admin.vault.audit.events(action_prefix="server.")]
    admin.vault.close()
    # The chain is the backup's (its own `server.backup` came after it), then the restore.
    assert actions == ["server.restore", "server.init"]
    with pytest.raises(Exception, match="不正确|incorrect"):
        ServerFolder(studio.server).unlock(studio.lin, "not-her-password")
    # Account upkeep works on the restored studio as on a new one (xinhe_accounts, the gate).
    code, out, err = run(binding, "users", "disable", studio.lin, "--server", studio.server,
                         "--user", studio.boss, stdin="boss-pass-1\n")
    assert code == 0, err
    with pytest.raises(Exception, match="不正确|incorrect|停用|disabled"):
        ServerFolder(studio.server).unlock(studio.lin, "lin-pass-1")
    code, out, err = run(binding, "users", "enable", studio.lin, "--server", studio.server,
                         "--user", studio.boss, stdin="boss-pass-1\n")
    assert code == 0, err
    studio.sign_in(studio.lin, "lin-pass-1").vault.close()


def test_a_studio_already_there_is_replaced_only_when_asked(
        studio: Studio, pg_cluster: Cluster, binding: DeviceBinding, tmp_path: Path) -> None:
    file = tmp_path / "studio.xhbak"
    assert run(binding, "server", "backup", str(file), "--setup-dsn", pg_cluster.dsn(),
               "--dbname", studio.db)[0] == 0
    lin = studio.sign_in(studio.lin, "lin-pass-1")
    lin.notes.draft_session(studio.case.id, started_at=lin.vault.now(), duration_min=20,
                            modality="phone", answers={"data": "备份之后写的"})
    lin.vault.close()
    argv = ("server", "restore", str(file), "--setup-dsn", pg_cluster.dsn())
    code, out, err = run(binding, *argv, stdin=studio.recovery_key + "\n")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert f"数据库 {studio.db} 已有一个馨和工作室" in err and "1 个个案，2 个用户" in err
    assert "--replace" in err
    lin = studio.sign_in(studio.lin, "lin-pass-1")
    assert len(lin.notes.sessions(studio.case.id)) == 2  # untouched
    lin.vault.close()
    code, out, err = run(binding, *argv, "--replace", stdin=studio.recovery_key + "\n")
    assert code == 0, err
    lin = studio.sign_in(studio.lin, "lin-pass-1")
    assert [n.answers["data"] for n in lin.notes.sessions(studio.case.id)] == [MARK_NOTE]
    lin.vault.close()


def test_a_damaged_or_cut_file_and_a_wrong_key_are_refused_and_nothing_changes(
        studio: Studio, pg_cluster: Cluster, binding: DeviceBinding, tmp_path: Path) -> None:
    file = tmp_path / "studio.xhbak"
    assert run(binding, "server", "backup", str(file), "--setup-dsn", pg_cluster.dsn(),
               "--dbname", studio.db)[0] == 0
    code, _, err = run(binding, "server", "backup", str(file), "--setup-dsn",
                       pg_cluster.dsn(), "--dbname", studio.db)
    assert code == 1 and "不会覆盖" in err
    raw = bytearray(file.read_bytes())
    tampered, cut = tmp_path / "tampered.xhbak", tmp_path / "cut.xhbak"
    raw[len(raw) // 2] ^= 0x01
    tampered.write_bytes(bytes(raw))
    cut.write_bytes(file.read_bytes()[: len(raw) - 100])
    studio.lose_server()
    restore = ("server", "restore", "--setup-dsn", pg_cluster.dsn())
    for bad, says in ((tampered, "备份文件已损坏"), (cut, "备份文件不完整")):
        code, out, err = run(binding, *restore, str(bad), stdin=studio.recovery_key + "\n")
        assert code == 1 and out == "" and err.count("\n") == 1, err
        assert says in err and "使用另一个备份" in err
    other_key = recovery.generate()
    code, _, err = run(binding, *restore, str(file), stdin=other_key + "\n")
    assert code == 1 and "恢复密钥" in err and err.count("\n") == 1
    typo = re.sub(r"[0-9A-Z](?=-)", lambda m: "X" if m.group() != "X" else "Y",
                  studio.recovery_key, count=1)
    code, _, err = run(binding, *restore, str(file), stdin=typo + "\n")
    assert code == 1 and "恢复密钥" in err
    # Refused files never reached the server: no database was made for them.
    listed = pg_cluster.superuser_sql(
        f"SELECT count(*) FROM pg_database WHERE datname = '{studio.db}'")
    assert listed.strip() == "0"
    code, _, err = run(binding, *restore, str(file), "--dbname", "elsewhere",
                       stdin=studio.recovery_key + "\n")
    assert code == 1 and "只能恢复到同名的数据库" in err


def test_a_restore_brings_back_todays_passwords_and_no_removed_login(
        studio: Studio, pg_cluster: Cluster, binding: DeviceBinding, tmp_path: Path) -> None:
    zhao, wu = f"zhao-{studio.db[3:]}", f"wu-{studio.db[3:]}"
    admin = studio.sign_in(studio.boss, "boss-pass-1")
    for name in (zhao, wu):
        add_server_user(pg_cluster.dsn(), admin.vault, name, "counsellor", f"{name}-old-1")
    admin.accounts.reset_password(zhao, "zhao-new-22")  # an administrator resets it
    admin.accounts.remove_user(wu)
    admin.vault.close()
    lin = studio.sign_in(studio.lin, "lin-pass-1")
    lin.accounts.change_password("lin-pass-1", "lin-new-22")  # passwd, as herself
    lin.vault.close()
    recover(pg_cluster.dsn(), studio.server, studio.recovery_key, studio.boss, "boss-new-22")
    file = tmp_path / "studio.xhbak"
    assert run(binding, "server", "backup", str(file), "--setup-dsn", pg_cluster.dsn(),
               "--dbname", studio.db)[0] == 0
    studio.lose_server()
    pg_cluster.superuser_sql(f'DROP ROLE "xinhe_u_{zhao}"')
    code, out, err = run(binding, "server", "restore", str(file), "--setup-dsn",
                         pg_cluster.dsn(), stdin=studio.recovery_key + "\n")
    assert code == 0, err
    assert wu not in out
    for who, new, old in ((studio.lin, "lin-new-22", "lin-pass-1"),
                          (zhao, "zhao-new-22", f"{zhao}-old-1"),
                          (studio.boss, "boss-new-22", "boss-pass-1")):
        with pytest.raises(WrongPassword):
            ServerFolder(studio.server).unlock(who, old)
        studio.sign_in(who, new).vault.close()
    gone = pg_cluster.superuser_sql(
        f"SELECT count(*) FROM pg_roles WHERE rolname = 'xinhe_u_{wu}'")
    assert gone.strip() == "0"
    with pytest.raises(WrongPassword):
        ServerFolder(studio.server).unlock(wu, f"{wu}-old-1")
