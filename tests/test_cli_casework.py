"""`xinhe demo`, `cases list`, `search` and `templates check` as a person would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_cli import Run, run  # noqa: F401 (fixture)

FIXTURES = Path(__file__).parent / "fixtures" / "templates"


@pytest.fixture
def demo(run: Run) -> Run:  # noqa: F811
    code, out, err = run("demo", "--cases", "25", "--seed", "3")
    assert code == 0, err
    return run


def test_demo_prints_one_login_per_role(demo: Run) -> None:
    code, out, _ = demo("demo", "--cases", "3", "--replace")
    assert code == 0
    lines = out.splitlines()
    assert lines[-5:] == ["管理员：admin / xinhe-admin",
                          "督导：zhoujing / xinhe-zhoujing",
                          "咨询师：wangli / xinhe-wangli",
                          "咨询师：chenfang / xinhe-chenfang",
                          "工作人员：huangmin / xinhe-huangmin"]
    code, out, _ = demo("--lang", "en", "demo", "--cases", "3", "--replace")
    assert out.splitlines()[-5:] == ["administrator: admin / xinhe-admin",
                                     "supervisor: zhoujing / xinhe-zhoujing",
                                     "counsellor: wangli / xinhe-wangli",
                                     "counsellor: chenfang / xinhe-chenfang",
                                     "staff: huangmin / xinhe-huangmin"]


def test_cases_list_shows_what_the_role_may_see(demo: Run) -> None:
    code, out, _ = demo("cases", "list", "--user", "zhoujing", "--json",
                        stdin="xinhe-zhoujing\n")
    everything = json.loads(out)
    assert code == 0 and len(everything) == 25
    code, out, _ = demo("cases", "list", "--user", "wangli", "--json", stdin="xinhe-wangli\n")
    mine = json.loads(out)
    assert 0 < len(mine) < 25 and {c["counsellor"] for c in mine} == {"王丽"}
    code, out, _ = demo("cases", "list", "--user", "zhoujing", "--risk", "high", "--json",
                        stdin="xinhe-zhoujing\n")
    assert all(c["risk"] == "high" for c in json.loads(out))
    code, out, err = demo("cases", "list", "--user", "admin", stdin="xinhe-admin\n")
    assert code == 1 and "管理员账户不能查看个案内容" in err


def test_search_from_the_command_line(demo: Run) -> None:
    code, out, _ = demo("search", "当事人", "--user", "zhoujing", "--json",
                        stdin="xinhe-zhoujing\n")
    hits = json.loads(out)
    assert code == 0 and hits and all("当事人" in h["snippet"] for h in hits)
    code, out, _ = demo("search", "当事人", "--user", "huangmin", "--json",
                        stdin="xinhe-huangmin\n")
    assert json.loads(out) == []  # staff never search note text


def test_templates_check(run: Run) -> None:  # noqa: F811
    code, out, _ = run("templates", "check")
    assert code == 0 and "dv_intake" in out
    code, out, err = run("templates", "check", str(FIXTURES / "broken"))
    assert code == 1 and "问题" in err
    assert "band_gap.json" in out and "scoring.totals[0] (checklist_score).bands[1]" in out
    code, out, _ = run("templates", "check", str(FIXTURES / "broken"), "--json")
    problems = json.loads(out)["problems"]
    named = {Path(p["file"]).name for p in problems}
    assert {"invalid_json.json", "unknown_type.json", "duplicate_field.json",
            "visible_if_missing_field.json", "rule_not_yes_no.json"} <= named
    assert "good.json" not in named
