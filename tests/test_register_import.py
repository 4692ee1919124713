"""Importing a studio's register: real-shaped files made here, imported into a real
encrypted vault, and what a counsellor, a supervisor and the auditor then find."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import ServerStudio, Studio
from tests.register_samples import HEADER, ROWS, write_csv, write_xlsx
from xinhe.errors import AccessDenied, InvalidInput
from xinhe.records.register_import import RegisterProblems, import_register, plan_import
from xinhe.records.register_report import row_line

pytestmark = pytest.mark.both_backends


def importer(studio: Studio) -> Any:
    """Who imports: the administrator in the vault; on the studio server, where an
    administrator has no case content to read or write, a supervisor."""
    return studio.sup if isinstance(studio, ServerStudio) else studio.admin


def who(studio: Studio) -> str:
    return str(importer(studio).vault.actor.username)


def count(vault, table: str) -> int:  # noqa: ANN001
    return int(vault.db.scalar(f"SELECT count(*) FROM {table}"))


def audit_actions(vault) -> list[tuple[str, str, str]]:  # noqa: ANN001
    return [(r["user"], r["action"], r["outcome"]) for r in vault.db.all(
        "SELECT \"user\", action, outcome FROM audit_event WHERE action LIKE 'register.%'"
        " ORDER BY seq")]


def test_a_gbk_csv_as_excel_writes_it_becomes_the_counsellors_cases(studio, tmp_path: Path
                                                                    ) -> None:
    path = write_csv(tmp_path / "2019年个案登记表.csv", ROWS, "gb18030")
    assert b"\r\n" in path.read_bytes() and "林晓红".encode("gb18030") in path.read_bytes()
    admin = importer(studio).vault
    result = import_register(admin, path)
    assert result.plan.sheet.encoding == "gb18030"
    assert (result.created_cases, result.created_clients, result.notes) == (3, 3, 2)
    wang = {c.client_name: c for c in studio.wang.cases.find()}
    assert set(wang) == {"林晓红", "吴桂兰"}  # 吴桂兰's sheet names the login "wang"
    dv = wang["林晓红"]
    assert (dv.category, dv.source, dv.status) == ("domestic_violence", "platform", "active")
    header = studio.wang.cases.header(dv.id)
    assert header.client.birth_year == 1991 and header.client.birth_date is None
    assert header.client.phone == "13800138001"
    assert header.client.street == "西乡街道"  # from the community 凤凰岗社区
    assert dv.opened_at.startswith("2019-03-0")
    closed = studio.chen.cases.find()
    assert [(c.client_name, c.status) for c in closed] == [("周敏", "closed")]
    assert closed[0].closed_at.startswith("2019-06-2")
    assert studio.chen.cases.header(closed[0].id).client.birth_year == 1985
    # The summary is an imported note on the case, not a signed session.
    notes = studio.wang.notes.addenda("import", dv.id)
    assert [n.text for n in notes] == ["丈夫酒后动手，已报警"]
    assert count(admin, "sessions") == 0
    timeline = studio.wang.timeline(dv.id)
    assert [(e.kind, e.detail) for e in timeline] == [
        ("imported", "2:2019年个案登记表.csv")]
    assert studio.wang.search("酒后")[0].case_id == dv.id


def test_the_import_marks_every_record_with_its_file_and_row(studio, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "登记表.csv", ROWS, "utf-8", bom=True)
    plan = import_register(importer(studio).vault, path).plan
    assert plan.sheet.encoding == "utf-8-sig"
    rows = studio.sup.vault.db.all(
        "SELECT c.import_source, c.import_row, cl.import_source AS client_source,"
        " cl.import_row AS client_row, u.username AS creator FROM cases c"
        " JOIN clients cl ON cl.id = c.client_id JOIN users u ON u.id = c.created_by"
        " ORDER BY c.import_row")
    assert [tuple(r) for r in rows] == [("登记表.csv", n, "登记表.csv", n, who(studio))
                                        for n in (2, 3, 4)]


def test_an_xlsx_with_merged_headers_serial_dates_blank_and_total_rows(studio, tmp_path: Path
                                                                       ) -> None:
    path = write_xlsx(tmp_path / "register.xlsx")
    plan = plan_import(importer(studio).vault, path)
    assert plan.layout.header_row == 2
    assert plan.layout.fields[1] == "name" and plan.layout.fields[11] == "summary"
    assert [(r.row, r.action) for r in plan.rows] == [
        (3, "create"), (5, "create"), (7, "create"), (8, "total")]
    assert plan.blank_rows == 2
    assert [(r.opened_on, r.closed_on) for r in plan.rows[:3]] == [
        ("2019-03-05", None), ("2019-06-01", "2019-09-30"), ("2019-10-08", None)]
    import_register(importer(studio).vault, path)
    clients = {r["name"]: (r["birth_date"], r["birth_year"]) for r in
               studio.sup.vault.db.all("SELECT name, birth_date, birth_year FROM clients")}
    assert clients == {"赵小梅": ("1990-05-01", 1990), "钱红": ("1988-02-03", 1988),
                       "孙丽": (None, 1979)}
    statuses = sorted((c.client_name, c.status, c.counsellor_name)
                      for c in studio.sup.cases.find())
    assert statuses == [("孙丽", "followup", "陈芳"), ("赵小梅", "active", "王丽"),
                        ("钱红", "closed", "陈芳")]


def test_the_dry_run_reports_row_by_row_and_writes_nothing(studio, tmp_path: Path) -> None:
    rows = [ROWS[0], [*ROWS[1][:9], "2019年13月40日", *ROWS[1][10:]],
            [*ROWS[2][:7], "传销", *ROWS[2][8:]]]
    path = write_csv(tmp_path / "登记表.csv", rows, "gb18030")
    admin = importer(studio).vault
    plan = plan_import(admin, path)
    assert [r.action for r in plan.rows] == ["create", "error", "error"]
    lines = [row_line(r) for r in plan.rows]
    assert lines[0].startswith(
        "第 2 行：将新建 · 林*红 · 家庭暴力 · 平台分拨 · 跟进中 · 2019-03-05")
    assert "林晓红" not in "\n".join(lines) and "酒后" not in "\n".join(lines)
    assert "第 3 行“登记日期”列：无法识别这个日期" in lines[1]
    assert "第 4 行“纠纷类型”列：“传销”不是可识别的个案类别" in lines[2]
    assert dict(plan.unmatched()["category"]) == {"传销": 1}
    assert (count(admin, "cases"), count(admin, "clients")) == (0, 0)
    assert audit_actions(admin) == [(who(studio), "register.dry_run", "1 to create, 2 problems")]


def test_one_bad_row_and_nothing_is_written(studio, tmp_path: Path) -> None:
    rows = [*ROWS, [*ROWS[0][:1], "郑某", *ROWS[0][2:9], "2019-02-30", *ROWS[0][10:]]]
    path = write_csv(tmp_path / "登记表.csv", rows, "utf-8")
    admin = importer(studio).vault
    with pytest.raises(RegisterProblems) as refused:
        import_register(admin, path)
    assert [p.message("en") for p in refused.value.plan.problems] == [
        "row 5, column '登记日期': the date cannot be read (write it as 2019-03-05, 2019/3/5, "
        "2019年3月5日 or 20190305)"]
    assert "登记表.csv" in refused.value.en and "nothing was imported" in refused.value.en
    assert (count(admin, "cases"), count(admin, "clients"), count(admin, "addenda"),
            count(admin, "search_doc")) == (0, 0, 0, 0)
    assert audit_actions(admin)[-1] == (who(studio), "register.import", "refused:1 problems")


def test_importing_the_same_rows_again_creates_nothing(studio, tmp_path: Path) -> None:
    admin = importer(studio).vault
    first = write_csv(tmp_path / "登记表.csv", ROWS, "gb18030")
    assert import_register(admin, first).created_cases == 3
    assert import_register(admin, first).created_cases == 0
    # Re-saved as UTF-8, rows reordered, a summary and a status edited, one row added.
    edited = [ROWS[2], [*ROWS[0][:11], "已结案", "2019-08-01", "已申请保护令"], ROWS[1],
              ["4", "冯娟", "女", "1993.12", "13800138004", "", "西乡社区", "家庭暴力", "公安转介",
               "2019-09-09", "陈芳", "在办", "", ""]]
    again = write_csv(tmp_path / "登记表（修订）.csv", edited, "utf-8", bom=True)
    result = import_register(admin, again)
    assert [(r.row, r.action) for r in result.plan.rows] == [
        (2, "imported"), (3, "imported"), (4, "imported"), (5, "create")]
    assert result.created_cases == 1 and count(admin, "cases") == 4
    assert [tuple(r) for r in admin.db.all("SELECT action, outcome FROM audit_event WHERE"
                                           " action = 'register.import' ORDER BY seq")] == [
        ("register.import", "3 cases created, 0 already imported, 0 repeated rows"),
        ("register.import", "0 cases created, 3 already imported, 0 repeated rows"),
        ("register.import", "1 cases created, 3 already imported, 0 repeated rows")]


def test_a_row_repeated_in_the_sheet_is_created_once(studio, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "登记表.csv", [*ROWS, ROWS[0]], "utf-8")
    result = import_register(importer(studio).vault, path)
    assert [(r.action, r.same_as) for r in result.plan.rows][-1] == ("repeat", 2)
    assert result.created_cases == 3


def test_counsellors_are_matched_by_name_or_login_else_the_importer_chooses(
        studio, tmp_path: Path) -> None:
    rows = [ROWS[0], [*ROWS[1][:10], "李老师", *ROWS[1][11:]], [*ROWS[2][:10], "", *ROWS[2][11:]]]
    path = write_csv(tmp_path / "登记表.csv", rows, "gb18030")
    plan = plan_import(importer(studio).vault, path)
    assert [p.message("zh") for p in plan.problems] == [
        "第 3 行“咨询师”列：咨询师“李老师”没有在用的账户；"
        "请先建账户，或指定统一负责人（--assign-to）",
        "第 4 行“咨询师”列：没有写负责咨询师；请指定统一负责人（--assign-to）"]
    with pytest.raises(InvalidInput, match="staff"):
        plan_import(importer(studio).vault, path, assign_to="staff")
    result = import_register(importer(studio).vault, path, assign_to="chen")
    assert [(r.counsellor, r.assigned) for r in result.plan.rows] == [
        ("王丽", False), ("陈芳", True), ("陈芳", False)]
    assert sorted(c.client_name for c in studio.chen.cases.find()) == ["吴桂兰", "周敏"]


def test_only_the_admin_or_a_supervisor_imports_and_the_admin_still_sees_no_content(
        studio, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "登记表.csv", ROWS, "gb18030")
    for person in (studio.wang, studio.staff):
        with pytest.raises(AccessDenied):
            plan_import(person.vault, path)
        with pytest.raises(AccessDenied):
            import_register(person.vault, path)
    assert count(importer(studio).vault, "cases") == 0
    assert ("wang", "register.import", "refused") in audit_actions(importer(studio).vault)
    if isinstance(studio, ServerStudio):  # there the administrator writes no case content
        with pytest.raises(AccessDenied, match="督导"):
            import_register(studio.admin.vault, path)
        assert count(studio.sup.vault, "cases") == 0
    import_register(importer(studio).vault, path)
    case_id = next(c.id for c in studio.sup.cases.find() if c.client_name == "林晓红")
    assert studio.sup.notes.addenda("import", case_id)
    with pytest.raises(AccessDenied):
        studio.admin.cases.header(case_id)
    with pytest.raises(AccessDenied):
        studio.admin.notes.addenda("import", case_id)
    with pytest.raises(AccessDenied):  # staff see headers, never the imported note
        studio.staff.notes.addenda("import", case_id)
    second = write_xlsx(tmp_path / "register.xlsx")
    assert import_register(studio.sup.vault, second).created_cases == 3


def test_a_refused_role_is_told_who_imports_where_it_works(studio, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "登记表.csv", ROWS, "gb18030")
    if isinstance(studio, ServerStudio):  # the administrator has no case content there
        refused = {"wang": ("在工作室服务器上，只有督导可以导入登记表。",
                            "On the studio server only a supervisor can import a register."),
                   "staff": ("在工作室服务器上，只有督导可以导入登记表。",
                             "On the studio server only a supervisor can import a register."),
                   "admin": ("在工作室服务器上，登记表由督导导入（管理员账户不能写入个案内容）。",
                             "On the studio server a supervisor imports the register (an "
                             "administrator account cannot write case content).")}
    else:
        refused = {name: ("只有管理员或督导可以导入登记表。",
                          "Only an administrator or a supervisor can import a register.")
                   for name in ("wang", "staff")}
    people = {"wang": studio.wang, "staff": studio.staff, "admin": studio.admin}
    for name, (zh, en) in refused.items():
        with pytest.raises(AccessDenied) as raised:
            plan_import(people[name].vault, path)
        assert (raised.value.zh, raised.value.en) == (zh, en)
    assert count(importer(studio).vault, "cases") == 0


BAD_FILES = {
    "empty.csv": (b"", "empty.csv：文件是空的。"),
    "photo.xlsx": (b"\x89PNG\r\n\x1a\n" + bytes(200), "photo.xlsx：这不是表格文件"),
    "binary.csv": (bytes(range(256)) * 4, "binary.csv：这不是表格文件"),
    "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
                "old.xls：这是旧版 Excel（.xls）"),
    "unicode.csv": ("姓名\t开案日期\r\n".encode("utf-16"), "unicode.csv：文件是 UTF-16 编码"),
    "broken.xlsx": (b"PK\x03\x04" + bytes(100), "broken.xlsx：文件已损坏"),
    "notes.csv": ("会议纪要\r\n今天讨论了排班\r\n".encode(),
                  "notes.csv：在前 15 行中找不到可识别的表头"),
    "header-only.csv": (",".join(HEADER).encode() + b"\r\n",
                        "header-only.csv：第 1 行表头之下没有数据行"),
    "no-dates.csv": ("姓名,类别,来源\r\n林某,家暴,平台\r\n".encode(),
                     "no-dates.csv：第 1 行的表头缺少这些列：开案日期"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_file_that_cannot_be_a_register_is_named_and_nothing_is_written(
        studio, tmp_path: Path, name: str) -> None:
    data, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InvalidInput) as refused:
        import_register(importer(studio).vault, path)
    assert refused.value.zh.startswith(message)
    assert refused.value.en.startswith(name + ": ")
    assert count(importer(studio).vault, "cases") == 0


def test_a_missing_file_is_named(studio, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_import(importer(studio).vault, tmp_path / "missing.xlsx")
    assert refused.value.en == "missing.xlsx: the file was not found."
