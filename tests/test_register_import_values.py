"""Register values as people write them, and the mapping file that says what columns hold."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.register_samples import ROWS, write_csv
from xinhe.errors import InvalidInput
from xinhe.records.register_import import import_register, plan_import
from xinhe.records.register_map import Mapping, load_mapping, mapping_from_layout, save_mapping
from xinhe.records.register_values import ValueProblem, match_word, read_birth, read_date

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize("written", [
    "2019-03-05", "2019/3/5", "2019年3月5日", "20190305", "2019.03.05", "２０１９－０３－０５",
    "2019-03-05 00:00:00", "2019/3/5 14:30", 43529, 43529.0, "43529", 20190305,
    datetime(2019, 3, 5, 0, 0), date(2019, 3, 5)])
def test_dates_in_every_usual_shape(written: object) -> None:
    assert read_date(written) == date(2019, 3, 5)  # type: ignore[arg-type]


@pytest.mark.parametrize("written", ["2019-02-30", "3/5/2019", "去年春天", "2019年13月", -4])
def test_a_date_that_cannot_be_read_is_a_problem_without_the_value(written: object) -> None:
    with pytest.raises(ValueProblem) as problem:
        read_date(written)  # type: ignore[arg-type]
    assert str(written) not in problem.value.zh + problem.value.en


@pytest.mark.parametrize(("written", "expected"), [
    ("1991.3", (None, 1991)), ("1991年3月", (None, 1991)), ("1991-03", (None, 1991)),
    ("199103", (None, 1991)), ("1991年", (None, 1991)), ("1991", (None, 1991)),
    (1991.3, (None, 1991)), (1991, (None, 1991)),
    ("1991-03-15", ("1991-03-15", 1991)), (33312, ("1991-03-15", 1991)),
    (datetime(1991, 3, 15), ("1991-03-15", 1991)), ("", (None, None))])
def test_birth_as_a_date_or_a_year_and_month(written: object, expected: tuple) -> None:
    assert read_birth(written, TODAY) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("written", ["1991.13", "1850", "2031年", "2027-01-01", "三十岁"])
def test_an_impossible_birth_is_a_problem(written: str) -> None:
    with pytest.raises(ValueProblem):
        read_birth(written, TODAY)


@pytest.mark.parametrize(("field", "written", "code"), [
    ("category", "家暴", "domestic_violence"), ("category", "家庭暴力", "domestic_violence"),
    ("category", "家庭暴力案件", "domestic_violence"),
    ("category", "情感纠纷", "emotional_dispute"), ("category", "婚姻家庭纠纷", "marriage_family"),
    ("category", "自杀倾向", "psychological_crisis"),
    ("category", "Domestic violence", "domestic_violence"), ("category", "other", "other"),
    ("source", "平台派单", "platform"), ("source", "派出所转来", "police"),
    ("source", "12338热线", "hotline"), ("source", "主动求助", "self"),
    ("source", "居委会", "community"), ("status", "在办", "active"),
    ("status", "已结案", "closed"), ("status", "未结案", "active"), ("status", "回访", "followup"),
    ("status", "办结", "closed"), ("gender", "女", "female"), ("gender", "M", "male")])
def test_studio_words_match_the_vocabulary(field: str, written: str, code: str) -> None:
    assert match_word(field, written) == code


def test_a_word_nothing_matches_is_none_unless_the_mapping_gives_it() -> None:
    assert match_word("category", "传销") is None
    assert match_word("category", "传销", {"传销": "other"}) == "other"
    assert match_word("category", "传销", {"传销": "no_such_code"}) is None


def test_a_mapping_for_other_headers_words_and_a_default(studio, tmp_path: Path) -> None:
    header = ["编号", "受助人", "类型", "日期", "社工", "说明"]
    rows = [["1", "林某", "传销受骗", "2019-3-5", "王丽", "被骗后求助"],
            ["2", "周某", "家暴", "2019-4-1", "陈芳", ""]]
    path = write_csv(tmp_path / "台账.csv", rows, "gb18030", header=header)
    with pytest.raises(InvalidInput, match="台账.csv"):
        plan_import(studio.admin.vault, path)  # 受助人/说明/社工 are not known headers…
    mapping_file = tmp_path / "map.json"
    mapping_file.write_text(json.dumps({
        "xinhe_register_mapping": 1,
        "columns": {"受助人": "name", "类型": "category", "日期": "opened_at",
                    "社工": "counsellor", "说明": "summary", "编号": None},
        "values": {"category": {"传销受骗": "other"}},
        "defaults": {"source": "平台"}}, ensure_ascii=False), encoding="utf-8")
    mapping = load_mapping(mapping_file)
    result = import_register(studio.admin.vault, path, mapping=mapping)
    assert [(r.category, r.source, r.counsellor) for r in result.plan.rows] == [
        ("other", "platform", "王丽"), ("domestic_violence", "platform", "陈芳")]
    saved = tmp_path / "saved.json"
    save_mapping(saved, mapping_from_layout(result.plan.layout, mapping))
    again = load_mapping(saved)
    assert again.columns == {"编号": None, "受助人": "name", "类型": "category",
                             "日期": "opened_at", "社工": "counsellor", "说明": "summary"}
    assert again.values == mapping.values and again.defaults == mapping.defaults
    assert again.header_row == 1


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "map.json: the mapping file is not valid JSON."),
    ('{"columns": {}}', "map.json: this is not a Xinhe register mapping file"),
    ('{"xinhe_register_mapping": 1, "columns": {"姓名": "nickname"}}',
     "map.json: the mapping file names unknown fields")])
def test_a_bad_mapping_file_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "map.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        load_mapping(path)
    assert refused.value.en.startswith(message)


def test_an_id_number_excel_turned_into_a_number_is_a_problem(studio, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "身份证号", "类别", "来源", "开案日期", "咨询师"])
    book.active.append(["林某", 4.40306199003071e17, "家暴", "平台", "2019-03-05", "王丽"])
    book.save(tmp_path / "ids.xlsx")
    plan = plan_import(studio.admin.vault, tmp_path / "ids.xlsx")
    assert [p.message("en") for p in plan.problems] == [
        "row 2, column '身份证号': Excel stored the ID number as a number and its last digits "
        "are lost; format the column as text and type the numbers again"]


def test_rows_of_the_same_person_share_one_client(studio, tmp_path: Path) -> None:
    second_case = [*ROWS[0][:7], "情感纠纷", "主动求助", "2019-11-01", "王丽", "在办", "", ""]
    path = write_csv(tmp_path / "登记表.csv", [*ROWS, second_case], "utf-8")
    result = import_register(studio.admin.vault, path)
    assert (result.created_cases, result.created_clients) == (4, 3)
    assert Mapping().columns == {}
