"""Commands for casework: demo, cases list, search, templates check."""

from __future__ import annotations

from pathlib import Path

from xinhe.cli import Context, command
from xinhe.errors import InvalidInput
from xinhe.i18n import pick
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.demo import DEMO_USERS
from xinhe.records.roles import role_name
from xinhe.records.services import Services
from xinhe.records.storage.session import Session


def services(ctx: Context, vault: Session) -> Services:
    return Services(vault, tpl.TemplateRegistry.default(vault.setting("template_folder")))


def _logins() -> list[str]:
    """The demo's logins, one line per account, its role named as the desktop names it."""
    return [f"{role_name(role)}{pick('：', ': ')}{login} / {password}"
            for role, login, _, password in DEMO_USERS]


@command("demo")
def cmd_demo(ctx: Context) -> int:
    from xinhe.export.demo import create_full_demo  # signing and PDF code: only for the demo

    if ctx.server:
        return demo_on_server(ctx)
    folder = ctx.folder()
    if not ctx.args.json:
        ctx.io.err(pick("正在生成演示数据……", "Creating the demo vault…"))
    summary = create_full_demo(folder, cases=ctx.args.cases, seed=ctx.args.seed,
                                replace=ctx.args.replace)
    data = {"vault": str(folder.path), "cases": summary.cases, "sessions": summary.sessions,
            "person_times": summary.person_times, "crises": summary.crises,
            "recovery_key": summary.recovery_key,
            "logins": [{"role": r, "user": u, "password": p} for r, u, _, p in DEMO_USERS]}

    def text() -> None:
        ctx.io.out(pick(f"演示数据库已建在 {folder.path}：{summary.cases} 个个案，"
                        f"{summary.sessions} 次咨询（{summary.person_times} 人次），"
                        f"{summary.crises} 次危机干预。",
                        f"Demo vault created at {folder.path}: {summary.cases} cases, "
                        f"{summary.sessions} sessions ({summary.person_times} person-times), "
                        f"{summary.crises} crisis interventions."))
        ctx.io.out(pick("恢复密钥：", "Recovery key: ") + summary.recovery_key)
        for line in _logins():
            ctx.io.out(line)
    ctx.emit(data, text)
    return 0


def demo_on_server(ctx: Context) -> int:
    """`xinhe demo --server SETUP_DSN`: the demo as a new studio database on the server."""
    from xinhe.export.demo_server import create_server_demo

    assert ctx.server is not None
    if not ctx.args.json:
        ctx.io.err(pick("正在服务器上生成演示工作室……", "Creating the demo studio on the server…"))
    made = create_server_demo(ctx.server, ctx.args.dbname, cases=ctx.args.cases,
                              seed=ctx.args.seed)
    summary = made.summary
    data = {"server": made.server, "database": ctx.args.dbname, "cases": summary.cases,
            "sessions": summary.sessions, "person_times": summary.person_times,
            "crises": summary.crises, "recovery_key": made.recovery_key,
            "logins": [{"role": r, "user": u, "password": p} for r, u, _, p in DEMO_USERS]}

    def text() -> None:
        ctx.io.out(pick(f"演示工作室已建在服务器数据库 {ctx.args.dbname}：{summary.cases} 个个案，"
                        f"{summary.sessions} 次咨询（{summary.person_times} 人次），"
                        f"{summary.crises} 次危机干预。",
                        f"Demo studio created in the server database {ctx.args.dbname}: "
                        f"{summary.cases} cases, {summary.sessions} sessions "
                        f"({summary.person_times} person-times), {summary.crises} crisis "
                        "interventions."))
        ctx.io.out(pick("各工作站用此地址连接（--server 或 XINHE_SERVER）：",
                        "Workstations connect with (--server or XINHE_SERVER):"))
        ctx.io.out(f"  {made.server}")
        ctx.io.out(pick("恢复密钥：", "Recovery key: ") + made.recovery_key)
        for line in _logins():
            ctx.io.out(line)
    ctx.emit(data, text)
    return 0


@command("cases list")
def cmd_cases_list(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        rows = services(ctx, vault).cases.find(risk=ctx.args.risk, status=ctx.args.status,
                                               overdue_only=ctx.args.overdue)
    finally:
        vault.close("logout")

    def text() -> None:
        for r in rows:
            ctx.io.out("\t".join([r.case_no, r.client_name,
                                  vocab.label(vocab.CATEGORIES, r.category),
                                  vocab.label(vocab.STATUSES, r.status),
                                  vocab.label(vocab.RISK_LEVELS, r.risk_level) or "-",
                                  r.counsellor_name, r.opened_at[:10],
                                  (r.next_due or "")[:10] + (" !" if r.overdue else "")]))
        ctx.io.out(pick(f"共 {len(rows)} 个个案。", f"{len(rows)} cases."))
    ctx.emit([{"case_no": r.case_no, "client": r.client_name, "category": r.category,
               "source": r.source, "status": r.status, "risk": r.risk_level,
               "counsellor": r.counsellor_name, "opened_at": r.opened_at,
               "next_due": r.next_due, "overdue": r.overdue} for r in rows], text)
    return 0


@command("search")
def cmd_search(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        query = ctx.args.text
        if query == "-":  # the sign-in has read the password line; the query is the next one
            try:
                query = ctx.io.secret("搜索内容", "Search words")
            except InvalidInput:
                query = ""
            if not query.strip():
                raise InvalidInput("标准输入中缺少搜索内容那一行（应在密码行之后）。",
                                   "The line with the search words (after the password "
                                   "line) is missing on standard input.")
        hits = services(ctx, vault).search(query, limit=ctx.args.limit)
    finally:
        vault.close("logout")

    def text() -> None:
        for h in hits:
            ctx.io.out(f"{h.case_no}\t{h.client_name}\t{h.title}\t{h.ts[:10]}\t{h.snippet}")
        ctx.io.out(pick(f"找到 {len(hits)} 条。", f"{len(hits)} found."))
    ctx.emit([{"case_no": h.case_no, "client": h.client_name, "kind": h.kind,
               "title": h.title, "snippet": h.snippet, "ts": h.ts} for h in hits], text)
    return 0


@command("templates check")
def cmd_templates_check(ctx: Context) -> int:
    folder = Path(ctx.args.dir) if ctx.args.dir else None
    report, problems = tpl.check_report(folder)
    if ctx.args.json:
        ctx.emit({"ok": not problems, "problems": [p.as_dict() for p in problems]},
                 lambda: None)
    else:
        ctx.io.out(report)
    if problems:
        ctx.io.err(pick(f"发现 {len(problems)} 个模板问题。", f"{len(problems)} template "
                        "problem(s) found."))
        return 1
    return 0
