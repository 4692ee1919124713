#!/usr/bin/env python3
"""Importing a 10,000-row register into a fresh encrypted vault: reading the file (.xlsx and
a GBK CSV), the dry run, the import (one transaction), and importing the same file again.

    .venv/bin/python benchmarks/bench_register_import.py [--rows 10000]

Target (DESIGN): 10,000 register rows imported in ≤ 30 s on the local vault. Prints a
Markdown table and the machine's load before and after. Synthetic rows only.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import GIVEN, SURNAMES  # noqa: E402
from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.crypto.kdf import KdfParams  # noqa: E402
from xinhe.records.accounts import AccountService  # noqa: E402
from xinhe.records.register_import import import_register, plan_import  # noqa: E402
from xinhe.records.register_read import read_register  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402

HEADER = ["序号", "姓名", "性别", "出生年月", "联系电话", "所属社区", "纠纷类型", "来源",
          "登记日期", "咨询师", "状态", "结案日期", "情况摘要"]
CATEGORIES = ["家暴", "家庭暴力", "情感纠纷", "婚姻家庭", "未成年人保护", "心理危机", "其他"]
SOURCES = ["平台派单", "主动求助", "公安转介", "社区转介", "热线", "法院", "学校", "医院"]
COMMUNITIES = ["凤凰岗社区", "西乡社区", "固戍社区", "海裕社区", "黄田社区", "沙井社区"]
COUNSELLORS = ["王丽", "陈芳", "李静", "张敏", "刘洋", "杨帆"]


class MemoryKeyring:
    """A secure-keyring stand-in, as the tests use (the benchmark times the import only)."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def rows(count: int) -> list[list[Any]]:
    rng = random.Random(16)
    start = date(2017, 1, 1)
    out = []
    for n in range(1, count + 1):
        opened = start + timedelta(days=rng.randrange(0, 2500))
        closed = opened + timedelta(days=rng.randrange(10, 200)) if rng.random() < 0.6 else None
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        out.append([n, name, "女", f"{rng.randrange(1950, 2008)}.{rng.randrange(1, 13)}",
                    f"139{rng.randrange(10**8):08d}", rng.choice(COMMUNITIES),
                    rng.choice(CATEGORIES), rng.choice(SOURCES), opened.isoformat(),
                    rng.choice(COUNSELLORS), "已结案" if closed else "在办",
                    closed.isoformat() if closed else "",
                    "当事人来电求助，" + "情况说明" * rng.randrange(5, 40)])
    return out


def write_files(folder: Path, data: list[list[Any]]) -> tuple[Path, Path]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    xlsx = folder / "register.xlsx"
    book.save(xlsx)
    csv = folder / "register.csv"
    text = "\r\n".join(",".join(str(c) for c in line) for line in [HEADER, *data]) + "\r\n"
    csv.write_bytes(text.encode("gb18030"))
    return xlsx, csv


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = rows(args.rows)
        xlsx, csv = write_files(work, data)
        folder = VaultFolder(work / "vault", DeviceBinding(MemoryKeyring()),  # type: ignore[arg-type]
                             kdf=KdfParams.cheap_for_tests())
        admin, _ = folder.create("馨和家园", "admin", "管理员", "admin-pass-1")
        accounts = AccountService(admin)
        for n, name in enumerate(COUNSELLORS):
            accounts.add_user(f"c{n}", name, "counsellor", f"counsellor-pass-{n}")
        results = []
        seconds, sheet = timed(lambda: read_register(xlsx))
        results.append(("read the .xlsx", seconds))
        seconds, _ = timed(lambda: read_register(csv))
        results.append(("read the GBK CSV", seconds))
        seconds, plan = timed(lambda: plan_import(admin, sheet))
        assert plan.ok and plan.count("create") == args.rows
        results.append(("dry run (every row checked)", seconds))
        seconds, done = timed(lambda: import_register(admin, sheet))
        assert done.created_cases == args.rows
        results.append(("import (one transaction)", seconds))
        total = results[0][1] + seconds
        seconds, again = timed(lambda: import_register(admin, read_register(csv)))
        assert again.created_cases == 0
        results.append(("the same rows again, from the CSV (creates nothing)", seconds))
        cases = admin.db.scalar("SELECT count(*) FROM cases")
        size = folder.db_path.stat().st_size
        admin.close()
    load_after = os.getloadavg()
    print(f"Register import, {args.rows:,} rows ({len(COUNSELLORS)} counsellors, 60% closed, "
          f"every row with a summary); vault afterwards {cases:,} cases, "
          f"{size / 1024 / 1024:.1f} MB. Load {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after ({os.cpu_count()} CPUs).\n")
    print("| step | seconds |\n|---|---:|")
    for name, value in results:
        print(f"| {name} | {value:.2f} |")
    print(f"| **read the .xlsx + import** (target ≤ 30 s) | **{total:.2f}** |")


if __name__ == "__main__":
    main()
