"""`xinhe cases extract`: the signed record of help sought for a court (求助记录证明)."""

from __future__ import annotations

from pathlib import Path

from xinhe.cli import Context, command
from xinhe.errors import InvalidInput
from xinhe.i18n import language, pick
from xinhe.records import templates as tpl
from xinhe.records.court_extract import extract_items


@command("cases extract")
def cmd_cases_extract(ctx: Context) -> int:
    from xinhe.export.court_extract import export_court_extract
    from xinhe.records.cases import CaseService

    args = ctx.args
    if not args.list and not args.out:
        raise InvalidInput("请用 --out 指定保存证明的文件夹。",
                           "Give the folder to write the extract to with --out.")
    vault = ctx.open_session()
    try:
        templates = tpl.TemplateRegistry.default(vault.setting("template_folder"))
        case_id = CaseService(vault).find_by_number(args.case_no)
        items = extract_items(vault, templates, case_id, language())
        if args.list:
            def listing() -> None:
                for item in items:
                    ctx.io.out(f"{'*' if item.default else ' '} {item.key}\t{item.label}")
            ctx.emit([{"item": i.key, "label": i.label, "default": i.default} for i in items],
                     listing)
            return 0
        chosen = {i.key for i in items if i.default} | set(args.include)
        # The court reads Chinese, whatever the language of the messages.
        result = export_court_extract(vault, templates, case_id, sorted(chosen),
                                      out_dir=Path(args.out))
    finally:
        vault.close("logout")
    record = result.record

    def text() -> None:
        ctx.io.out(pick(f"证明编号：{record.extract_no}", f"Extract: {record.extract_no}"))
        ctx.io.out(f"SHA-256: {record.sha256}")
        ctx.io.out(pick(f"已保存：{result.saved_to}", f"Saved: {result.saved_to}"))
    ctx.emit({"extract_no": record.extract_no, "case_no": result.extract.case_no,
              "sha256": record.sha256, "file": str(result.saved_to)}, text)
    return 0
