"""`xinhe stats`: the period report as text, JSON, CSV or a signed PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from xinhe.cli import Context, command
from xinhe.crypto.files import atomic_write
from xinhe.errors import InvalidInput
from xinhe.i18n import language, pick
from xinhe.records.stats import StatsReport, StatsService
from xinhe.records.stats_figures import section_name
from xinhe.records.stats_period import Period, local_zone
from xinhe.records.stats_table import figure_rows, format_value, to_csv


def period_of(ctx: Context, today: date) -> Period:
    args = ctx.args
    if args.preset:
        if args.start or args.end:
            raise InvalidInput("请只用 --preset，或只用 --from 和 --to。",
                               "Give either --preset, or --from and --to, not both.")
        return Period.preset(args.preset, today)
    if not args.start or not args.end:
        raise InvalidInput("请用 --from 和 --to 给出统计期间（或用 --preset）。",
                           "Give the period with --from and --to (or use --preset).")
    return Period.parse(args.start, args.end)


def print_report(ctx: Context, report: StatsReport) -> None:
    out = ctx.io.out
    scope = report.scope
    out(pick(f"{report.studio} 统计报告：{report.period.start} 至 {report.period.end}"
             f"（{report.timezone}）",
             f"{report.studio} statistics: {report.period.start} to {report.period.end} "
             f"({report.timezone})"))
    if scope.counsellor_name or scope.community:
        out(pick("范围：", "Scope: ") + " · ".join(
            x for x in (scope.counsellor_name, scope.community) if x))
    if report.future:
        out(pick("注意：期间包含未来日期，数字只统计到现在。",
                 "Note: the period reaches into the future; figures count up to now."))
    section = ""
    for row in figure_rows(report):
        if row.section != section:
            section = row.section
            out()
            out(f"[{section_name(section)}]")
        value = "" if row.heading else format_value(row.value)
        out(f"{'  ' * row.depth}{row.label}\t{value}".rstrip())
    out()
    out(f"[{section_name('trend')}]")
    out("\t".join([pick("月份", "Month"), pick("服务个案", "Served"), pick("服务人次", "Persons"),
                   pick("新增", "New"), pick("高", "High"), pick("中", "Medium"),
                   pick("低", "Low"), pick("未评估", "None")]))
    for m in report.months:
        risk = ["-"] * 4 if m.risk is None else [str(m.risk[k]) for k in
                                                 ("high", "medium", "low", "none")]
        out("\t".join([m.key, str(m.cases_served), str(m.person_times), str(m.new_cases),
                       *risk]))


@command("stats")
def cmd_stats(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        service = StatsService(vault)
        period = period_of(ctx, vault.now().astimezone(local_zone()).date())
        counsellor = service.counsellor_by_login(ctx.args.counsellor) \
            if ctx.args.counsellor else None
        report = service.report(period, counsellor_id=counsellor,
                                community=ctx.args.community)
        written = None
        if ctx.args.csv:
            service.record_export(report, "csv")
            written = Path(ctx.args.csv)
            atomic_write(written, to_csv(report, language()))
        elif ctx.args.pdf:
            from xinhe.export.report import export_report_pdf

            written = Path(ctx.args.pdf)
            atomic_write(written, export_report_pdf(vault, report, language()))
    finally:
        vault.close("logout")
    if written is not None:
        ctx.emit({"written": str(written), "period": report.to_json()["period"]},
                 lambda: ctx.io.out(pick(f"已写入 {written}。", f"Written to {written}.")))
    else:
        ctx.emit(report.to_json(), lambda: print_report(ctx, report))
    return 0
