"""Structured templates: intake forms, assessments, safety plans and note formats as JSON.

Records store (template id, version, answers); the form, its checks, its scoring and its
text all come from the template version the answers were written with.

Folders
-------
A template folder holds `*.json` files, one template each, and may hold an `archive/`
folder for older versions. Xinhe reads the shipped folder `xinhe/resources/templates/` and then an
organisation's own folder. When a template changes, raise its `version` and move the old
file to `archive/` (e.g. `archive/dv_intake.v1.json`): every version found stays loadable,
so old records still show with the labels they were written with. The same id and version
with different content in two files is a problem (the first file read is kept); a second
identical copy is ignored. `xinhe templates check [DIR]` reports problems (`check_report`).

Format
------
A template (every text is `{"zh": "…", "en": "…"}`, both required; ids are lowercase
letters, digits and `_`, starting with a letter; unknown keys are problems, so a misspelt
key never passes unnoticed)::

    {"id": "dv_intake", "version": 1,                 # version: whole number >= 1
     "kind": "intake",                                 # intake | assessment | safety_plan |
                                                       # note | crisis | followup |
                                                       # mandatory_report
     "label": TEXT, "description": TEXT,               # description optional
     "sections": [SECTION, …],
     "scoring": SCORING}                               # optional

    SECTION = {"id": …, "label": TEXT, "help": TEXT, "visible_if": CONDITION,
               "fields": [FIELD, …]}                   # help, visible_if optional

    FIELD = {"id": …, "type": TYPE, "label": TEXT, "help": TEXT,
             "required": false, "visible_if": CONDITION, …type keys}

Field ids are unique across the whole template. Types and their own keys:

- `text` (one line, <= 500 characters), `long_text` (<= 50,000), `date` ("YYYY-MM-DD");
- `yes_no`: answers true/false; `"allow_unknown": true` also allows "unknown";
  `"score": n` is added to totals when the answer is yes;
- `single_choice`, `multiple_choice`: `"options": [{"id", "label", "score"?}, …]`, at
  least two; a multiple choice adds the scores of every option chosen;
- `number`: `"min"`, `"max"` (optional, inclusive), `"integer"` (default true);
- `scale`: whole numbers from `"min"` to `"max"` (both required), optional `"min_label"`,
  `"max_label"` for the two ends.

A required question must be answered only while it is shown. Scores are whole numbers
from 0 to 1000.

Conditions (`visible_if`, and `when` of a rule)::

    {"field": "thoughts", "equals": true}            # yes_no, single_choice, number, scale
    {"field": "harm_kinds", "in": ["sexual", "neglect"]}   # a multiple choice: any chosen
    {"field": "safety_now", "at_least": 1, "at_most": 2}   # number, scale; either bound
    {"field": "incident_summary", "answered": true}  # any type
    {"any_yes": ["q1", "q2"]}                        # yes/no questions only
    {"count_yes": ["q1", "q2", "q3"], "at_least": 2} # yes/no questions only
    {"all": [CONDITION, …]}   {"any": [CONDITION, …]}

A display condition may only name questions that come before what it guards (the form is
shown top to bottom; this also rules out cycles). A question not shown, or not answered,
matches no value and is not yes. Rules may name any question.

Scoring::

    "scoring": {
      "totals": [{"id": "danger_score", "label": TEXT,
                  "fields": ["danger_weapon", …],     # optional: every scored question
                  "bands": [{"min": 0, "max": 7, "level": "low", "label": TEXT},
                            {"min": 8, "level": "high", "label": TEXT}]}],
      "rules": [{"id": "lethal_factor", "when": CONDITION,
                 "level": "high", "reason": TEXT}]}   # level optional: a reason only

Bands must cover every possible total once: starting at 0, each starting one above the end
of the one before, the last reaching the highest possible total (or leaving out "max"), and
levels never going down as totals rise. The result's level is the highest of all bands
reached and rules fired; None when nothing gives a level.

Clocks (optional): answers that start a legal clock when the record is signed::

    "clocks": [{"start": "warning_followup", "when": CONDITION,
                "since": "warning_letter_date"},          # optional: a date question
               {"start": "po_application", "when": CONDITION,
                "urgent_if": CONDITION}]                  # optional: 24 h instead of 72 h

`start` is one of `minor_report` (report to police, due at once), `warning_followup` (a
visit within 7 days of a police warning letter) and `po_application` (the court decides a
protection order within 72 h, 24 h when urgent). The clock runs from the date answered in
`since`, else from signing.

Problems are reported with the file and a JSON path, 0-based, naming the field id where
known: `sections[1].fields[3] (danger_weapon).options[0]`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from xinhe.errors import InvalidInput, NotFound
from xinhe.i18n import pick
from xinhe.paths import resources_dir
from xinhe.records.templates_answers import (
    AnswerIssue,
    AnswerRow,
    InvalidAnswer,
    answer_rows,
    holds,
    render_text,
    validate_answers,
    visible_field_ids,
)
from xinhe.records.templates_dump import template_to_json
from xinhe.records.templates_model import (
    CLOCK_KINDS,
    FIELD_TYPES,
    KIND_LABELS,
    KINDS,
    LEVEL_LABELS,
    LEVELS,
    UNKNOWN,
    Answer,
    ClockTrigger,
    Field,
    Kind,
    Level,
    Option,
    Section,
    Template,
    Text,
)
from xinhe.records.templates_parse import parse_template, read_template_file
from xinhe.records.templates_reader import IDENT, TemplateProblem
from xinhe.records.templates_scoring import BandHit, Reason, ScoreResult, score

__all__ = [
    "CLOCK_KINDS", "ClockTrigger", "holds",
    "FIELD_TYPES", "KINDS", "KIND_LABELS", "LEVELS", "LEVEL_LABELS", "UNKNOWN", "Answer",
    "AnswerIssue", "AnswerRow", "BandHit", "Field", "InvalidAnswer", "Kind", "Level",
    "LoadResult", "Option", "Reason", "ScoreResult", "Section", "Template", "TemplateProblem",
    "TemplateRegistry", "Text", "answer_rows", "check_folder", "check_report", "load_folder",
    "parse_template", "render_text", "score", "shipped_folder", "template_to_json",
    "validate_answers", "visible_field_ids",
]

ARCHIVE = "archive"


def shipped_folder() -> Path:
    """`xinhe/resources/templates/`: the templates that come with Xinhe."""
    return resources_dir() / "templates"


@dataclass(frozen=True)
class LoadResult:
    """The templates that can be used from a folder, and the problems of those that cannot."""

    templates: tuple[Template, ...]
    problems: tuple[TemplateProblem, ...]


def load_folder(path: str | Path) -> LoadResult:
    """Read every template in a folder and its `archive/`. A broken file is reported, with
    every problem in it, and the others still load. Never raises for a bad template."""
    folder = Path(path)
    if not folder.is_dir():
        return LoadResult((), (TemplateProblem(folder, "", "找不到这个模板文件夹。",
                                               "this template folder does not exist."),))
    files = sorted(folder.glob("*.json")) + sorted((folder / ARCHIVE).glob("*.json"))
    templates: list[Template] = []
    problems: list[TemplateProblem] = []
    for file in files:
        template, found = read_template_file(file)
        problems += found
        if template is not None:
            templates.append(template)
    kept, clashes = _one_per_version(templates)
    return LoadResult(tuple(kept), tuple(problems + clashes))


def _one_per_version(templates: Iterable[Template]) -> tuple[list[Template],
                                                            list[TemplateProblem]]:
    """Keep the first template of each (id, version); a different one later is a problem."""
    kept: dict[tuple[str, int], Template] = {}
    problems: list[TemplateProblem] = []
    for template in templates:
        first = kept.setdefault(template.key, template)
        if first is not template and first != template:
            where = first.source.name if first.source else "?"
            problems.append(TemplateProblem(
                template.source or Path("?"), "version",
                f"模板“{template.id}”第 {template.version} 版已在 {where} 中定义，内容却不同，"
                "此文件未被使用。修改模板时请提高版本号，并把旧版本移到 archive/ 文件夹。",
                f'template "{template.id}" version {template.version} is already defined in '
                f"{where} with different content, so this file is not used. When you change "
                "a template, raise its version and move the old one to the archive/ folder."))
    return list(kept.values()), problems


class TemplateRegistry:
    """Every version of every template found, looked up by id and version."""

    def __init__(self, templates: Iterable[Template] = (),
                 problems: Iterable[TemplateProblem] = ()) -> None:
        kept, clashes = _one_per_version(templates)
        self.problems: tuple[TemplateProblem, ...] = (*problems, *clashes)
        self._versions: dict[str, dict[int, Template]] = {}
        for template in kept:
            self._versions.setdefault(template.id, {})[template.version] = template

    @classmethod
    def from_folders(cls, *folders: str | Path) -> TemplateRegistry:
        """Load the folders in order; where two give the same id and version, the first
        folder's template is kept and the other is reported."""
        results = [load_folder(folder) for folder in folders]
        return cls([t for r in results for t in r.templates],
                   [p for r in results for p in r.problems])

    @classmethod
    def default(cls, organisation_folder: str | Path | None = None) -> TemplateRegistry:
        """The shipped templates, then the organisation's own folder if it has one."""
        extra = [] if organisation_folder is None else [organisation_folder]
        return cls.from_folders(shipped_folder(), *extra)

    def get(self, template_id: str, version: int | None = None) -> Template:
        """A template version, or its latest version when `version` is None. Raises a
        bilingual NotFound for an unknown id or version."""
        versions = self._versions.get(template_id)
        if not versions:
            name = template_id if isinstance(template_id, str) and IDENT.fullmatch(
                template_id) else "?"
            raise NotFound(f"找不到模板“{name}”：它不在已加载的模板文件夹中。",
                           f'template "{name}" was not found in the loaded template folders.')
        if version is None:
            return versions[max(versions)]
        found = versions.get(version) if isinstance(version, int) else None
        if found is None:
            latest = versions[max(versions)]
            have_zh = "、".join(map(str, sorted(versions)))
            have_en = ", ".join(map(str, sorted(versions)))
            raise NotFound(
                f"找不到模板“{latest.label.zh}”（{template_id}）的第 {version} 版；"
                f"现有版本：{have_zh}。旧版本文件应保留在模板文件夹的 archive/ 中。",
                f'version {version} of the template "{latest.label.en}" ({template_id}) was '
                f"not found; the versions present are {have_en}. Old versions belong in the "
                "archive/ folder of the template folder.")
        return found

    def versions(self, template_id: str) -> tuple[int, ...]:
        """The versions present of a template, oldest first (empty if unknown)."""
        return tuple(sorted(self._versions.get(template_id, {})))

    def latest(self) -> list[Template]:
        """The latest version of each template, by kind (in KINDS order), then id."""
        newest = [v[max(v)] for v in self._versions.values()]
        return sorted(newest, key=lambda t: (KINDS.index(t.kind), t.id))

    def by_kind(self, kind: Kind) -> list[Template]:
        """The latest version of each template of one kind, by id."""
        if kind not in KINDS:
            raise InvalidInput(f"未知的模板类别“{kind}”。", f'unknown template kind "{kind}".')
        return [t for t in self.latest() if t.kind == kind]


def _check(folder: Path) -> tuple[list[Template], list[TemplateProblem]]:
    result = load_folder(folder)
    problems = list(result.problems)
    usable = list(result.templates)
    if folder.resolve() != shipped_folder().resolve():
        # An organisation's folder is used beside the shipped one: clashes count too.
        registry = TemplateRegistry([*load_folder(shipped_folder()).templates, *usable])
        problems += registry.problems
        usable = [t for t in usable if registry.get(t.id, t.version) == t]
    return usable, problems


def check_folder(path: str | Path) -> list[TemplateProblem]:
    """Every problem in a template folder, including a clash with a shipped template of the
    same id and version. An empty list means every template in it can be used."""
    return _check(Path(path))[1]


def check_report(path: str | Path | None = None,
                 lang: str | None = None) -> tuple[str, list[TemplateProblem]]:
    """The text `xinhe templates check [DIR]` prints (the shipped folder when no DIR), and
    the problems found: exit non-zero when there are any."""
    folder = Path(path) if path is not None else shipped_folder()
    usable, problems = _check(folder)
    lines = [pick(f"模板文件夹：{folder}", f"Template folder: {folder}", lang),
             pick(f"可用的模板（{len(usable)} 个）：", f"Usable templates ({len(usable)}):", lang)]
    for t in sorted(usable, key=lambda t: (KINDS.index(t.kind), t.id, -t.version)):
        kind = KIND_LABELS[t.kind].get(lang)
        lines.append(pick(f"  {t.id} 第 {t.version} 版 · {kind} · {t.label.zh}",
                          f"  {t.id} version {t.version} · {kind} · {t.label.en}", lang))
    if problems:
        lines.append(pick(f"问题（{len(problems)} 个）：", f"Problems ({len(problems)}):", lang))
        lines += [f"  {p.message(lang)}" for p in problems]
    else:
        lines.append(pick("没有发现问题。", "No problems found.", lang))
    return "\n".join(lines) + "\n", problems
