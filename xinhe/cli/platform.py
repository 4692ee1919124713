"""Commands for the district platform: receive and accept dispatches, report back."""

from __future__ import annotations

from pathlib import Path

from xinhe.cli import Context, command
from xinhe.errors import InvalidInput
from xinhe.i18n import pick
from xinhe.records import platform_inbox as inbox
from xinhe.records import platform_reports as reports
from xinhe.records import vocab
from xinhe.records.accounts import AccountService
from xinhe.records.platform_dispatch import GRADES, DispatchInvalid
from xinhe.records.services import Services
from xinhe.records.storage.session import Session
from xinhe.records.templates import TemplateRegistry


def _local(ts: str | None) -> str:
    from xinhe.records.common import parse_ts

    moment = parse_ts(ts)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


@command("platform receive")
def cmd_receive(ctx: Context) -> int:
    args = ctx.args
    if (args.file is None) == (args.inbox is None):
        raise InvalidInput("请给出一个分拨文件，或使用 --inbox（二者选一）。",
                           "Give one dispatch file, or --inbox (one of the two).")
    vault = ctx.open_session()
    try:
        if args.file is not None:
            try:
                result = inbox.InboxResult(inbox.receive_file(vault, Path(args.file)), [])
            except DispatchInvalid as refused:
                result = inbox.InboxResult([], [refused])
        else:
            result = inbox.receive_inbox(vault, Path(args.inbox) if args.inbox else None)
    finally:
        vault.close("logout")
    data = {"received": result.received,
            "quarantined": [{"file": p.file, "field": p.field, "reason": p.message()}
                            for p in result.rejected]}

    def text() -> None:
        for ref in result.received:
            ctx.io.out(pick(f"已接收：{ref}", f"Received: {ref}"))
        if not result.received and not result.rejected:
            ctx.io.out(pick("收件箱中没有新的分拨文件。", "No new dispatch files in the inbox."))
    ctx.emit(data, text)
    for problem in result.rejected:
        ctx.io.err(problem.message())
    return 1 if result.rejected else 0


@command("platform list")
def cmd_list(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        rows = inbox.waiting(vault)
    finally:
        vault.close("logout")
    data = [{"platform_ref": r.platform_ref, "grade": r.grade, "category": r.category,
             "dispatched_at": r.dispatched_at, "first_contact_due": r.first_contact_due,
             "overdue": r.overdue, "agency": r.agency} for r in rows]

    def text() -> None:
        for r in rows:
            late = pick("  已超时", "  OVERDUE") if r.overdue else ""
            ctx.io.out(f"{r.platform_ref}  {vocab.label(GRADES, r.grade)}  "
                       f"{vocab.label(vocab.CATEGORIES, r.category)}  "
                       f"{pick('首次联系时限', 'first contact by')} {_local(r.first_contact_due)}"
                       f"{late}")
        if not rows:
            ctx.io.out(pick("没有待受理的分拨。", "No dispatches waiting."))
    ctx.emit(data, text)
    return 0


def _services(vault: Session) -> Services:
    return Services(vault, TemplateRegistry.default(vault.setting("template_folder")))


@command("platform accept")
def cmd_accept(ctx: Context) -> int:
    args = ctx.args
    vault = ctx.open_session()
    try:
        dispatch_id = inbox.find_dispatch(vault, args.platform_ref)
        counsellor = AccountService(vault).user(args.counsellor)
        matches = inbox.duplicates(vault, dispatch_id)
        if matches and args.client_id is None and not args.new_client:
            for m in matches:
                who = f"#{m.client.id} " if m.client else ""
                ctx.io.err(f"{who}{m.name} {m.birth_year or ''} "
                           f"{','.join(m.reasons)} {' '.join(m.case_numbers)}".strip())
            raise InvalidInput(
                "查重发现可能是同一人的当事人（见上）。请用 --client-id 选定其一，或用 "
                "--new-client 新建。",
                "The duplicate check found clients who may be the same person (above). "
                "Pick one with --client-id, or create a new one with --new-client.")
        header = inbox.accept(vault, dispatch_id, counsellor_id=counsellor.id,
                              client_id=args.client_id)
        _send_quietly(vault, ctx)
    finally:
        vault.close("logout")
    ctx.emit({"case_no": header.case_no, "platform_ref": header.platform_ref,
              "counsellor": header.counsellor_name},
             lambda: ctx.io.out(pick(f"已受理，个案编号 {header.case_no}，责任人 "
                                     f"{header.counsellor_name}",
                                     f"Accepted as case {header.case_no}, responsible: "
                                     f"{header.counsellor_name}")))
    return 0


def _send_quietly(vault: Session, ctx: Context, outbox: Path | None = None) -> int:
    """Send waiting reports; a failure is told on stderr and they stay queued."""
    from xinhe.export.platform_report import send_unsent

    failed = 0
    for result in send_unsent(vault, outbox=outbox):
        if result.failure is not None:
            ctx.io.err(result.failure_message())
            failed += 1
        elif not ctx.args.json:
            ctx.io.out(pick(f"已上报平台：{result.report.report_no}（{result.delivered_to}）",
                            f"Reported to the platform: {result.report.report_no} "
                            f"({result.delivered_to})"))
    return failed


@command("platform report")
def cmd_report(ctx: Context) -> int:
    from xinhe.export.platform_report import send_report

    args = ctx.args
    out = Path(args.out) if args.out else None
    vault = ctx.open_session()
    try:
        case_id = _services(vault).cases.find_by_number(args.case_no)
        queued = reports.report(vault, case_id, args.event, result=args.result)
        sent = send_report(vault, queued.id, outbox=out)
    finally:
        vault.close("logout")
    report = sent.report
    ctx.emit({"report_no": report.report_no, "platform_ref": report.platform_ref,
              "event": report.event, "status": report.status, "sha256": report.file_sha256,
              "file": str(sent.delivered_to) if sent.delivered_to else None},
             lambda: ctx.io.out(pick(f"上报编号 {report.report_no}：{report.status}",
                                     f"Report {report.report_no}: {report.status}")))
    if sent.failure is not None:
        ctx.io.err(sent.failure_message())
        return 1
    return 0


@command("platform send")
def cmd_send(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        failed = _send_quietly(vault, ctx, Path(ctx.args.out) if ctx.args.out else None)
        left = len(reports.unsent(vault))
    finally:
        vault.close("logout")
    ctx.emit({"waiting": left}, lambda: ctx.io.out(pick(f"仍待上报：{left}",
                                                        f"Still waiting: {left}")))
    return 1 if failed else 0


@command("platform config")
def cmd_config(ctx: Context) -> int:
    args = ctx.args
    vault = ctx.open_session()
    try:
        if args.inbox is not None:
            inbox.set_inbox_folder(vault, args.inbox)
        if args.auto_report is not None:
            reports.set_auto_events(vault, [e.strip() for e in args.auto_report.split(",")
                                            if e.strip()])
        folder = inbox.inbox_folder(vault)
        auto = reports.auto_events(vault)
    finally:
        vault.close("logout")
    events = ",".join(auto)
    ctx.emit({"inbox": str(folder) if folder else None, "auto_report": list(auto)},
             lambda: ctx.io.out(pick(f"收件箱：{folder or '（未设置）'}\n自动上报：{events}",
                                     f"Inbox: {folder or '(not set)'}\nReported "
                                     f"automatically: {events}")))
    return 0
