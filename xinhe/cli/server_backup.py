"""`xinhe server backup` and `xinhe server restore`: the IT person's backup of the studio
server, made and restored with the set-up role (the only one that can read every row)."""

from __future__ import annotations

from pathlib import Path

from xinhe.cli import Context, command
from xinhe.errors import InvalidInput
from xinhe.i18n import pick
from xinhe.records.storage.server_backup import make_server_backup
from xinhe.records.storage.server_restore import open_server_backup, restore_server_backup


@command("server backup")
def cmd_server_backup(ctx: Context) -> int:
    a = ctx.args
    result = make_server_backup(a.setup_dsn, a.dbname, Path(a.file), overwrite=a.overwrite)
    cases = result.counts.get("cases", 0)

    def text() -> None:
        ctx.io.out(pick(f"已写入并核对备份 {result.path}（{result.size} 字节，{cases} 个个案，"
                        f"审计记录至第 {result.audit_seq} 条）。",
                        f"Backup written and verified: {result.path} ({result.size} bytes, "
                        f"{cases} cases, audit entries up to {result.audit_seq})."))
        if not result.chain_ok:
            ctx.io.out(pick("注意：服务器上的审计链本身不完整，请运行 xinhe audit verify。",
                            "Note: the server's audit chain itself is broken; run "
                            "`xinhe audit verify`."))
    ctx.emit({"path": str(result.path), "size": result.size, "created_at": result.created_at,
              "counts": result.counts, "audit_head": f"{result.audit_seq}:{result.audit_hash}",
              "chain_ok": result.chain_ok}, text)
    return 0


@command("server restore")
def cmd_server_restore(ctx: Context) -> int:
    a = ctx.args
    if not a.check and not a.setup_dsn:
        raise InvalidInput("请用 --setup-dsn 给出技术人员的设置角色连接。",
                           "Give the IT person's set-up role with --setup-dsn.")
    key = ctx.io.secret("恢复密钥", "Recovery key")
    if a.check:
        opened = open_server_backup(Path(a.file), key)
        snap = opened.snapshot
        ctx.emit({"ok": True, "studio": snap.studio_id, "created_at": opened.info.created_at,
                  "counts": snap.counts, "chain_ok": opened.chain_ok},
                 lambda: ctx.io.out(pick(
                     f"备份完好，可以恢复：工作室 {snap.studio_id}（{snap.org_name}），制作于 "
                     f"{opened.info.created_at}，{snap.counts.get('cases', 0)} 个个案。",
                     f"The backup is sound and can be restored: studio {snap.studio_id} "
                     f"({snap.org_name}), made {opened.info.created_at}, "
                     f"{snap.counts.get('cases', 0)} cases.")))
        return 0
    result = restore_server_backup(a.setup_dsn, Path(a.file), key, dbname=a.dbname,
                                   replace=a.replace)

    def text() -> None:
        ctx.io.out(pick(f"已将 {result.created_at} 的备份恢复到数据库 {result.dbname}"
                        f"（{result.counts.get('cases', 0)} 个个案）。",
                        f"Restored the backup of {result.created_at} into the database "
                        f"{result.dbname} ({result.counts.get('cases', 0)} cases)."))
        if result.can_sign_in:
            ctx.io.out(pick(f"可用原密码登录：{'、'.join(result.can_sign_in)}",
                            f"Can sign in with their passwords: "
                            f"{', '.join(result.can_sign_in)}"))
        if result.need_new_password:
            ctx.io.out(pick(f"需要重新添加的账户：{'、'.join(result.need_new_password)}",
                            f"Accounts to be added again: "
                            f"{', '.join(result.need_new_password)}"))
    ctx.emit({"database": result.dbname, "created_at": result.created_at,
              "counts": result.counts, "replaced": result.replaced,
              "can_sign_in": list(result.can_sign_in),
              "need_new_password": list(result.need_new_password)}, text)
    return 0
