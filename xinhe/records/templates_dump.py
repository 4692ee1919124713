"""A template back to its JSON form: what reading that JSON gives is an equal template."""

from __future__ import annotations

from typing import Any

from xinhe.records.templates_model import (
    AllOf,
    AnyOf,
    AnyYes,
    Condition,
    CountYes,
    Field,
    FieldAnswered,
    FieldInRange,
    FieldIs,
    Section,
    Template,
    Text,
)

Json = dict[str, Any]


def template_to_json(template: Template) -> Json:
    """The template as a JSON object in the documented format."""
    data: Json = {"id": template.id, "version": template.version, "kind": template.kind,
                  "label": _text(template.label)}
    if template.description:
        data["description"] = _text(template.description)
    data["sections"] = [_section(s) for s in template.sections]
    scoring: Json = {}
    if template.scoring.totals:
        scoring["totals"] = [
            {"id": t.id, "label": _text(t.label), "fields": list(t.fields),
             **({"bands": [{"min": b.minimum, **({} if b.maximum is None else {"max": b.maximum}),
                            "level": b.level, "label": _text(b.label)} for b in t.bands]}
                if t.bands else {})}
            for t in template.scoring.totals]
    if template.scoring.rules:
        scoring["rules"] = [
            {"id": r.id, "when": condition_to_json(r.when), "reason": _text(r.reason),
             **({"level": r.level} if r.level else {})}
            for r in template.scoring.rules]
    if scoring:
        data["scoring"] = scoring
    if template.clocks:
        data["clocks"] = [
            {"start": c.start, "when": condition_to_json(c.when),
             **({"since": c.since} if c.since else {}),
             **({"urgent_if": condition_to_json(c.urgent_if)} if c.urgent_if else {})}
            for c in template.clocks]
    return data


def _text(text: Text) -> Json:
    return {"zh": text.zh, "en": text.en}


def _section(section: Section) -> Json:
    data: Json = {"id": section.id, "label": _text(section.label)}
    if section.help:
        data["help"] = _text(section.help)
    if section.visible_if:
        data["visible_if"] = condition_to_json(section.visible_if)
    data["fields"] = [_field(f) for f in section.fields]
    return data


def _field(fld: Field) -> Json:
    data: Json = {"id": fld.id, "type": fld.type, "label": _text(fld.label)}
    if fld.help:
        data["help"] = _text(fld.help)
    if fld.required:
        data["required"] = True
    if fld.visible_if:
        data["visible_if"] = condition_to_json(fld.visible_if)
    if fld.options:
        data["options"] = [{"id": o.id, "label": _text(o.label),
                            **({} if o.score is None else {"score": o.score})}
                           for o in fld.options]
    if fld.type == "yes_no":
        if fld.score is not None:
            data["score"] = fld.score
        if fld.allow_unknown:
            data["allow_unknown"] = True
    if fld.type in ("number", "scale"):
        for key, value in (("min", fld.minimum), ("max", fld.maximum)):
            if value is not None:
                data[key] = value
    if fld.type == "number" and not fld.integer:
        data["integer"] = False
    for key, label in (("min_label", fld.min_label), ("max_label", fld.max_label)):
        if label:
            data[key] = _text(label)
    return data


def condition_to_json(condition: Condition) -> Json:
    match condition:
        case FieldIs(field=f, values=values, op="equals"):
            return {"field": f, "equals": values[0]}
        case FieldIs(field=f, values=values):
            return {"field": f, "in": list(values)}
        case FieldInRange(field=f, at_least=low, at_most=high):
            bounds = {"at_least": low, "at_most": high}
            return {"field": f, **{k: v for k, v in bounds.items() if v is not None}}
        case FieldAnswered(field=f, answered=answered):
            return {"field": f, "answered": answered}
        case AnyYes(fields=names):
            return {"any_yes": list(names)}
        case CountYes(fields=names, at_least=least):
            return {"count_yes": list(names), "at_least": least}
        case AllOf(conditions=parts):
            return {"all": [condition_to_json(c) for c in parts]}
        case AnyOf(conditions=parts):
            return {"any": [condition_to_json(c) for c in parts]}
    raise TypeError(condition)  # pragma: no cover - the union is exhausted above
