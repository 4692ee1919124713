"""`xinhe stats` as a script or a person would run it, on a demo vault."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import InMemoryKeyring
from test_cli import Run
from xinhe.crypto.binding import DeviceBinding

SUP = ("--user", "zhoujing")
SUP_PASSWORD = "xinhe-zhoujing\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Run:
    run = Run(tmp_path_factory.mktemp("cli") / "vault", DeviceBinding(InMemoryKeyring()))
    code, _, err = run("demo", "--cases", "30", "--seed", "5")
    assert code == 0, err
    return run


def year() -> tuple[str, str]:
    today = date.today()
    return (today - timedelta(days=365)).isoformat(), today.isoformat()


def test_json_report(demo: Run) -> None:
    start, end = year()
    code, out, err = demo("stats", "--from", start, "--to", end, "--json", *SUP,
                          stdin=SUP_PASSWORD)
    assert code == 0, err
    data = json.loads(out)
    assert data["period"]["from"] == start and not data["period"]["future"]
    assert data["new_cases"]["total"] == sum(data["new_cases"]["by_category"].values()) > 0
    assert data["crises"]["total"] == sum(data["crises"]["by_kind"].values())
    assert data["served"]["person_times"] >= data["served"]["sessions"] > 0
    assert data["scope"] == {"counsellor": None, "community": None, "own_caseload": False}


def test_text_report_with_a_preset(demo: Run) -> None:
    code, out, err = demo("stats", "--preset", "ytd", *SUP, stdin=SUP_PASSWORD)
    assert code == 0, err
    assert "统计报告" in out and "[咨询服务]" in out and "服务人次\t" in out
    assert "[月度趋势]" in out
    code, out, _ = demo("--lang", "en", "stats", "--preset", "quarter", *SUP,
                        stdin=SUP_PASSWORD)
    assert code == 0 and "[Counselling served]" in out and "Person-times\t" in out


def test_csv_file(demo: Run, tmp_path: Path) -> None:
    start, end = year()
    target = tmp_path / "q.csv"
    code, out, err = demo("stats", "--from", start, "--to", end, "--csv", str(target), *SUP,
                          stdin=SUP_PASSWORD)
    assert code == 0, err
    assert out.strip() == f"已写入 {target}。"
    data = target.read_bytes()
    assert data.startswith("\ufeff分组,指标,月份,数值,代码,说明\r\n".encode())


def test_signed_pdf_file(demo: Run, tmp_path: Path) -> None:
    start, end = year()
    target = tmp_path / "q.pdf"
    code, out, err = demo("stats", "--from", start, "--to", end, "--pdf", str(target),
                          "--json", *SUP, stdin=SUP_PASSWORD)
    assert code == 0, err
    assert json.loads(out)["written"] == str(target)
    check = subprocess.run(["pdfsig", str(target)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in check and "Total document signed" in check


def test_from_after_to_is_one_clear_line(demo: Run) -> None:
    code, out, err = demo("stats", "--from", "2026-04-01", "--to", "2026-03-31", *SUP,
                          stdin=SUP_PASSWORD)
    assert (code, out) == (1, "")
    assert err == "开始日期（2026-04-01）晚于结束日期（2026-03-31），请调换或重新选择。\n"
    code, _, err = demo("stats", "--from", "2026-04-01", *SUP, stdin=SUP_PASSWORD)
    assert code == 1 and "--to" in err
    code, _, err = demo("stats", "--from", "2026-4-1", "--to", "2026-04-30", *SUP,
                        stdin=SUP_PASSWORD)
    assert code == 1 and "日期格式不对" in err
    code, _, err = demo("--lang", "en", "stats", "--from", "2026-04-01", "--to", "2026-03-31",
                        *SUP, stdin=SUP_PASSWORD)
    assert err == ("The start date (2026-04-01) is after the end date (2026-03-31); swap "
                   "them or choose again.\n")


def test_who_may_filter_by_counsellor(demo: Run) -> None:
    start, end = year()
    code, out, err = demo("stats", "--from", start, "--to", end, "--counsellor", "wangli",
                          "--json", *SUP, stdin=SUP_PASSWORD)
    assert code == 0, err
    assert json.loads(out)["scope"]["counsellor"] == "王丽"
    code, _, err = demo("stats", "--from", start, "--to", end, "--counsellor", "wangli",
                        "--user", "huangmin", stdin="xinhe-huangmin\n")
    assert code == 1 and "只有督导" in err
    code, out, err = demo("stats", "--from", start, "--to", end, "--json", "--user", "wangli",
                          stdin="xinhe-wangli\n")
    assert code == 0 and json.loads(out)["scope"]["own_caseload"]
    code, _, err = demo("stats", "--from", start, "--to", end, "--user", "admin",
                        stdin="xinhe-admin\n")
    assert code == 1 and "管理员" in err
