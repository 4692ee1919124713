"""Reading a studio's paper-era register: an Excel workbook (.xlsx) or a CSV file as Excel
writes it (UTF-8 with or without BOM, or GBK/GB18030 on a Chinese Windows).

The result is plain rows of cell values with the sheet's own row numbers, so every later
message can name the row a person sees in Excel. Merged cells are filled with their
top-left value (a merged header names every column it spans).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from xinhe.errors import InvalidInput

Cell = str | int | float | date | datetime | None
MAX_BYTES = 64 * 1024 * 1024  # far above any register; refuses a wrong file early

ENCODING_NAMES = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "gb18030": "GB18030/GBK"}
# Files that are plainly something else, by their first bytes.
OTHER_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"\x1f\x8b", b"7z\xbc")
OLD_EXCEL = b"\xd0\xcf\x11\xe0"


class RegisterFileError(InvalidInput):
    """The file cannot be read as a register; nothing was written."""

    code = "register_file"


def file_error(name: str, zh: str, en: str) -> RegisterFileError:
    return RegisterFileError(f"{name}：{zh}", f"{name}: {en}")


@dataclass(frozen=True)
class Sheet:
    """A register as read: its rows (sheet row number, cell values), nothing interpreted."""

    file_name: str
    fingerprint: str  # sha256 of the file's bytes
    kind: str  # "xlsx" or "csv"
    encoding: str | None  # for CSV: which encoding was used (ENCODING_NAMES' keys)
    sheet_name: str | None
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES.get(self.encoding or "", "")


def read_register(path: Path) -> Sheet:
    """Read an .xlsx or CSV register. Raises RegisterFileError (naming the file) for an
    empty file, a file that is not a spreadsheet, or a CSV in an encoding other than UTF-8
    or GB18030; never writes anything."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise file_error(name, "文件太大，不像是登记表。", "the file is too large to be a "
                             "register.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise file_error(name, "找不到这个文件。", "the file was not found.") from None
    except IsADirectoryError:
        raise file_error(name, "这是一个文件夹，不是表格文件。",
                         "this is a folder, not a spreadsheet.") from None
    except OSError:
        raise file_error(name, "无法读取这个文件。", "the file cannot be read.") from None
    if not data.strip():
        raise file_error(name, "文件是空的。", "the file is empty.")
    fingerprint = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04"):
        sheet_name, rows = _read_xlsx(name, data)
        return Sheet(name, fingerprint, "xlsx", None, sheet_name, rows)
    if data.startswith(OLD_EXCEL):
        raise file_error(name, "这是旧版 Excel（.xls）文件，"
                         "请在 Excel 中“另存为” .xlsx 或 CSV 后再导入。",
                         "this is an old Excel (.xls) file; save it as .xlsx or CSV in Excel "
                         "and import that.")
    if data.startswith(OTHER_MAGIC):
        raise _not_a_sheet(name)
    encoding, text = _decode(name, data)
    return Sheet(name, fingerprint, "csv", encoding, None, _read_csv(text))


def _not_a_sheet(name: str) -> RegisterFileError:
    return file_error(name, "这不是表格文件（应为 Excel .xlsx 或 CSV）。",
                      "this is not a spreadsheet (an Excel .xlsx or CSV file is needed).")


def _decode(name: str, data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK and GB2312)."""
    if b"\x00" in data[:4096]:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise file_error(name, "文件是 UTF-16 编码（Excel 的“Unicode 文本”），"
                             "请另存为“CSV UTF-8”或普通 CSV。",
                             "the file is in UTF-16 (Excel's 'Unicode text'); save it as "
                             "'CSV UTF-8' or plain CSV.")
        raise _not_a_sheet(name)
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    for candidate in (encoding, "gb18030"):
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise _not_a_sheet(name)
        return candidate, text
    raise file_error(name, "无法识别文件的文字编码（支持 UTF-8 和 GBK/GB18030），"
                     "请在 Excel 中另存为“CSV UTF-8”。",
                     "the text encoding cannot be recognised (UTF-8 and GBK/GB18030 are "
                     "read); save it from Excel as 'CSV UTF-8'.")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > len(sample) // 100 + 2


def _read_csv(text: str) -> tuple[tuple[int, tuple[Cell, ...]], ...]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    try:
        for values in reader:
            rows.append((reader.line_num, tuple(v.strip() or None for v in values)))
    except csv.Error:
        # An unbalanced quote: what was read so far stands; the rest is one bad row.
        rows.append((reader.line_num, ()))
    return _renumber(rows)


def _renumber(rows: list[tuple[int, tuple[Cell, ...]]]) -> tuple[tuple[int, tuple[Cell, ...]], ...]:
    """csv gives the line where a record ends; a person counts records (Excel's rows)."""
    return tuple((index, values) for index, (_line, values) in enumerate(rows, start=1))


def _read_xlsx(name: str, data: bytes) -> tuple[str, tuple[tuple[int, tuple[Cell, ...]], ...]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise file_error(name, "文件已损坏，或不是 Excel 工作簿。",
                         "the file is damaged or not an Excel workbook.") from None
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a bad file)
        raise file_error(name, "无法作为 Excel 工作簿打开。",
                         "the file cannot be opened as an Excel workbook.") from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise file_error(name, "工作簿中没有工作表。", "the workbook has no sheet.")
    grid: dict[tuple[int, int], Cell] = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, str):
                value = value.strip() or None
            if value is not None:
                grid[(cell.row, cell.column)] = value
    for merged in sheet.merged_cells.ranges:
        top_left = grid.get((merged.min_row, merged.min_col))
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if top_left is not None:
                    grid[(r, c)] = top_left
    if not grid:
        raise file_error(name, "工作表是空的。", "the sheet is empty.")
    width = max(c for _r, c in grid)
    last = max(r for r, _c in grid)
    rows = tuple((r, tuple(grid.get((r, c)) for c in range(1, width + 1)))
                 for r in range(1, last + 1))
    return sheet.title, rows
