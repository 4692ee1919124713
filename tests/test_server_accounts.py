"""Keeping accounts on the studio server, as the administrator does it from the command
line, proved with raw PostgreSQL logins: a disabled or removed person cannot connect, a
reset or changed password is the only one that works, the recovery key opens the data key,
and wrong passwords lock the login as they lock a local vault's account."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from pg_cluster import Cluster
from xinhe import cli
from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import AccountDisabled, AccountLocked, BadRecoveryKey, WrongPassword
from xinhe.records import templates as tpl
from xinhe.records.accounts import LOCKOUT_THRESHOLD
from xinhe.records.services import Services
from xinhe.records.storage import pg_setup
from xinhe.records.storage.server_admin import add_server_user, init_studio
from xinhe.records.storage.server_session import ServerFolder, login_password

NOTE = {"data": "当事人情绪平稳。", "assessment": "风险下降。", "plan": "一周后回访。"}


@dataclass
class Studio:
    cluster: Cluster
    server: str  # the workstations' DSN
    dbname: str
    tag: str
    recovery_key: str
    passwords: dict[str, str]

    def name(self, short: str) -> str:
        return f"{short}-{self.tag}"  # login roles are cluster-wide: keep tests apart

    def cli(self, binding: DeviceBinding, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        args = cli.build_parser().parse_args([*argv, "--server", self.server])
        code = cli.run(args, cli.Io(io.StringIO(stdin), out, err), binding)
        return code, out.getvalue(), err.getvalue()

    def as_admin(self, binding: DeviceBinding, *argv: str, stdin: str = "") -> tuple[
            int, str, str]:
        return self.cli(binding, *argv, "--user", self.name("boss"),
                        stdin=f"{self.passwords['boss']}\n{stdin}")

    def raw_connect(self, short: str, password: str) -> psycopg.Connection[object]:
        """The person's login role over TLS, as any program could try it."""
        name = self.name(short)
        return psycopg.connect(self.cluster.dsn(
            user=pg_setup.login_role(name), dbname=self.dbname,
            password=login_password(self.dbname, name, password)))

    def sign_in(self, short: str, password: str | None = None):  # noqa: ANN201
        return ServerFolder(self.server, workstation="desk-3").unlock(
            self.name(short), password or self.passwords[short])

    def audit(self) -> list[tuple[str, str, str, str]]:
        rows = self.cluster.superuser_sql(
            'SELECT "user", action, object_id, outcome FROM xinhe.audit_event ORDER BY seq',
            dbname=self.dbname)
        return [tuple(line.split("|")) for line in rows.splitlines()]  # type: ignore[misc]


@pytest.fixture
def studio(pg_cluster: Cluster) -> Iterator[Studio]:
    tag = secrets.token_hex(3)
    dbname = f"acc_{tag}"
    passwords = {"boss": "boss-pass-1", "boss2": "boss2-pass-1", "wang": "wang-pass-1",
                 "sup": "sup-pass-1"}
    server, key = init_studio(pg_cluster.dsn(), dbname, "馨和家园", f"boss-{tag}", "管理员甲",
                              passwords["boss"])
    made = Studio(pg_cluster, server, dbname, tag, key, passwords)
    admin = made.sign_in("boss")
    for short, display, role in (("boss2", "管理员乙", "admin"), ("wang", "王丽", "counsellor"),
                                 ("sup", "周督导", "supervisor")):
        add_server_user(pg_cluster.dsn(), admin, made.name(short), role, passwords[short],
                        display)
    admin.close()
    yield made
    pg_cluster.superuser_sql(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
    for short in passwords:
        pg_cluster.superuser_sql(f'DROP ROLE IF EXISTS "{pg_setup.login_role(made.name(short))}"')


def write_note(studio: Studio) -> tuple[str, int]:
    """Wang opens a case and signs a session note; returns the case number and the note."""
    session = studio.sign_in("wang")
    svc = Services(session, tpl.TemplateRegistry.default())
    client = svc.clients.create(name="林某", birth_date="1990-05-01", phone="13800138000")
    case = svc.cases.open(client_id=client.id, category="domestic_violence", source="self")
    note = svc.notes.draft_session(case.id, started_at=session.now(), duration_min=50,
                                   modality="phone", persons_served=1, answers=NOTE)
    svc.notes.sign_session(note.id, note.version)
    session.close()
    return case.case_no, note.id


def read_note(studio: Studio, short: str, password: str | None, case_no: str,
              note_id: int) -> tuple[str, str, str]:
    """The client's name, the note's author and its text, as `short` reads them."""
    session = studio.sign_in(short, password)
    try:
        svc = Services(session, tpl.TemplateRegistry.default())
        row = next(r for r in svc.cases.find() if r.case_no == case_no)
        note = svc.notes.session(note_id)
        return row.client_name, note.author_name, str(note.answers["data"])
    finally:
        session.close()


def test_a_disabled_user_cannot_connect_and_an_enabled_one_can(studio: Studio,
                                                               binding: DeviceBinding) -> None:
    code, out, err = studio.as_admin(binding, "users", "disable", studio.name("wang"))
    assert code == 0, err
    assert "已停用" in out
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        studio.raw_connect("wang", studio.passwords["wang"])
    with pytest.raises(AccountDisabled):
        studio.sign_in("wang")
    code, out, err = studio.as_admin(binding, "users", "list", "--json")
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed[studio.name("wang")]["active"] is False
    assert studio.as_admin(binding, "users", "enable", studio.name("wang"))[0] == 0
    studio.sign_in("wang").close()
    actions = [(a, o) for _u, a, o, _r in studio.audit()]
    assert ("user.disable", studio.name("wang")) in actions
    assert ("user.enable", studio.name("wang")) in actions
    # The last other administrator may not be shut out, nor oneself.
    code, _out, err = studio.as_admin(binding, "users", "disable", studio.name("boss"))
    assert code == 1 and "不能停用自己的账户" in err


def test_a_reset_password_is_the_only_one_that_works(studio: Studio,
                                                     binding: DeviceBinding) -> None:
    code, out, err = studio.as_admin(binding, "users", "reset-password", studio.name("wang"),
                                     stdin="wang-new-pass\n")
    assert code == 0, err
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        studio.raw_connect("wang", studio.passwords["wang"])
    studio.raw_connect("wang", "wang-new-pass").close()
    with pytest.raises(WrongPassword):
        studio.sign_in("wang")
    session = studio.sign_in("wang", "wang-new-pass")
    assert session.actor.username == studio.name("wang")
    session.close()
    assert ("password.reset", studio.name("wang")) in [(a, o) for _u, a, o, _r in studio.audit()]


def test_passwd_changes_the_slot_and_the_login_together(studio: Studio,
                                                        binding: DeviceBinding) -> None:
    case_no, note_id = write_note(studio)
    code, out, err = studio.cli(binding, "passwd", "--user", studio.name("wang"),
                                stdin="wang-pass-1\nwang-pass-2\n")
    assert code == 0, err
    assert "密码已更改" in out
    with pytest.raises(psycopg.OperationalError):
        studio.raw_connect("wang", "wang-pass-1")
    studio.raw_connect("wang", "wang-pass-2").close()
    # The data key still opens under the new password.
    assert read_note(studio, "wang", "wang-pass-2", case_no, note_id) == (
        "林某", "王丽", NOTE["data"])
    code, _out, err = studio.cli(binding, "passwd", "--user", studio.name("wang"),
                                 stdin="wang-pass-1\nwang-pass-3\n")
    assert code == 1 and "用户名或密码不正确" in err


def test_a_removed_user_is_gone_but_their_notes_still_name_them(
        studio: Studio, binding: DeviceBinding) -> None:
    case_no, note_id = write_note(studio)
    code, out, err = studio.as_admin(binding, "users", "remove", studio.name("wang"))
    assert code == 0, err
    role = pg_setup.login_role(studio.name("wang"))
    assert studio.cluster.superuser_sql(
        f"SELECT count(*) FROM pg_roles WHERE rolname = '{role}'").strip() == "0"
    with pytest.raises(WrongPassword):
        studio.sign_in("wang")
    assert read_note(studio, "sup", None, case_no, note_id) == ("林某", "王丽", NOTE["data"])
    code, out, _err = studio.as_admin(binding, "users", "list", "--json")
    assert studio.name("wang") not in {u["username"] for u in json.loads(out)}
    wang_entries = [a for u, a, _o, _r in studio.audit() if u == studio.name("wang")]
    assert "sessions.insert" in wang_entries  # the audit still names who wrote
    assert ("user.remove", studio.name("wang")) in [(a, o) for _u, a, o, _r in studio.audit()]


def test_a_new_recovery_key_opens_the_data_key_and_the_old_one_does_not(
        studio: Studio, binding: DeviceBinding) -> None:
    case_no, note_id = write_note(studio)
    code, out, err = studio.as_admin(binding, "recovery-key", "new", "--json")
    assert code == 0, err
    key = json.loads(out)["recovery_key"]
    setup = ["--setup-dsn", studio.cluster.dsn()]
    code, _out, err = studio.cli(binding, "recover", "--user", studio.name("sup"), *setup,
                                 stdin=f"{studio.recovery_key}\nsup-recovered-1\n")
    assert code == 1 and "恢复密钥" in err
    with pytest.raises(BadRecoveryKey):
        from xinhe.records.storage.server_accounts import recover

        recover(studio.cluster.dsn(), studio.server, studio.recovery_key, studio.name("sup"),
                "sup-recovered-1")
    code, out, err = studio.cli(binding, "recover", "--user", studio.name("sup"), *setup,
                                stdin=f"{key}\nsup-recovered-1\n")
    assert code == 0, err
    with pytest.raises(WrongPassword):
        studio.sign_in("sup")
    assert read_note(studio, "sup", "sup-recovered-1", case_no, note_id) == (
        "林某", "王丽", NOTE["data"])
    actions = [(a, o) for _u, a, o, _r in studio.audit()]
    assert ("recovery_key.replace", studio.dbname) in actions
    assert ("password.recover", studio.name("sup")) in actions


def test_wrong_passwords_lock_the_login_until_an_admin_unlocks_it(
        studio: Studio, binding: DeviceBinding) -> None:
    wang = studio.name("wang")
    for _ in range(LOCKOUT_THRESHOLD - 1):
        with pytest.raises(WrongPassword):
            studio.sign_in("wang", "a-wrong-guess")
    with pytest.raises(AccountLocked):
        studio.sign_in("wang", "a-wrong-guess")
    # Locked: the right password is refused, in the app and in a raw login alike.
    with pytest.raises(AccountLocked):
        studio.sign_in("wang")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        studio.raw_connect("wang", studio.passwords["wang"])
    entries = [(a, o, r) for _u, a, o, r in studio.audit() if o == wang]
    assert entries.count(("login", wang, "failed")) == LOCKOUT_THRESHOLD
    assert any(a == "account.locked" for a, _o, _r in entries)
    assert ("login", wang, "refused:locked") in entries
    code, out, _err = studio.as_admin(binding, "users", "list")
    assert any(line.startswith(wang) and "已锁定" in line for line in out.splitlines())
    code, _out, err = studio.as_admin(binding, "users", "unlock", wang)
    assert code == 0, err
    studio.sign_in("wang").close()
    assert ("user.unlock", wang) in [(a, o) for _u, a, o, _r in studio.audit()]


def test_a_lockout_ends_by_itself_when_its_delay_is_over(studio: Studio) -> None:
    for _ in range(LOCKOUT_THRESHOLD):
        with pytest.raises((WrongPassword, AccountLocked)):
            studio.sign_in("wang", "a-wrong-guess")
    with pytest.raises(AccountLocked):
        studio.sign_in("wang")
    # As if the minute had passed (the server's clock decides).
    studio.cluster.superuser_sql("UPDATE xinhe.login_lockouts SET locked_until ="
                                 " '2000-01-01T00:00:00+00:00'", dbname=studio.dbname)
    # Another wrong one locks again at once (the count goes on), the right one then waits.
    with pytest.raises(AccountLocked) as again:
        studio.sign_in("wang", "a-wrong-guess")
    studio.cluster.superuser_sql("UPDATE xinhe.login_lockouts SET locked_until ="
                                 " '2000-01-01T00:00:00+00:00'", dbname=studio.dbname)
    assert again.value.until.year > 2000
    studio.sign_in("wang").close()
    assert studio.cluster.superuser_sql("SELECT count(*) FROM xinhe.login_lockouts",
                                        dbname=studio.dbname).strip() == "0"
