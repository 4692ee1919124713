"""`xinhe check`: read the whole vault file and say, in one line, whether it is damaged.
With --server: the studio server's check (records/integrity_server.py): the audit chain, row
security in force, and the lookup keys and seals of what the signed-in user can see."""

from __future__ import annotations

from xinhe.cli import Context, command


@command("check")
def cmd_check(ctx: Context) -> int:
    from xinhe.records.integrity import check_vault
    from xinhe.records.integrity_server import check_server
    from xinhe.records.vault import Vault

    session = ctx.open_session()
    try:
        report = check_vault(session) if isinstance(session, Vault) else check_server(session)
    finally:
        session.close("logout")
    ctx.emit(report.to_json(), lambda: ctx.io.out(report.message()) if report.ok else None)
    if not report.ok:
        ctx.io.err(report.message())
        return 1
    return 0
