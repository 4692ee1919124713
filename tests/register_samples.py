"""Register files as studios really have them, made in the tests: a GBK CSV as Excel on a
Chinese Windows saves it (CRLF, GB18030 bytes), a UTF-8 CSV with BOM, and an .xlsx with
merged header cells, Excel serial dates and real date cells (made with openpyxl)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

HEADER = ["序号", "姓名", "性别", "出生年月", "联系电话", "身份证号", "所属社区", "纠纷类型",
          "来源", "登记日期", "咨询师", "状态", "结案日期", "情况摘要"]

# Synthetic people; every value shaped as registers write it.
ROWS = [
    ["1", "林晓红", "女", "1991.3", "13800138001", "", "凤凰岗社区", "家暴", "平台派单",
     "2019/3/5", "王丽", "在办", "", "丈夫酒后动手，已报警"],
    ["2", "周敏", "女", "1985年7月", "13800138002", "", "西乡社区", "情感纠纷", "主动求助",
     "2019年4月8日", "陈芳", "已结案", "20190620", "与男友分手后情绪低落"],
    ["3", "吴桂兰", "女", "1962-11-02", "", "", "固戍社区", "婚姻家庭", "社区转介",
     "20190512", "wang", "跟进中", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str, *, bom: bool = False,
              header: list[str] | None = None, extra: list[list[str]] | None = None) -> Path:
    """A CSV as Excel writes it: CRLF line ends, every row as wide as the header."""
    lines = [header or HEADER, *rows, *(extra or [])]
    text = "\r\n".join(",".join(cell for cell in line) for line in lines) + "\r\n"
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def write_xlsx(path: Path, *, total_row: bool = True, blank_rows: bool = True) -> Path:
    """Two header rows (当事人信息 / 个案信息 merged across their columns, 序号 and 姓名
    merged down), dates as Excel serial numbers and as real date cells, a blank row in the
    middle and a 合计 row at the bottom."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "2019年登记表"
    sheet.append(["序号", "姓名", "当事人信息", None, None, "个案信息", None, None, None, None,
                  None, "情况摘要"])
    sheet.append([None, None, "性别", "出生日期", "联系电话", "类别", "来源", "开案日期",
                  "负责人", "状态", "结案日期", None])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:B2")
    sheet.merge_cells("C1:E1")
    sheet.merge_cells("F1:K1")
    sheet.merge_cells("L1:L2")
    sheet.append([1, "赵小梅", "女", excel_serial(date(1990, 5, 1)), 13900139001, "家庭暴力",
                  "公安转介", excel_serial(date(2019, 3, 5)), "王丽", "在办", None,
                  "邻居报警后转介"])
    if blank_rows:
        sheet.append([])
    sheet.append([2, "钱红", "女", datetime(1988, 2, 3), "13900139002", "情感纠纷", "热线",
                  datetime(2019, 6, 1), "陈芳", "已结案", datetime(2019, 9, 30), None])
    if blank_rows:
        sheet.append([None, None, "  "])
    sheet.append([3, "孙丽", "女", "1979年", "", "未成年人保护", "学校", "2019-10-08",
                  "chen", "回访", None, "女儿在校受欺凌"])
    if total_row:
        sheet.append(["合计", None, None, None, None, None, None, None, None, None, None,
                      "3 件"])
    book.save(path)
    return path
