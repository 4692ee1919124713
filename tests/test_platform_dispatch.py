"""The dispatch format: valid files, each kind of invalid one, and the docs' examples and
JSON Schema agreeing with the validator."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.platform_fixtures import CLIENT, dispatch_doc
from xinhe.records import platform_dispatch as pd
from xinhe.records import vocab

pytestmark = pytest.mark.both_backends

DOCS = Path(__file__).resolve().parent.parent / "docs"


def parse(doc: Any, name: str = "d.json") -> list[pd.Dispatch]:
    return pd.parse_dispatch_file(name, json.dumps(doc, ensure_ascii=False).encode())


def test_one_dispatch_and_a_list_are_read() -> None:
    (one,) = parse(dispatch_doc())
    assert one.platform_ref == "BA-2026-000311"
    assert one.grade == "high" and one.category == "domestic_violence"
    assert one.client.name == "示例甲" and one.client.birth_date == "1988-07-12"
    assert one.first_contact_due.utcoffset() is not None
    both = parse([dispatch_doc("A-1"), dispatch_doc("A-2", grade="low")])
    assert [d.platform_ref for d in both] == ["A-1", "A-2"]


def test_a_byte_order_mark_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + json.dumps(dispatch_doc()).encode()
    assert pd.parse_dispatch_file("bom.json", data)[0].platform_ref == "BA-2026-000311"


BAD: list[tuple[str, Any, str]] = [
    ("no reference", dispatch_doc(platform_ref=None), "platform_ref"),
    ("blank reference", dispatch_doc(platform_ref="  "), "platform_ref"),
    ("unknown grade", dispatch_doc(grade="urgent"), "grade"),
    ("unknown category", dispatch_doc(category="theft"), "category"),
    ("deadline before dispatch", dispatch_doc(first_contact_due="2026-03-02T08:00:00+08:00"),
     "first_contact_due"),
    ("time without zone", dispatch_doc(dispatched_at="2026-03-02T16:30:00"), "dispatched_at"),
    ("not a time", dispatch_doc(dispatched_at="yesterday"), "dispatched_at"),
    ("wrong version", dispatch_doc(version=2), "version"),
    ("wrong format", dispatch_doc(format="other"), "format"),
    ("unknown field", dispatch_doc(priority=1), "priority"),
    ("no client party", dispatch_doc(parties=[{"role": "respondent", "name": "乙"}]),
     "parties"),
    ("two clients", dispatch_doc(parties=[CLIENT, CLIENT]), "parties"),
    ("unknown party role", dispatch_doc(parties=[CLIENT, {"role": "boss", "name": "丙"}]),
     "parties[1].role"),
    ("bad birth date", dispatch_doc(parties=[{**CLIENT, "birth_date": "1988-13-40"}]),
     "parties[0].birth_date"),
    ("party without name", dispatch_doc(parties=[{"role": "client"}]), "parties[0].name"),
    ("number as text", dispatch_doc(agency=12), "agency"),
    ("the same reference twice in a list", [dispatch_doc("X"), dispatch_doc("X")],
     "[1].platform_ref"),
    ("a bad entry in a list", [dispatch_doc("X"), dispatch_doc("Y", grade="?")],
     "[1].grade"),
    ("not an object", "just text", ""),
    ("empty list", [], ""),
]


@pytest.mark.parametrize(("what", "doc", "field"), BAD, ids=[b[0] for b in BAD])
def test_each_fault_names_the_file_and_the_field(what: str, doc: Any, field: str) -> None:
    with pytest.raises(pd.DispatchInvalid) as caught:
        parse(doc, "from-platform.json")
    problem = caught.value
    assert problem.file == "from-platform.json"
    assert problem.field == field, what
    assert "from-platform.json" in problem.message("zh_CN")
    assert "from-platform.json" in problem.message("en")
    assert field in problem.message("en")
    assert re.search(r"[\u4e00-\u9fff]", problem.message("zh_CN"))


def test_a_file_that_is_not_json_is_refused_in_both_languages() -> None:
    for data in (b"<xml/>", b"\xff\xfe\x00broken", b'{"format": '):
        with pytest.raises(pd.DispatchInvalid) as caught:
            pd.parse_dispatch_file("x.json", data)
        assert "JSON" in caught.value.message("en") and "JSON" in caught.value.message("zh_CN")


def _examples() -> list[Any]:
    text = (DOCS / "platform-dispatch.md").read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def test_every_example_in_the_docs_is_valid() -> None:
    examples = _examples()
    assert len(examples) >= 2
    for example in examples:
        assert parse(example)


def test_the_schema_file_and_the_validator_agree() -> None:
    schema = json.loads((DOCS / "platform-dispatch.schema.json").read_text(encoding="utf-8"))
    dispatch, party = schema["$defs"]["dispatch"], schema["$defs"]["party"]
    assert tuple(dispatch["required"]) == pd.REQUIRED
    assert set(dispatch["properties"]) == set(pd.REQUIRED + pd.OPTIONAL)
    assert tuple(party["required"]) == pd.PARTY_REQUIRED
    assert set(party["properties"]) == set(pd.PARTY_REQUIRED + pd.PARTY_OPTIONAL)
    props = dispatch["properties"]
    assert props["grade"]["enum"] == list(pd.GRADES)
    assert props["category"]["enum"] == list(pd.CATEGORIES)
    assert party["properties"]["role"]["enum"] == list(pd.PARTY_ROLES)
    assert party["properties"]["gender"]["enum"] == list(vocab.GENDERS)
    assert props["format"]["const"] == pd.FORMAT and props["version"]["const"] == pd.VERSION
    assert props["platform_ref"]["maxLength"] == pd.MAX_REF
    assert dispatch["additionalProperties"] is False and party["additionalProperties"] is False
