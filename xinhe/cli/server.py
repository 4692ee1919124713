"""Commands for the studio server: `server init`, `server add-user` and `server import-vault`,
and `audit verify` against the server's chain and an imported vault's (the local witnesses
in files stay a local-vault feature)."""

from __future__ import annotations

from collections.abc import Sequence

from xinhe.cli import Context, command
from xinhe.errors import InvalidInput
from xinhe.i18n import pick
from xinhe.records import witnesses
from xinhe.records.roles import role_name
from xinhe.records.storage.server_admin import add_server_user, init_studio
from xinhe.records.storage.server_session import ServerSession


@command("server init")
def cmd_server_init(ctx: Context) -> int:
    password = ctx.io.secret("管理员密码", "Admin password", confirm=True)
    dsn, recovery_key = init_studio(ctx.args.dsn, ctx.args.dbname, ctx.args.org,
                                    ctx.args.admin, ctx.args.display_name or ctx.args.admin,
                                    password)

    def text() -> None:
        ctx.io.out(pick(f"已在服务器上创建工作室数据库 {ctx.args.dbname}。",
                        f"The studio database {ctx.args.dbname} was created on the server."))
        ctx.io.out(pick("各工作站用此地址连接（--server 或 XINHE_SERVER）：",
                        "Workstations connect with (--server or XINHE_SERVER):"))
        ctx.io.out(f"  {dsn}")
        ctx.io.out(pick("恢复密钥（只显示这一次，请抄写后妥善保管）：",
                        "Recovery key (shown once only; write it down and keep it safe):"))
        ctx.io.out(f"  {recovery_key}")
    ctx.emit({"server": dsn, "database": ctx.args.dbname, "recovery_key": recovery_key}, text)
    return 0


@command("server add-user")
def cmd_server_add_user(ctx: Context) -> int:
    session = ctx.open_session()
    if not isinstance(session, ServerSession):
        raise InvalidInput("此命令需要 --server 工作室服务器地址。",
                           "This command needs --server DSN (the studio server).")
    try:
        password = ctx.io.secret(f"{ctx.args.name} 的新密码",
                                 f"New password for {ctx.args.name}", confirm=True)
        add_server_user(ctx.args.setup_dsn, session, ctx.args.name, ctx.args.role, password,
                        ctx.args.display_name)
    finally:
        session.close("logout")
    ctx.emit({"added": ctx.args.name, "role": ctx.args.role},
             lambda: ctx.io.out(pick(f"已添加用户 {ctx.args.name}（{role_name(ctx.args.role)}）。",
                                     f"User {ctx.args.name} ({role_name(ctx.args.role)}) added.")))
    return 0


def server_chain_report(session: ServerSession, expect: Sequence[tuple[int, str]],
                        outbox: str | None = None,
                        backups: Sequence[str] = ()) -> witnesses.WitnessReport:
    """The server's chain verified against the witnesses this workstation reaches
    (records/server_witnesses.py)."""
    from xinhe.records import server_witnesses

    return server_witnesses.check(session, expect, outbox, backups)


@command("server import-vault")
def cmd_server_import_vault(ctx: Context) -> int:
    from pathlib import Path

    from xinhe.records.storage.vault_import import import_vault
    from xinhe.records.vault import VaultFolder

    session = ctx.open_session()  # the server's administrator: the studio's data key
    try:
        if not isinstance(session, ServerSession):
            raise InvalidInput("此命令需要 --server 工作室服务器地址。",
                               "This command needs --server DSN (the studio server).")
        folder = VaultFolder(Path(ctx.args.dir), ctx.binding)
        if not folder.exists():
            raise InvalidInput(f"{ctx.args.dir} 不是馨和本地数据库文件夹。",
                               f"{ctx.args.dir} is not a Xinhe vault folder.")
        folder.load_slots()
        vault_user = ctx.args.vault_user or ctx.args.user
        password = ctx.io.secret(f"本地数据库中 {vault_user} 的密码",
                                 f"Password for {vault_user} in the vault")
        vault = folder.unlock(vault_user, password)
        try:
            summary = import_vault(ctx.args.setup_dsn, session, vault)
        finally:
            vault.close("logout")
    finally:
        session.close("logout")
    data = {"rows": summary.rows, "users_matched": summary.users_matched,
            "users_kept_inactive": summary.users_kept_inactive,
            "imported_audit": {"entries": summary.audit_entries, "seq": summary.head_seq,
                               "hash": summary.head_hash},
            "server_entry": summary.server_seq}

    def text() -> None:
        cases, notes = summary.rows.get("cases", 0), summary.rows.get("sessions", 0)
        ctx.io.out(pick(f"已导入：{cases} 个个案，{notes} 份咨询记录，共 "
                        f"{sum(summary.rows.values())} 行。",
                        f"Imported: {cases} cases, {notes} session notes, "
                        f"{sum(summary.rows.values())} rows in all."))
        ctx.io.out(pick(f"本地审计链 {summary.audit_entries} 条已导入，链头：序号 "
                        f"{summary.head_seq} · {summary.head_hash}（服务器审计链第 "
                        f"{summary.server_seq} 条记下了它）。",
                        f"The vault's audit chain ({summary.audit_entries} entries) was "
                        f"imported; its head: entry {summary.head_seq} · {summary.head_hash} "
                        f"(named by server entry {summary.server_seq})."))
        if summary.users_kept_inactive:
            ctx.io.out(pick("已停用或删除的用户作为不能登录的记录保留：",
                            "Disabled or removed users kept as names that cannot sign in: ")
                       + ", ".join(summary.users_kept_inactive))
    ctx.emit(data, text)
    return 0
