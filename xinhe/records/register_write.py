"""Writing checked register rows: clients, cases and imported summary notes, in the caller's
transaction. Rows of one file naming the same person (same ID number, or same name and
phone, or same name and birth) share one client record.

An imported summary is an addendum of kind "import" on the case (parent_id = the case):
text kept as the sheet had it, marked with the file and row, never a signed session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from xinhe.i18n import language, pick
from xinhe.records import search, search_index, vocab
from xinhe.records.common import content_hash, iso
from xinhe.records.names import sound_key
from xinhe.records.register_plan import RowPlan
from xinhe.records.storage.session import Session

NOTE_KIND = "import"  # addenda.parent_type of an imported summary note


@dataclass(frozen=True)
class Written:
    clients: int
    notes: int
    case_numbers: tuple[str, ...]


def _person_key(values: dict[str, Any]) -> tuple[str, ...] | None:
    if values.get("id_key"):
        return ("id", values["id_key"])
    for other in ("phone_key", "birth_date", "birth_year"):
        if values.get(other):
            return ("name", values["name_key"], other, str(values[other]))
    return None


def _street(values: dict[str, Any]) -> str | None:
    if values.get("street") or not values.get("community"):
        return values.get("street")
    return next((street for street, places in vocab.BAOAN_STREETS.items()
                 if values["community"] in places), None)


def write_rows(vault: Session, file_name: str, rows: Sequence[RowPlan], noon: time) -> Written:
    """Create what the planned rows describe; the caller holds the transaction."""
    db = vault.db
    actor = vault.actor.user_id
    now = iso(vault.now())
    people: dict[tuple[str, ...], int] = {}
    numbers = _number_cases(vault, rows)
    documents: list[search.Document] = []
    clients = notes = 0
    note_title = pick("导入的情况摘要", "Imported summary", language())
    for plan, case_no in zip(rows, numbers, strict=True):
        v = plan.values
        person = _person_key(v)
        client_id = people.get(person) if person else None
        if client_id is None:
            client_id = db.insert(
                "INSERT INTO clients (name, name_key, name_sound, gender, birth_date,"
                " birth_year, phone, phone_key, id_number, id_key, street, community, address,"
                " created_by, created_at, updated_at, import_source, import_row)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (v["name"], v["name_key"], sound_key(v["name"]), v["gender"], v["birth_date"],
                 v["birth_year"], v["phone"], v["phone_key"], v["id_number"], v["id_key"],
                 _street(v), v["community"], v["address"], actor, now, now, file_name,
                 plan.row))
            clients += 1
            if person:
                people[person] = client_id
        opened = iso(datetime.combine(date.fromisoformat(v["opened_on"]), noon))
        closed = (iso(datetime.combine(date.fromisoformat(v["closed_on"]), noon))
                  if v["closed_on"] else None)
        case_id = db.insert(
            "INSERT INTO cases (case_no, client_id, category, source, platform_ref, status,"
            " opened_at, closed_at, counsellor_id, created_by, created_at, updated_at,"
            " import_source, import_row, import_key)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (case_no, client_id, v["category"], v["source"], v["platform_ref"], v["status"],
             opened, closed, v["counsellor_id"], actor, now, now, file_name, plan.row,
             plan.key))
        documents.append(search.Document(
            f"case:{case_id}", case_id, "case", f"{case_no} {v['name']}",
            "\n".join(x for x in (case_no, v["name"], v["platform_ref"]) if x), opened))
        if v["summary"]:
            digest = content_hash({"case": case_no, "parent": [NOTE_KIND, case_id],
                                   "text": v["summary"], "source": [file_name, plan.row],
                                   "author": vault.actor.username, "created_at": now})
            note_id = db.insert(
                "INSERT INTO addenda (case_id, parent_type, parent_id, text, author_id,"
                " created_at, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (case_id, NOTE_KIND, case_id, v["summary"], actor, now, digest))
            documents.append(search.Document(f"imported_note:{note_id}", case_id,
                                             "imported_note", note_title, v["summary"],
                                             opened))
            notes += 1
    search_index.index_many(vault, documents)
    return Written(clients, notes, tuple(numbers))


def _number_cases(vault: Session, rows: Sequence[RowPlan]) -> list[str]:
    """Case numbers XH-<year opened>-NNNN in the yearly series, in the sheet's order."""
    last: dict[int, int] = {}
    out = []
    for plan in rows:
        year = int(plan.values["opened_on"][:4])
        if year not in last:
            last[year] = int(vault.db.scalar(
                "SELECT last FROM counters WHERE name = 'case' AND year = ?", (year,)) or 0)
        last[year] += 1
        out.append(f"XH-{year}-{last[year]:04d}")
    for year, number in last.items():
        vault.db.execute("INSERT INTO counters (name, year, last) VALUES ('case', ?, ?)"
                         " ON CONFLICT (name, year) DO UPDATE SET last = excluded.last",
                         (year, number))
    return out
