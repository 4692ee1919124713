"""`xinhe server upgrade` (the IT person, after updating the workstations' Xinhe) and
`xinhe server reindex` (a supervisor at a workstation, when the upgrade asks for it)."""

from __future__ import annotations

from xinhe.cli import Context, command
from xinhe.errors import InvalidInput
from xinhe.i18n import pick
from xinhe.records.storage.pg_upgrade import upgrade_database
from xinhe.records.storage.server_admin import DEFAULT_DBNAME
from xinhe.records.storage.server_session import studio_id_of


@command("server upgrade")
def cmd_server_upgrade(ctx: Context) -> int:
    dbname = ctx.args.dbname or (studio_id_of(ctx.server) if ctx.server else "") \
        or DEFAULT_DBNAME
    result = upgrade_database(ctx.args.setup_dsn, dbname)

    def text() -> None:
        if not result.changed:
            ctx.io.out(pick(f"工作室数据库 {dbname} 已是当前版本（{result.new_version}），"
                            "没有做任何改动。",
                            f"The studio database {dbname} is already at the current "
                            f"version ({result.new_version}); nothing was changed."))
            return
        ctx.io.out(pick(f"工作室数据库 {dbname} 已从版本 {result.old_version} 升级到 "
                        f"{result.new_version}（已记入服务器审计链）。各工作站现在可以登录。",
                        f"The studio database {dbname} was upgraded from version "
                        f"{result.old_version} to {result.new_version} (recorded on the "
                        "server's audit chain). Workstations can sign in now."))
        if result.reindex_needed:
            ctx.io.out(pick(
                f"搜索索引需要重建（{result.reindex_needed} 份文档）：请督导在工作站登录后运行 "
                "`xinhe server reindex`；在此之前，搜索找不到升级前的记录。",
                f"The search index must be rebuilt ({result.reindex_needed} documents): a "
                "supervisor signs in at a workstation and runs `xinhe server reindex`; until "
                "then, searches do not find the records made before the upgrade."))
    ctx.emit({"database": dbname, "old_version": result.old_version,
              "new_version": result.new_version, "changed": result.changed,
              "reindex_needed": result.reindex_needed}, text)
    return 0


@command("server reindex")
def cmd_server_reindex(ctx: Context) -> int:
    from xinhe.records.search_reindex import reindex_server
    from xinhe.records.storage.server_session import ServerSession

    if not ctx.server:
        raise InvalidInput("此命令需要 --server 工作室服务器地址。",
                           "This command needs --server DSN (the studio server).")
    session = ctx.open_session()
    try:
        assert isinstance(session, ServerSession)  # --server was given
        done = reindex_server(session)
    finally:
        session.close("logout")
    ctx.emit({"documents": done},
             lambda: ctx.io.out(pick(f"已重建 {done} 份文档的搜索索引。",
                                     f"The search index of {done} documents was rebuilt.")))
    return 0
