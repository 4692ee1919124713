"""Which column of a register holds what: guessed from Chinese and English headers, shown
for confirmation, and kept as a mapping file (JSON, see docs/register-import.md)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xinhe.errors import InvalidInput
from xinhe.records.register_read import Cell, Sheet, file_error

# The fields a register row can fill, with their zh/en names (for the mapping screen).
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("当事人姓名", "Client name"),
    "gender": ("性别", "Gender"),
    "birth": ("出生日期/出生年月", "Date or year of birth"),
    "phone": ("联系电话", "Phone"),
    "id_number": ("身份证号", "ID number"),
    "address": ("住址", "Address"),
    "street": ("街道", "Street"),
    "community": ("社区", "Community"),
    "category": ("个案类别", "Case category"),
    "source": ("个案来源", "Case source"),
    "opened_at": ("开案日期", "Date opened"),
    "counsellor": ("负责咨询师", "Counsellor"),
    "status": ("个案状态", "Case status"),
    "closed_at": ("结案日期", "Date closed"),
    "summary": ("情况摘要", "Summary"),
    "platform_ref": ("平台编号", "Platform reference"),
}
REQUIRED = ("name", "category", "source", "opened_at")

# Header texts (normalised: see header_key) that name each field.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "当事人姓名", "当事人", "求助人", "求助人姓名", "来访者", "来访者姓名",
             "服务对象", "服务对象姓名", "客户姓名", "name", "clientname", "client"),
    "gender": ("性别", "gender", "sex"),
    "birth": ("出生日期", "出生年月", "出生年月日", "生日", "出生", "birthdate", "dateofbirth",
              "dob", "birth", "born"),
    "phone": ("电话", "联系电话", "联系方式", "手机", "手机号", "手机号码", "电话号码", "phone",
              "telephone", "mobile", "tel"),
    "id_number": ("身份证号", "身份证号码", "身份证", "证件号码", "证件号", "idnumber", "idno",
                  "idcard"),
    "address": ("住址", "地址", "家庭住址", "现住址", "居住地址", "联系地址", "address"),
    "street": ("街道", "所属街道", "所在街道", "street"),
    "community": ("社区", "所属社区", "所在社区", "community"),
    "category": ("类别", "纠纷类型", "个案类别", "案件类型", "个案类型", "问题类型", "求助类型",
                 "类型", "category", "type", "casetype"),
    "source": ("来源", "个案来源", "案件来源", "求助途径", "来源渠道", "source", "referredby"),
    "opened_at": ("开案日期", "登记日期", "接案日期", "受理日期", "开案时间", "登记时间",
                  "接案时间", "求助日期", "dateopened", "opened", "opendate", "intakedate",
                  "registered", "date"),
    "counsellor": ("负责人", "咨询师", "负责咨询师", "经办人", "跟进人", "承办人", "社工",
                   "counsellor", "counselor", "responsible", "caseworker"),
    "status": ("状态", "个案状态", "办理状态", "进展", "status"),
    "closed_at": ("结案日期", "结案时间", "dateclosed", "closed", "closuredate"),
    "summary": ("情况摘要", "摘要", "情况简述", "基本情况", "简要情况", "案情摘要", "备注",
                "summary", "notes", "note", "remarks"),
    "platform_ref": ("平台编号", "平台单号", "工单号", "工单编号", "platformref", "reference",
                     "ref"),
}
_BY_HEADER = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
HEADER_SCAN_ROWS = 15
MAPPING_FORMAT = 1


def header_key(value: Cell) -> str:
    """A header as compared: width-folded, lower case, without spaces, marks such as * or
    a trailing colon, and a note in brackets (姓名（必填） → 姓名)."""
    text = unicodedata.normalize("NFKC", str(value or "")).lower()
    for bracket in ("(", "["):
        if bracket in text and not text.startswith(bracket):
            text = text.split(bracket, 1)[0]
    return "".join(ch for ch in text if ch.isalnum())


def guess_field(value: Cell) -> str | None:
    return _BY_HEADER.get(header_key(value))


@dataclass
class Mapping:
    """What each column holds (by its header text), and extra words for vocabulary values:
    `values["category"]["家暴案"] = "domestic_violence"`; `defaults` fill blank cells or
    missing columns (`{"source": "platform"}` for a sheet of platform cases)."""

    columns: dict[str, str | None] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    header_row: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"xinhe_register_mapping": MAPPING_FORMAT, "header_row": self.header_row,
                "columns": self.columns, "values": self.values, "defaults": self.defaults}


def load_mapping(path: Path) -> Mapping:
    """A mapping file as documented; a clear message naming the file if it is not one."""
    name = path.name
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise file_error(name, "找不到映射文件。", "the mapping file was not found.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise file_error(name, "映射文件不是有效的 JSON。",
                         "the mapping file is not valid JSON.") from None
    if not isinstance(raw, dict) or raw.get("xinhe_register_mapping") != MAPPING_FORMAT:
        raise file_error(name, "这不是馨和登记表映射文件（缺少 \"xinhe_register_mapping\": 1）。",
                         "this is not a Xinhe register mapping file (\"xinhe_register_mapping\""
                         ": 1 is missing).")
    columns = raw.get("columns", {})
    values = raw.get("values", {})
    defaults = raw.get("defaults", {})
    header_row = raw.get("header_row")
    ok = (isinstance(columns, dict) and all(v is None or v in FIELDS for v in columns.values())
          and isinstance(values, dict) and all(
              k in FIELDS and isinstance(v, dict) for k, v in values.items())
          and isinstance(defaults, dict) and all(k in FIELDS for k in defaults)
          and (header_row is None or isinstance(header_row, int)))
    if not ok:
        raise file_error(name, "映射文件中有无法识别的字段，可用的字段：" + ", ".join(FIELDS),
                         "the mapping file names unknown fields; the fields are: "
                         + ", ".join(FIELDS))
    return Mapping({str(k): v for k, v in columns.items()},
                   {k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
                   {k: str(v) for k, v in defaults.items()}, header_row)


def save_mapping(path: Path, mapping: Mapping) -> None:
    """Write the mapping as JSON (UTF-8, readable and editable by hand)."""
    try:
        path.write_text(json.dumps(mapping.to_json(), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
    except OSError:
        raise file_error(path.name, "无法写入映射文件。",
                         "the mapping file cannot be written.") from None


@dataclass(frozen=True)
class Layout:
    """Where the header is and which field each column holds (by column index)."""

    header_row: int
    headers: tuple[str, ...]  # the header texts as written
    fields: dict[int, str]

    def column_of(self, field_name: str) -> int | None:
        return next((i for i, f in self.fields.items() if f == field_name), None)


def _texts(values: tuple[Cell, ...]) -> tuple[str, ...]:
    return tuple("" if v is None else str(v).strip() for v in values)


def find_layout(sheet: Sheet, mapping: Mapping | None = None) -> Layout:
    """The header row (the one among the first rows naming the most known fields, or the
    mapping's) and each column's field. Raises RegisterFileError when no row looks like a
    register's header or a required field has no column."""
    mapping = mapping or Mapping()
    best: Layout | None = None
    # A mapping that names the header row may put it below the rows scanned for a guess.
    candidates = sheet.rows if mapping.header_row is not None else sheet.rows[:HEADER_SCAN_ROWS]
    for row_no, values in candidates:
        if mapping.header_row is not None and row_no != mapping.header_row:
            continue
        headers = _texts(values)
        fields: dict[int, str] = {}
        for index, text in enumerate(headers):
            chosen = mapping.columns[text] if text in mapping.columns else guess_field(text)
            if chosen and chosen not in fields.values():
                fields[index] = chosen
        if best is None or len(fields) > len(best.fields):
            best = Layout(row_no, headers, fields)
    if best is None or len(best.fields) < 2 or "name" not in best.fields.values():
        raise file_error(
            sheet.file_name,
            f"在前 {HEADER_SCAN_ROWS} 行中找不到可识别的表头（应有“姓名”“开案日期”“类别”等列名）。"
            "如果表头用了其他名称，请用映射文件说明各列的含义。",
            f"no recognisable header in the first {HEADER_SCAN_ROWS} rows (columns such as "
            "姓名/name, 开案日期/date opened, 类别/category are expected). If the headers use "
            "other words, give a mapping file that says what each column holds.")
    missing = [f for f in REQUIRED if f not in best.fields.values() and f not in mapping.defaults]
    if missing:
        zh = "、".join(FIELDS[f][0] for f in missing)
        en = ", ".join(FIELDS[f][1] for f in missing)
        raise file_error(sheet.file_name,
                         f"第 {best.header_row} 行的表头缺少这些列：{zh}。"
                         "请在映射中指定，或在映射文件的 defaults 中给出统一的值。",
                         f"the header in row {best.header_row} has no column for: {en}. Map a "
                         "column to it, or give one value for every row in the mapping "
                         "file's defaults.")
    return best


def mapping_from_layout(layout: Layout, base: Mapping | None = None) -> Mapping:
    """The mapping a confirmed layout amounts to, ready to save for next time."""
    base = base or Mapping()
    columns: dict[str, str | None] = {}
    for index, text in enumerate(layout.headers):
        if text:
            columns[text] = layout.fields.get(index)
    return Mapping(columns, dict(base.values), dict(base.defaults), layout.header_row)


def check_field(name: str) -> str:
    if name not in FIELDS:
        raise InvalidInput(f"未知的登记表字段：{name}", f"Unknown register field: {name}")
    return name
