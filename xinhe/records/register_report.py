"""The dry run's report in words (zh/en) and as JSON: one text for the command line and
the import wizard. It holds no client details: masked names, case structure, problems."""

from __future__ import annotations

from typing import Any

from xinhe.i18n import pick
from xinhe.records import vocab
from xinhe.records.register_import import ImportPlan
from xinhe.records.register_map import FIELDS
from xinhe.records.register_plan import RowPlan

ACTIONS = {
    "create": ("将新建", "will be created"),
    "imported": ("已导入过，跳过", "imported before, skipped"),
    "repeat": ("与前面一行相同，跳过", "same as an earlier row, skipped"),
    "total": ("合计行，忽略", "total row, ignored"),
    "error": ("有问题", "has problems"),
}


def field_name(name: str | None) -> str:
    return pick(*FIELDS[name]) if name in FIELDS else pick("（不导入）", "(not imported)")


def source_lines(plan: ImportPlan) -> list[str]:
    """The file as read: its kind, the encoding used, the header row and each column."""
    sheet = plan.sheet
    kind = (pick(f"Excel 工作簿，工作表“{sheet.sheet_name}”", f"Excel workbook, sheet "
                 f"'{sheet.sheet_name}'") if sheet.kind == "xlsx" else
            pick(f"CSV 文件，编码 {sheet.encoding_name}", f"CSV file, encoding "
                 f"{sheet.encoding_name}"))
    lines = [f"{sheet.file_name}: {kind}",
             pick(f"表头在第 {plan.layout.header_row} 行：", f"Header in row "
                  f"{plan.layout.header_row}:")]
    for index, header in enumerate(plan.layout.headers):
        if header:
            lines.append(f"  {header} → {field_name(plan.layout.fields.get(index))}")
    return lines


def row_line(row: RowPlan) -> str:
    """One row: what would be made of it, in the current language."""
    head = pick(f"第 {row.row} 行：{ACTIONS[row.action][0]}",
                f"Row {row.row}: {ACTIONS[row.action][1]}")
    if row.action == "total":
        return head
    parts = [row.client,
             vocab.label(vocab.CATEGORIES, row.category),
             vocab.label(vocab.SOURCES, row.source),
             vocab.label(vocab.STATUSES, row.status),
             row.opened_on or "",
             (pick("结案 ", "closed ") + row.closed_on) if row.closed_on else "",
             row.counsellor or "",
             pick("（统一指定的负责人）", "(assigned)") if row.assigned else "",
             pick("附情况摘要", "with summary note") if row.has_note else ""]
    if row.same_as:
        parts.append(pick(f"同第 {row.same_as} 行", f"as row {row.same_as}"))
    line = head + " · " + " · ".join(p for p in parts if p)
    for problem in row.problems:
        line += "\n    " + problem.message()
    return line


def count_lines(plan: ImportPlan) -> list[str]:
    lines = [pick(
        f"将新建 {plan.count('create')} 个个案；已导入过 {plan.count('imported')} 行；"
        f"重复 {plan.count('repeat')} 行；有问题 {plan.count('error')} 行；"
        f"忽略合计行 {plan.count('total')} 行、空行 {plan.blank_rows} 行。",
        f"{plan.count('create')} case(s) to create; {plan.count('imported')} row(s) imported "
        f"before; {plan.count('repeat')} repeated; {plan.count('error')} with problems; "
        f"{plan.count('total')} total row(s) and {plan.blank_rows} blank row(s) ignored.")]
    for field, values in plan.unmatched().items():
        listed = "、".join(f"“{v}”×{n}" for v, n in values.most_common())
        lines.append(pick(f"未能对应的{FIELDS[field][0]}：{listed}",
                          f"{FIELDS[field][1]} values that matched nothing: {listed}"))
    return lines


def plan_json(plan: ImportPlan) -> dict[str, Any]:
    sheet = plan.sheet
    return {
        "file": sheet.file_name, "kind": sheet.kind, "encoding": sheet.encoding,
        "sheet": sheet.sheet_name, "header_row": plan.layout.header_row,
        "columns": {h: plan.layout.fields.get(i) for i, h in enumerate(plan.layout.headers)
                    if h},
        "counts": {a: plan.count(a) for a in ACTIONS} | {"blank": plan.blank_rows},
        "unmatched": {f: dict(v) for f, v in plan.unmatched().items()},
        "rows": [{"row": r.row, "action": r.action, "client": r.client,
                  "category": r.category, "source": r.source, "status": r.status,
                  "opened": r.opened_on, "closed": r.closed_on, "counsellor": r.counsellor,
                  "assigned": r.assigned, "note": r.has_note, "same_as": r.same_as,
                  "problems": [{"row": p.row, "column": p.column, "zh": p.zh, "en": p.en}
                               for p in r.problems]} for r in plan.rows],
    }
