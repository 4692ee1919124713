"""The people around a client: children, other family members and the person who harmed
her, each a record of their own in the case (not a yes/no and a count in the intake).

Two things follow from them. A person who harmed a client is looked for in the studio's
other cases (same name and birth year, same phone, or same ID number, normalised as the
duplicate check does): the same person in several cases is a risk signal for a supervisor,
and a counsellor sees a match in a case she may not read only masked. A child under 18
linked to a domestic-violence case prompts the minor mandatory-report record until one is
made (see the `minor_report` clock in `xinhe.records.planning`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from xinhe.errors import AccessDenied, InvalidInput, NotFound
from xinhe.records.access import require_case, visible_cases_clause
from xinhe.records.clients import mask_name
from xinhe.records.common import digits_key, iso, required, stale, text_key
from xinhe.records.storage.session import Session

#: relation → zh, en
RELATIONS: dict[str, tuple[str, str]] = {
    "abuser": ("施暴者", "Person who harmed her"),
    "child": ("子女", "Child"),
    "family": ("其他家庭成员", "Other family member"),
    "other": ("其他相关人员", "Other person"),
}
FIELDS = ("relation", "name", "birth_year", "phone", "id_number", "in_household", "notes")
MINOR_AGE = 18
MINOR_TEMPLATE = "minor_mandatory_report"


@dataclass(frozen=True)
class LinkedPerson:
    id: int
    case_id: int
    relation: str
    name: str
    birth_year: int | None
    phone: str | None
    id_number: str | None
    in_household: bool
    notes: str | None
    version: int

    def may_be_minor(self, today: date) -> bool:
        """Whether this child may be under 18: born in a year that leaves it possible, or
        with no year recorded (the counsellor should find out, not assume an adult)."""
        if self.relation != "child":
            return False
        return self.birth_year is None or today.year - self.birth_year <= MINOR_AGE


@dataclass(frozen=True)
class SamePerson:
    """A person who harmed this case's client, found again in another case. In a case the
    actor may not read, only the masked name and whom to ask are given."""

    person_id: int  # the linked person in the case looked at
    reasons: tuple[str, ...]  # "id_number", "phone", "name_birth_year"
    other_name: str  # full when readable, else masked
    other_case_no: str | None  # None when the actor may not read that case
    readable: bool
    contacts: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class RiskSignal:
    """For a supervisor: one person who harmed clients in more than one case."""

    name: str
    birth_year: int | None
    case_numbers: tuple[str, ...]
    reasons: tuple[str, ...]


def _person(row: Any) -> LinkedPerson:
    return LinkedPerson(int(row["id"]), int(row["case_id"]), row["relation"], row["name"],
                        row["birth_year"], row["phone"], row["id_number"],
                        bool(row["in_household"]), row["notes"], int(row["version"]))


def _clean(data: dict[str, Any], today: date) -> dict[str, Any]:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"未知的相关人员字段：{', '.join(sorted(unknown))}",
                           f"Unknown linked-person field(s): {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    for key in ("phone", "id_number", "notes"):
        if key in out:
            out[key] = out[key] or None
    if "relation" in out and out["relation"] not in RELATIONS:
        raise InvalidInput("请选择与当事人的关系。", "Choose the relation to the client.")
    if "name" in out:
        out["name"] = required(out["name"], "相关人员姓名", "the person's name")
        out["name_key"] = text_key(out["name"])
    if out.get("birth_year") in ("", None):
        out["birth_year"] = None
    elif "birth_year" in out:
        try:
            year = int(out["birth_year"])
        except (TypeError, ValueError):
            year = 0
        if not 1900 <= year <= today.year:
            raise InvalidInput("出生年份不合理。", "The year of birth is not plausible.")
        out["birth_year"] = year
    if "phone" in out:
        out["phone_key"] = digits_key(out["phone"])
    if "id_number" in out:
        out["id_key"] = digits_key(out["id_number"])
    if "in_household" in out:
        out["in_household"] = 1 if out["in_household"] else 0
    return out


class PersonService:
    """Linked persons of a case: read with the case's notes, written by those who may add
    records to it. Every change is audited (never with a name)."""

    def __init__(self, vault: Session) -> None:
        self.vault = vault

    def for_case(self, case_id: int) -> list[LinkedPerson]:
        """The case's linked persons, the person who harmed her first, then children."""
        require_case(self.vault, case_id, "notes")
        rows = self.vault.db.all(
            "SELECT * FROM linked_persons WHERE case_id = ? ORDER BY CASE relation WHEN"
            " 'abuser' THEN 0 WHEN 'child' THEN 1 WHEN 'family' THEN 2 ELSE 3 END, id",
            (case_id,))
        return [_person(r) for r in rows]

    def add(self, case_id: int, **data: Any) -> LinkedPerson:
        """Link a person to the case (relation and name required)."""
        require_case(self.vault, case_id, "write")
        values = _clean(data, self.vault.now().date())
        if "relation" not in values:
            raise InvalidInput("请选择与当事人的关系。", "Choose the relation to the client.")
        if "name" not in values:
            values["name"] = required(None, "相关人员姓名", "the person's name")
        now = iso(self.vault.now())
        values.update(case_id=case_id, created_by=self.vault.actor.user_id, created_at=now,
                      updated_at=now)
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        with self.vault.db.transaction():
            person_id = self.vault.db.insert(
                f"INSERT INTO linked_persons ({columns}) VALUES ({marks})", values)
            self.vault.audit_event("person.add", "case", case_id,
                                   f"{values['relation']}:{person_id}")
        return self.get(person_id)

    def get(self, person_id: int) -> LinkedPerson:
        row = self.vault.db.one("SELECT * FROM linked_persons WHERE id = ?", (person_id,))
        if row is None:
            raise NotFound("找不到该相关人员。", "The linked person was not found.")
        require_case(self.vault, int(row["case_id"]), "notes")
        return _person(row)

    def update(self, person_id: int, expected_version: int, **data: Any) -> LinkedPerson:
        """Change a linked person's record. Fails with Conflict if someone saved in between."""
        person = self.get(person_id)
        require_case(self.vault, person.case_id, "write")
        values = _clean(data, self.vault.now().date())
        values["updated_at"] = iso(self.vault.now())
        sets = ", ".join(f"{k} = :{k}" for k in values)
        with self.vault.db.transaction():
            cursor = self.vault.db.execute(
                f"UPDATE linked_persons SET {sets}, version = version + 1 WHERE id = :id AND"
                " version = :expected", {**values, "id": person_id, "expected": expected_version})
            if cursor.rowcount != 1:
                raise stale(self.vault, "linked_persons", person_id, "相关人员信息",
                            "linked person's record", person.case_id)
            self.vault.audit_event("person.update", "case", person.case_id, str(person_id))
        return self.get(person_id)

    def remove(self, person_id: int) -> None:
        """Unlink a person entered by mistake (audited)."""
        person = self.get(person_id)
        require_case(self.vault, person.case_id, "write")
        with self.vault.db.transaction():
            gone = self.vault.db.execute("DELETE FROM linked_persons WHERE id = ?", (person_id,))
            if gone.rowcount != 1:  # on the server, row security may refuse it silently
                raise AccessDenied()
            self.vault.audit_event("person.remove", "case", person.case_id, str(person_id))

    # -- the mandatory report for a child -------------------------------------------------------
    def minor_report_prompt(self, case_id: int) -> list[LinkedPerson]:
        """Children who may be under 18 linked to a domestic-violence case with no minor
        mandatory report yet (no `minor_report` clock and no record of the report): the
        case view prompts for the report while this is not empty."""
        case = require_case(self.vault, case_id, "notes")
        if case["category"] != "domestic_violence":
            return []
        today = self.vault.now().astimezone().date()
        children = [p for p in self.for_case(case_id) if p.may_be_minor(today)]
        if not children:
            return []
        reported = self.vault.db.one(
            "SELECT 1 FROM clocks WHERE case_id = ? AND kind = 'minor_report' UNION ALL"
            " SELECT 1 FROM assessments WHERE case_id = ? AND template_id = ?",
            (case_id, case_id, MINOR_TEMPLATE))
        return [] if reported else children

    # -- the same person who harmed clients in other cases --------------------------------------
    def _same_rows(self, row: Any) -> dict[int, tuple[set[str], Any]]:
        """Other abuser records matching one, by id → (reasons, the match: its name, case
        number where the actor may read that case, its counsellor, readable). On the server,
        where row security hides other counsellors' cases, through `abuser_lookup`
        (pg_policies.CROSS_CASE); the keys read from the row are already blinded there."""
        found: dict[int, tuple[set[str], Any]] = {}
        checks: list[tuple[str, str, list[Any]]] = []
        if row["id_key"]:
            checks.append(("id_number", "p.id_key = ?", [row["id_key"]]))
        if row["phone_key"]:
            checks.append(("phone", "p.phone_key = ?", [row["phone_key"]]))
        if row["birth_year"] is not None:
            checks.append(("name_birth_year", "p.name_key = ? AND p.birth_year = ?",
                           [row["name_key"], row["birth_year"]]))
        on_server = self.vault.db.dialect == "postgres"
        clause, visible = visible_cases_clause(self.vault)
        for reason, where, params in checks:
            if on_server:
                year = params[1] if len(params) > 1 else None
                matches = self.vault.db.all("SELECT * FROM xinhe.abuser_lookup(?, ?, ?, ?)",
                                            (row["case_id"], reason, params[0], year))
            else:
                matches = self.vault.db.all(
                    f"SELECT p.id, p.name, c.case_no, u.display_name, ({clause}) AS readable"
                    " FROM linked_persons p JOIN cases c ON c.id = p.case_id JOIN users u ON"
                    f" u.id = c.counsellor_id WHERE {where} AND p.relation = 'abuser' AND"
                    " p.case_id <> ? ORDER BY p.id", [*visible, *params, row["case_id"]])
            for other in matches:
                found.setdefault(int(other["id"]), (set(), other))[0].add(reason)
        return found

    def same_person_elsewhere(self, case_id: int) -> list[SamePerson]:
        """The people who harmed this case's client, found in other cases. Full details
        for cases the actor may read; otherwise a masked name and whom to ask, never the
        case number. A lookup with matches is audited with the matched record ids."""
        require_case(self.vault, case_id, "notes")
        out: list[SamePerson] = []
        for row in self.vault.db.all("SELECT * FROM linked_persons WHERE case_id = ? AND"
                                     " relation = 'abuser' ORDER BY id", (case_id,)):
            for _other_id, (reasons, other) in sorted(self._same_rows(row).items()):
                readable = bool(other["readable"])
                out.append(SamePerson(
                    int(row["id"]), tuple(sorted(reasons)),
                    other["name"] if readable else mask_name(other["name"]),
                    other["case_no"] if readable else None, readable,
                    () if readable else (str(other["display_name"]),)))
        if out:
            masked = [str(m.person_id) for m in out if not m.readable]
            self.vault.audit_event("person.matches", "case", case_id,
                                   "masked:" + ",".join(masked) if masked else "ok")
        return out

    def risk_signals(self) -> list[RiskSignal]:
        """For a supervisor: every person who harmed clients in more than one case of the
        studio, with the case numbers, the most cases first. Audited."""
        if self.vault.actor.role != "supervisor":
            self.vault.audit_event("person.signals", "case", "", "refused")
            raise AccessDenied("只有督导可以查看跨个案的风险提示。",
                               "Only a supervisor can see risk signals across cases.")
        rows = self.vault.db.all("SELECT p.*, c.case_no FROM linked_persons p JOIN cases c ON"
                                 " c.id = p.case_id WHERE p.relation = 'abuser' ORDER BY p.id")
        by_id = {int(r["id"]): r for r in rows}
        group: dict[int, int] = {}  # record id → the first record of its person
        reasons: dict[int, set[str]] = {}
        for row in rows:
            root = group.setdefault(int(row["id"]), int(row["id"]))
            for other_id, (why, _match) in self._same_rows(row).items():
                if other_id not in group:
                    group[other_id] = root
                reasons.setdefault(group[other_id], set()).update(why)
        signals = []
        for root in sorted(set(group.values())):
            cases = tuple(dict.fromkeys(by_id[i]["case_no"] for i in sorted(group)
                                        if group[i] == root))
            if len(cases) > 1:
                first = by_id[root]
                signals.append(RiskSignal(first["name"], first["birth_year"], cases,
                                          tuple(sorted(reasons.get(root, ())))))
        signals.sort(key=lambda s: (-len(s.case_numbers), s.case_numbers))
        self.vault.audit_event("person.signals", "case", "", f"ok:{len(signals)}")
        return signals
