"""`xinhe import register`: bring a studio's Excel or CSV register into the vault (admin or
supervisor). A dry run reports every row; the import is all-or-nothing."""

from __future__ import annotations

from pathlib import Path

from xinhe.cli import Context, command
from xinhe.i18n import pick
from xinhe.records.register_import import (
    ImportPlan,
    RegisterProblems,
    import_register,
    plan_import,
)
from xinhe.records.register_map import load_mapping, mapping_from_layout, save_mapping
from xinhe.records.register_read import read_register
from xinhe.records.register_report import count_lines, plan_json, row_line, source_lines


@command("import register")
def import_register_command(ctx: Context) -> int:
    args = ctx.args
    path = Path(args.file)
    mapping = load_mapping(Path(args.mapping)) if args.mapping else None
    sheet = read_register(path)  # a file that is no register is told before the password
    vault = ctx.open_session()
    try:
        if args.dry_run:
            plan = plan_import(vault, sheet, mapping=mapping, assign_to=args.assign_to)
        else:
            try:
                result = import_register(vault, sheet, mapping=mapping,
                                         assign_to=args.assign_to)
            except RegisterProblems as refused:
                plan = refused.plan
            else:
                plan = result.plan
    finally:
        vault.close()
    if args.save_mapping:
        save_mapping(Path(args.save_mapping), mapping_from_layout(plan.layout, mapping))
    if args.dry_run or not plan.ok:
        ctx.emit(plan_json(plan) | {"imported": False}, lambda: _print_plan(ctx, plan))
        if plan.ok:
            return 0
        ctx.io.err(pick(f"{path.name}：有 {len(plan.problems)} 处问题，没有导入任何记录。",
                        f"{path.name}: {len(plan.problems)} problem(s); nothing was imported."))
        return 1

    def text() -> None:
        for line in count_lines(plan)[1:]:
            ctx.io.out(line)
        ctx.io.out(pick(
            f"{path.name}：已导入 {result.created_cases} 个个案"
            f"（{result.created_clients} 位当事人，{result.notes} 条导入的情况摘要）；"
            f"已导入过的 {plan.count('imported')} 行未重复创建。",
            f"{path.name}: imported {result.created_cases} case(s) ({result.created_clients} "
            f"client(s), {result.notes} imported summary note(s)); {plan.count('imported')} "
            "row(s) imported before were not created again."))

    ctx.emit(plan_json(plan) | {"imported": True, "case_numbers": list(result.case_numbers)},
             text)
    return 0


def _print_plan(ctx: Context, plan: ImportPlan) -> None:
    for line in source_lines(plan):
        ctx.io.out(line)
    ctx.io.out()
    for row in plan.rows:
        ctx.io.out(row_line(row))
    ctx.io.out()
    for line in count_lines(plan):
        ctx.io.out(line)
    if plan.ok:
        ctx.io.out(pick("这是试导入，没有写入任何记录。去掉 --dry-run 即可导入。",
                        "This was a dry run; nothing was written. Run again without "
                        "--dry-run to import."))
