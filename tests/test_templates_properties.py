"""Properties of the template validator, scorer and loader, checked on generated input."""

from __future__ import annotations

import copy
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from xinhe.errors import XinheError
from xinhe.records.templates import (
    FIELD_TYPES,
    LEVELS,
    Field,
    Template,
    TemplateRegistry,
    answer_rows,
    load_folder,
    parse_template,
    render_text,
    score,
    shipped_folder,
    template_to_json,
    validate_answers,
    visible_field_ids,
)

REGISTRY = TemplateRegistry.default()
SHIPPED = REGISTRY.latest()
RANK = {None: -1, **{level: i for i, level in enumerate(LEVELS)}}
FAST = settings(max_examples=60, deadline=None)

# -- answers generated from a template's own field definitions --------------------------------

# Text with at least one visible character in it (blank text counts as not answered).
non_blank = st.tuples(st.text(max_size=15), st.characters(categories=["L", "N", "P", "S"]),
                      st.text(max_size=15)).map("".join)


def value_for(fld: Field) -> st.SearchStrategy[Any]:
    if fld.type in ("text", "long_text"):
        return non_blank
    if fld.type == "yes_no":
        return st.sampled_from([True, False, *(["unknown"] if fld.allow_unknown else [])])
    options = [o.id for o in fld.options]
    if fld.type == "single_choice":
        return st.sampled_from(options)
    if fld.type == "multiple_choice":
        return st.lists(st.sampled_from(options), min_size=1, unique=True)
    if fld.type == "date":
        return st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat)
    low = None if fld.minimum is None else int(fld.minimum) if fld.integer else fld.minimum
    high = None if fld.maximum is None else int(fld.maximum) if fld.integer else fld.maximum
    if fld.type == "scale" or fld.integer:
        return st.integers(low, high)  # type: ignore[arg-type]
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def answers_for(draw: st.DrawFn, template: Template) -> dict[str, Any]:
    """Every required question answered, optional ones sometimes; answers to questions
    that end up hidden are included too (the validator must drop them)."""
    return {fld.id: draw(value_for(fld)) for fld in template.fields
            if fld.required or draw(st.booleans())}


@st.composite
def template_and_answers(draw: st.DrawFn) -> tuple[Template, dict[str, Any]]:
    template = draw(st.sampled_from(SHIPPED))
    return template, draw(answers_for(template))


@FAST
@given(template_and_answers())
def test_answers_built_from_the_fields_validate(case: tuple[Template, dict[str, Any]]) -> None:
    template, answers = case
    clean = validate_answers(template, answers)
    assert set(clean) <= visible_field_ids(template, answers)
    assert validate_answers(template, clean) == clean  # cleaning is stable
    assert visible_field_ids(template, clean) == visible_field_ids(template, answers)


@FAST
@given(template_and_answers())
def test_level_is_the_highest_of_what_fired(case: tuple[Template, dict[str, Any]]) -> None:
    template, answers = case
    result = score(template, answers)
    assert result.level in (None, *LEVELS)
    levels = [b.level for b in result.bands] + [r.level for r in result.reasons]
    assert RANK[result.level] == max((RANK[lv] for lv in levels), default=-1)
    rule_ids = [rule.id for rule in template.scoring.rules]
    assert [r.rule_id for r in result.reasons] == [i for i in rule_ids
                                                   if i in {r.rule_id for r in result.reasons}]
    # Every banded total with an answered question lands in exactly one band; one with
    # nothing answered yet in none (an unasked checklist is not "low").
    assert len(result.bands) == sum(1 for t in template.scoring.totals
                                    if t.bands and result.progress[t.id][0])


DV = REGISTRY.get("dv_intake")
DANGER = [f for f in DV.fields if f.id.startswith("danger_") and f.type == "yes_no"]


@FAST
@given(answers_for(DV), st.sampled_from(DANGER))
def test_danger_score_is_the_sum_of_yes_weights_and_a_yes_never_lowers_it(
        answers: dict[str, Any], item: Field) -> None:
    before = score(DV, answers)
    weights = sum(f.score or 0 for f in DANGER if answers.get(f.id) is True)
    assert before.totals["danger_score"] == weights
    after = score(DV, {**answers, item.id: True})
    gained = 0 if answers.get(item.id) is True else item.score or 0
    assert after.totals["danger_score"] == weights + gained
    assert RANK[after.level] >= RANK[before.level]


SUICIDE = REGISTRY.get("suicide_screen")


@FAST
@given(answers_for(SUICIDE), st.sampled_from(SUICIDE.fields))
def test_a_suicide_screen_yes_never_lowers_the_level(answers: dict[str, Any],
                                                     item: Field) -> None:
    before = score(SUICIDE, answers)
    after = score(SUICIDE, {**answers, item.id: True})
    assert RANK[after.level] >= RANK[before.level]


# -- arbitrary input never crashes --------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)


@st.composite
def wild_answers(draw: st.DrawFn) -> tuple[Template, Any]:
    template = draw(st.sampled_from(SHIPPED))
    keys = st.sampled_from([f.id for f in template.fields]) | st.text(max_size=10)
    answers = draw(st.dictionaries(keys, json_values, max_size=8) | json_values)
    return template, answers


@settings(max_examples=150, deadline=None)
@given(wild_answers())
def test_validator_and_scorer_only_raise_xinhe_errors(case: tuple[Template, Any]) -> None:
    template, answers = case
    for check in (validate_answers, score):
        try:
            check(template, answers)
        except XinheError as error:
            assert error.zh and error.en
    # Showing and rendering never raise: they serve forms being typed and damaged records.
    visible_field_ids(template, answers)
    if isinstance(answers, dict):
        answer_rows(template, answers, "en")
        render_text(template, answers)


SHIPPED_JSON = [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted(shipped_folder().glob("*.json"))]


@st.composite
def mutated_template(draw: st.DrawFn) -> Any:
    """A shipped template with one part, at any depth, replaced by arbitrary JSON."""
    doc = copy.deepcopy(draw(st.sampled_from(SHIPPED_JSON)))
    parent: Any = None
    key: Any = None
    node = doc
    while isinstance(node, dict | list) and node and draw(st.booleans()):
        parent, key = node, draw(st.sampled_from(sorted(node) if isinstance(node, dict)
                                                 else range(len(node))))
        node = parent[key]
    replacement = draw(json_values)
    if parent is None:
        return replacement
    parent[key] = replacement
    return doc


@settings(max_examples=200, deadline=None)
@given(mutated_template())
def test_the_parser_reports_problems_and_never_crashes(doc: Any) -> None:
    template, problems = parse_template(doc, Path("mutated.json"))
    assert (template is None) == bool(problems)
    for problem in problems:
        assert problem.zh and problem.en and problem.file.name == "mutated.json"


# -- generated valid templates round-trip through load -----------------------------------------

idents = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
texts = st.builds(lambda zh, en: {"zh": zh, "en": en}, non_blank, non_blank)
levels = st.sampled_from(LEVELS)


@st.composite
def field_json(draw: st.DrawFn, fid: str, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    ftype = draw(st.sampled_from(FIELD_TYPES))
    data: dict[str, Any] = {"id": fid, "type": ftype, "label": draw(texts)}
    if draw(st.booleans()):
        data["help"] = draw(texts)
    if draw(st.booleans()):
        data["required"] = True
    if earlier and draw(st.booleans()):
        data["visible_if"] = draw(condition_json(earlier))
    if ftype in ("single_choice", "multiple_choice"):
        ids = draw(st.lists(idents, min_size=2, max_size=4, unique=True))
        data["options"] = [{"id": i, "label": draw(texts),
                            **({"score": draw(st.integers(0, 5))} if draw(st.booleans()) else {})}
                           for i in ids]
    elif ftype == "yes_no":
        if draw(st.booleans()):
            data["score"] = draw(st.integers(0, 5))
        if draw(st.booleans()):
            data["allow_unknown"] = True
    elif ftype == "number":
        integer = draw(st.booleans())
        bound = st.integers(-50, 50) if integer else st.floats(-50, 50, allow_nan=False)
        low, high = sorted(draw(st.lists(bound, min_size=2, max_size=2)))
        if draw(st.booleans()):
            data["min"] = low
        if draw(st.booleans()):
            data["max"] = high
        if not integer:
            data["integer"] = False
    elif ftype == "scale":
        low = draw(st.integers(-5, 5))
        data.update({"min": low, "max": low + draw(st.integers(1, 10))})
        if draw(st.booleans()):
            data.update({"min_label": draw(texts), "max_label": draw(texts)})
    return data


@st.composite
def condition_json(draw: st.DrawFn, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    target = draw(st.sampled_from(earlier))
    kind = target["type"]
    if kind == "yes_no" and draw(st.booleans()):
        values = [True, False, *(["unknown"] if target.get("allow_unknown") else [])]
        return {"field": target["id"], "equals": draw(st.sampled_from(values))}
    if kind in ("single_choice", "multiple_choice"):
        ids = [o["id"] for o in target["options"]]
        return {"field": target["id"],
                "in": draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))}
    if kind in ("number", "scale") and draw(st.booleans()):
        return {"field": target["id"], "at_least": draw(st.integers(-5, 5))}
    yes_no = [f["id"] for f in earlier if f["type"] == "yes_no"]
    if yes_no and draw(st.booleans()):
        return {"any_yes": draw(st.lists(st.sampled_from(yes_no), min_size=1, unique=True))}
    return {"field": target["id"], "answered": draw(st.booleans())}


def _max_points(fld: dict[str, Any]) -> int:
    if fld["type"] == "yes_no":
        return int(fld.get("score", 0))
    points = [o.get("score", 0) for o in fld.get("options", [])]
    return sum(points) if fld["type"] == "multiple_choice" else max(points, default=0)


def _scored(fld: dict[str, Any]) -> bool:
    return "score" in fld or any("score" in o for o in fld.get("options", []))


@st.composite
def template_json(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(st.lists(idents, min_size=1, max_size=8, unique=True))
    fields: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    cut = sorted(set(draw(st.lists(st.integers(1, len(ids)), max_size=2))) | {len(ids)})
    start = 0
    for number, end in enumerate(cut):
        section: dict[str, Any] = {"id": f"s{number}", "label": draw(texts)}
        if draw(st.booleans()):
            section["help"] = draw(texts)
        if fields and draw(st.booleans()):
            section["visible_if"] = draw(condition_json(list(fields)))
        section["fields"] = []
        for fid in ids[start:end]:
            fld = draw(field_json(fid, list(fields)))
            fields.append(fld)
            section["fields"].append(fld)
        sections.append(section)
        start = end
    data: dict[str, Any] = {"id": draw(idents), "version": draw(st.integers(1, 99)),
                            "kind": draw(st.sampled_from(["intake", "assessment", "note"])),
                            "label": draw(texts)}
    if draw(st.booleans()):
        data["description"] = draw(texts)
    data["sections"] = sections
    scoring: dict[str, Any] = {}
    scored = [f for f in fields if _scored(f)]
    if scored:
        highest = sum(_max_points(f) for f in scored)
        starts = sorted(set(draw(st.lists(st.integers(1, max(highest, 1)), max_size=3))))
        bounds = [0, *starts]
        ranks = sorted(draw(st.lists(st.integers(0, 2), min_size=len(bounds),
                                     max_size=len(bounds))))
        bands = []
        for i, low in enumerate(bounds):
            band: dict[str, Any] = {"min": low}
            if i + 1 < len(bounds):
                band["max"] = bounds[i + 1] - 1
            elif draw(st.booleans()):
                band["max"] = max(highest, low)
            bands.append({**band, "level": LEVELS[ranks[i]], "label": draw(texts)})
        scoring["totals"] = [{"id": "total", "label": draw(texts),
                              "fields": [f["id"] for f in scored], "bands": bands}]
    if fields and draw(st.booleans()):
        rule: dict[str, Any] = {"id": "rule", "when": draw(condition_json(fields)),
                                "reason": draw(texts)}
        if draw(st.booleans()):
            rule["level"] = draw(levels)
        scoring["rules"] = [rule]
    if scoring:
        data["scoring"] = scoring
    return data


@settings(max_examples=80, deadline=None)
@given(template_json())
def test_a_generated_valid_template_round_trips_through_load(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        result = load_folder(folder)
    assert result.problems == (), [p.message("en") for p in result.problems]
    (template,) = result.templates
    assert template_to_json(template) == data
    again, problems = parse_template(template_to_json(template), path)
    assert problems == [] and again == template
