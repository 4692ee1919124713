"""`xinhe import register` as a script runs it: dry run, import, JSON, bad input, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from conftest import ADMIN_PASSWORD
from tests.register_samples import ROWS, write_csv, write_xlsx
from xinhe import cli
from xinhe.crypto.binding import DeviceBinding

ROOT = Path(__file__).resolve().parent.parent


def run(studio, *argv: str, user: str = "admin", password: str = ADMIN_PASSWORD
        ) -> tuple[int, str, str]:  # noqa: ANN001
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(
        ["--vault", str(studio.folder.path), "--user", user, *argv])
    code = cli.run(args, cli.Io(io.StringIO(password + "\n"), out, err),
                   studio.folder.binding)
    return code, out.getvalue(), err.getvalue()


def cases(studio) -> int:  # noqa: ANN001
    return int(studio.sup.vault.db.scalar("SELECT count(*) FROM cases"))


def test_dry_run_then_import_then_again(studio, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "登记表.csv", ROWS, "gb18030")
    code, out, err = run(studio, "import", "register", str(path), "--dry-run")
    assert (code, err) == (0, "")
    assert "登记表.csv: CSV 文件，编码 GB18030/GBK" in out
    assert "  纠纷类型 → 个案类别" in out and "  序号 → （不导入）" in out
    assert ("第 3 行：将新建 · 周* · 情感纠纷 · 主动求助 · 已结案 · 2019-04-08 · "
            "结案 2019-06-20 · 陈芳") in out
    assert "周敏" not in out and "情绪低落" not in out
    assert "这是试导入，没有写入任何记录" in out and cases(studio) == 0
    code, out, err = run(studio, "import", "register", str(path))
    assert (code, err) == (0, "")
    assert "已导入 3 个个案（3 位当事人，2 条导入的情况摘要）" in out and cases(studio) == 3
    code, out, _ = run(studio, "--json", "--lang", "en", "import", "register", str(path))
    report = json.loads(out)
    assert report["imported"] is True and report["case_numbers"] == []
    assert report["counts"]["imported"] == 3 and cases(studio) == 3


def test_problems_exit_1_list_every_row_and_write_nothing(studio, tmp_path: Path) -> None:
    rows = [[*ROWS[0][:10], "李老师", *ROWS[0][11:]], ROWS[1]]
    path = write_csv(tmp_path / "登记表.csv", rows, "utf-8", bom=True)
    code, out, err = run(studio, "--lang", "en", "import", "register", str(path))
    assert code == 1
    assert err.strip() == "登记表.csv: 1 problem(s); nothing was imported."
    assert ("row 2, column '咨询师': counsellor '李老师' has no active account; add the "
            "account, or choose who takes these cases (--assign-to)") in out
    assert cases(studio) == 0
    code, out, err = run(studio, "import", "register", str(path), "--assign-to", "wang")
    assert (code, err) == (0, "") and cases(studio) == 2


def test_save_a_mapping_and_use_it(studio, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "register.xlsx")
    mapping = tmp_path / "map.json"
    code, _, err = run(studio, "import", "register", str(path), "--dry-run",
                       "--save-mapping", str(mapping))
    assert (code, err) == (0, "")
    saved = json.loads(mapping.read_text(encoding="utf-8"))
    assert saved["header_row"] == 2 and saved["columns"]["负责人"] == "counsellor"
    code, _, err = run(studio, "import", "register", str(path), "--mapping", str(mapping))
    assert (code, err) == (0, "") and cases(studio) == 3


def test_the_wrong_role_and_bad_files_get_one_line(studio, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "登记表.csv", ROWS, "gb18030")
    code, _, err = run(studio, "import", "register", str(path), user="wang",
                       password=studio.PASSWORDS["wang"])
    assert code == 1 and err.strip() == "只有管理员或督导可以导入登记表。"
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7\n" + bytes(100))
    code, _, err = run(studio, "--lang", "en", "import", "register", str(tmp_path / "scan.pdf"))
    assert code == 1 and err.strip() == ("scan.pdf: this is not a spreadsheet (an Excel .xlsx "
                                         "or CSV file is needed).")
    assert cases(studio) == 0


def test_the_installed_command_never_shows_a_traceback(tmp_path: Path,
                                                       binding: DeviceBinding) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "xinhe", "--vault", str(tmp_path / "v"), "--user", "admin",
         "--lang", "en", "import", "register", str(tmp_path / "empty.csv"), "--dry-run"],
        input="x\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
