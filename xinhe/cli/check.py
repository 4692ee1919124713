"""`xinhe check`: read the whole vault file and say, in one line, whether it is damaged."""

from __future__ import annotations

from xinhe.cli import Context, command
from xinhe.records.integrity import check_vault


@command("check")
def cmd_check(ctx: Context) -> int:
    vault = ctx.unlock()
    try:
        report = check_vault(vault)
    finally:
        vault.close("logout")
    ctx.emit(report.to_json(), lambda: ctx.io.out(report.message()) if report.ok else None)
    if not report.ok:
        ctx.io.err(report.message())
        return 1
    return 0
