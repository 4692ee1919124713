"""Clients (当事人): who they are, and the duplicate check before creating one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from xinhe.errors import AccessDenied, InvalidInput, NotFound
from xinhe.records import vocab
from xinhe.records.access import client_readable, require_client
from xinhe.records.common import digits_key, iso, parse_date, required, stale, text_key
from xinhe.records.names import sound_key
from xinhe.records.storage.sealing import blind_key
from xinhe.records.storage.session import Session

EDITABLE = ("name", "gender", "birth_date", "birth_year", "phone", "id_number", "street",
            "community", "address", "guardian_name", "guardian_phone", "alias", "workplace",
            "child_school", "new_location")
#: Fields that can be marked confidential (where she must not be found), key → zh, en.
CONFIDENTIAL_FIELDS: dict[str, tuple[str, str]] = {
    "address": ("住址", "Address"),
    "phone": ("联系电话", "Phone"),
    "workplace": ("工作单位", "Workplace"),
    "child_school": ("子女就读学校", "Children's school"),
    "new_location": ("新住处", "New location"),
}
#: What every screen shows instead of a confidential value until the user asks to see it.
MASK = "●●●●"
_NO_MARKS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Client:
    id: int
    name: str
    gender: str | None
    birth_date: str | None
    birth_year: int | None
    phone: str | None
    id_number: str | None
    street: str | None
    community: str | None
    address: str | None
    guardian_name: str | None
    guardian_phone: str | None
    version: int
    alias: str | None = None
    workplace: str | None = None
    child_school: str | None = None
    new_location: str | None = None
    #: confidential field → the reason it was marked
    confidential: Mapping[str, str] = field(default_factory=lambda: _NO_MARKS,
                                           compare=False)
    #: the confidential fields whose values this copy holds (the others hold MASK)
    revealed: frozenset[str] = frozenset()

    def is_masked(self, key: str) -> bool:
        """Whether `key` is confidential and this copy holds the mask, not the value."""
        return key in self.confidential and key not in self.revealed

    def masked(self) -> Client:
        """This client as every screen shows it: each confidential value that is set
        replaced by MASK (an empty one stays empty)."""
        hidden: dict[str, Any] = {k: MASK for k in self.confidential
                  if k not in self.revealed and getattr(self, k)}
        return replace(self, **hidden) if hidden else self

    def age_on(self, day: date) -> int | None:
        if self.birth_date:
            born = date.fromisoformat(self.birth_date)
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.birth_year:
            return day.year - self.birth_year
        return None


# Why a client may be the same person, the strongest evidence first.
RANK = {"id_number": 0, "phone": 1, "name_birth_year": 2, "name": 3, "name_sound": 4}
BLIND_KIND = {"name": "name", "name_sound": "sound", "phone": "phone", "id_number": "id"}
NAME_LIMIT = 20  # a common name matches many: the likeliest first, enough to tell
# Both read only an index (clients_name_year, clients_name_sound), never a row of the table.
_NEAREST_YEAR = " ORDER BY coalesce(CAST(birth_year = ? AS INTEGER), 0.5) DESC, id LIMIT ?"
SAME_NAME_SQL = "SELECT id, birth_year FROM clients WHERE name_key = ?" + _NEAREST_YEAR
SAME_SOUND_SQL = "SELECT id FROM clients WHERE name_sound = ? AND name_key <> ?" + _NEAREST_YEAR


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing client who may be the person being entered. `client` holds the full
    record only when the actor may read it; otherwise the match holds just enough to avoid
    a second file: a masked name, the birth year, the case numbers and whom to contact."""

    name: str  # the full name when readable, else masked (武*怡, W***)
    birth_year: int | None
    reasons: tuple[str, ...]  # see RANK
    case_numbers: tuple[str, ...] = field(default=())
    contacts: tuple[str, ...] = field(default=())  # responsible counsellors, or the creator
    client: Client | None = None

    @property
    def readable(self) -> bool:
        return self.client is not None


def mask_name(name: str) -> str:
    """A name cut to what tells two files apart without naming the person: first and last
    character of a Chinese name (武*怡; 王* for two characters), a Latin name's initial
    (W***). One star whatever the length, so the mask does not tell the length either."""
    name = name.strip()
    if not name:
        return "*"
    if name[0].isascii():
        return name[0].upper() + "***"
    return name[0] + "*" + (name[-1] if len(name) > 2 else "")


def load_client(vault: Session, client_id: int, *, unmasked: bool = False) -> Client:
    """The client row, unchecked: for services that have already checked the case. Masked
    (see `Client.masked`) unless `unmasked`, which only packet building (through
    `packet_client_fields`) and an audited reveal use."""
    row = vault.db.one("SELECT * FROM clients WHERE id = ?", (client_id,))
    if row is None:
        raise NotFound("找不到该当事人。", "The client was not found.")
    marks = {r["field"]: r["reason"] for r in vault.db.all(
        "SELECT field, reason FROM client_confidential WHERE client_id = ?", (client_id,))}
    client = _client(row, marks)
    if unmasked:
        return replace(client, revealed=frozenset(marks))
    return client.masked()


def _client(row: Any, marks: dict[str, str]) -> Client:
    values: dict[str, Any] = {k: row[k] for k in (
        "id", "name", "gender", "birth_date", "birth_year", "phone", "id_number", "street",
        "community", "address", "guardian_name", "guardian_phone", "version", "alias",
        "workplace", "child_school", "new_location")}
    return Client(confidential=MappingProxyType(marks), **values)


def packet_client_fields(client: Client, ticked: Iterable[str] = ()) -> dict[str, str | None]:
    """The client's facts a packet may carry (a referral, a platform report, a statistics
    packet): every EDITABLE field, with each confidential field set to None unless the
    counsellor ticked it for this one packet. Every packet builder takes the client's
    values from here, never from the Client itself, so a confidential field cannot reach a
    packet without that explicit act; the builder audits what was ticked.

    `client` must be loaded unmasked (`load_client(..., unmasked=True)`); a masked value
    never leaves as if it were the value. A ticked field that is not confidential is
    refused (InvalidInput): a tick means "I know this is confidential and send it"."""
    chosen = set(ticked)
    unknown = chosen - set(client.confidential)
    if unknown:
        raise InvalidInput("只能勾选已标为保密的字段。",
                           "Only fields marked confidential can be ticked.")
    out: dict[str, str | None] = {}
    for key in EDITABLE:
        value = getattr(client, key)
        if key in client.confidential and key not in chosen:
            value = None
        elif key in client.confidential and client.is_masked(key):
            raise InvalidInput("保密字段需先解除遮盖才能放入材料。",
                               "A confidential field must be unmasked to go into a packet.")
        out[key] = None if value is None else str(value)
    return out


def require_existing_client(vault: Session, client_id: int) -> None:
    """NotFound unless the client exists, whoever may read them (on the server row security
    hides the row itself, so ask `client_exists`)."""
    if vault.db.dialect == "postgres":
        exists = vault.db.scalar("SELECT xinhe.client_exists(?)", (client_id,))
    else:
        exists = vault.db.one("SELECT 1 FROM clients WHERE id = ?", (client_id,)) is not None
    if not exists:
        raise NotFound("找不到该当事人。", "The client was not found.")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"未知的当事人字段：{', '.join(sorted(unknown))}",
                           f"Unknown client field(s): {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) or None
                           for k, v in data.items()}
    if any(v == MASK for v in out.values()):
        # A masked value saved back would overwrite the real one with the mask.
        raise InvalidInput("保密字段仍处于遮盖状态，不能保存遮盖符号。请先显示该字段再修改。",
                           "A confidential field is still masked; its mask cannot be saved. "
                           "Show the field first to change it.")
    if "name" in data:
        out["name"] = required(data.get("name"), "当事人姓名", "the client's name")
    if out.get("gender") is not None:
        vocab.check(vocab.GENDERS, out["gender"], "性别", "Gender")
    born = parse_date(out.get("birth_date"), "出生日期", "Date of birth")
    if born is not None:
        out["birth_year"] = born.year
    if out.get("birth_year") is not None:
        year = int(out["birth_year"])
        if not 1900 <= year <= date.today().year:
            raise InvalidInput("出生年份不合理。", "The year of birth is not plausible.")
        out["birth_year"] = year
    if out.get("community") and out.get("street") is None:
        for street, communities in vocab.BAOAN_STREETS.items():
            if out["community"] in communities:
                out["street"] = street
    return out


def _reason(key: str, reason: str | None) -> str:
    if key not in CONFIDENTIAL_FIELDS:
        raise InvalidInput("该字段不能标为保密。", "That field cannot be marked confidential.")
    return required(reason, "保密原因", "the reason it is confidential")


class ClientService:
    def __init__(self, vault: Session) -> None:
        self.vault = vault

    def find_duplicates(self, *, name: str = "", birth_year: int | None = None,
                        phone: str | None = None, id_number: str | None = None,
                        birth_date: str | None = None) -> list[DuplicateMatch]:
        """Likely existing records of the same person: same ID number, same phone, same
        name (with or without the same birth year), or a name of the same sound (王丽 for
        王莉). Shown before a new client is created; every lookup uses an index.

        Full details only for clients the actor may read (`client_readable`); the others
        come masked. A lookup with matches is audited with the matched client ids (never
        what was typed); the admin is refused."""
        if self.vault.actor.role not in ("counsellor", "supervisor", "staff"):
            self.vault.audit_event("client.duplicates", "client", "", "refused")
            raise AccessDenied("管理员账户不能查看个案内容。",
                               "Administrator accounts cannot see case content.")
        if birth_date and not birth_year:
            born = parse_date(birth_date, "出生日期", "Date of birth")
            birth_year = born.year if born else None
        found: dict[int, set[str]] = {}
        if name.strip():
            self._same_name(found, name, birth_year)
        checks: list[tuple[str, str, list[Any]]] = []
        if digits_key(phone):
            checks.append(("phone", "phone_key = ?", [digits_key(phone)]))
        if digits_key(id_number):
            checks.append(("id_number", "id_key = ?", [digits_key(id_number)]))
        for reason, where, params in checks:
            rows = self._candidates(reason, f"SELECT id FROM clients WHERE {where}", params,
                                    (params[0], None, None, None))
            for row in rows:
                found.setdefault(int(row["id"]), set()).add(reason)
        ids = sorted(found, key=lambda i: (min(RANK[r] for r in found[i]), i))
        matches = [self._match(client_id, tuple(sorted(found[client_id]))) for client_id in ids]
        if matches:
            masked = [str(i) for i, m in zip(ids, matches, strict=True) if not m.readable]
            self.vault.audit_event("client.duplicates", "client", ",".join(map(str, ids)),
                                   "masked:" + ",".join(masked) if masked else "ok")
        return matches

    def _same_name(self, found: dict[int, set[str]], name: str,
                   birth_year: int | None) -> None:
        """Clients of the same name (with the year of birth told, whatever it is: it is shown
        to tell people apart) and of the same sound; the same year first, then unknown."""
        year = int(birth_year) if birth_year else None
        key = text_key(name)
        for row in self._candidates("name", SAME_NAME_SQL, [key, year, NAME_LIMIT],
                                    (key, None, year, NAME_LIMIT)):
            same_year = year is not None and row["birth_year"] == year
            found.setdefault(int(row["id"]), set()).add(
                "name_birth_year" if same_year else "name")
        sound = sound_key(name)
        if sound:
            for row in self._candidates("name_sound", SAME_SOUND_SQL,
                                        [sound, key, year, NAME_LIMIT],
                                        (sound, key, year, NAME_LIMIT)):
                found.setdefault(int(row["id"]), set()).add("name_sound")

    def _candidates(self, kind: str, sql: str, params: list[Any],
                    server: tuple[Any, ...]) -> list[Any]:
        """Clients matching one key. On the server, where row security hides other
        counsellors' clients, through `duplicate_lookup` (pg_policies.CROSS_CASE)."""
        if self.vault.db.dialect == "postgres":
            key, other, *rest = server  # the server holds lookup keys blinded (sealing.py)
            blinded = [blind_key(self.vault.db, BLIND_KIND[kind], key),
                       blind_key(self.vault.db, "name", other), *rest]
            return self.vault.db.all("SELECT id, birth_year FROM xinhe.duplicate_lookup"
                                     "(?, ?, ?, ?, ?)", [kind, *blinded])
        return self.vault.db.all(sql, params)

    def _match(self, client_id: int, reasons: tuple[str, ...]) -> DuplicateMatch:
        if self.vault.db.dialect == "postgres" and not client_readable(self.vault, client_id):
            row = self.vault.db.one("SELECT * FROM xinhe.duplicate_summary(?)", (client_id,))
            if row is None:
                raise NotFound("找不到该当事人。", "The client was not found.")
            return DuplicateMatch(mask_name(row["name"]), row["birth_year"], reasons,
                                  tuple(row["case_numbers"]), tuple(row["contacts"]))
        client = load_client(self.vault, client_id)
        cases = self.vault.db.all(
            "SELECT c.case_no, u.display_name FROM cases c JOIN users u ON u.id ="
            " c.counsellor_id WHERE c.client_id = ? ORDER BY c.opened_at, c.id", (client_id,))
        if cases:
            contacts = tuple(dict.fromkeys(r["display_name"] for r in cases))
        else:
            contacts = tuple(r["display_name"] for r in self.vault.db.all(
                "SELECT u.display_name FROM clients cl JOIN users u ON u.id = cl.created_by"
                " WHERE cl.id = ?", (client_id,)))
        numbers = tuple(r["case_no"] for r in cases)
        if client_readable(self.vault, client_id):
            return DuplicateMatch(client.name, client.birth_year, reasons, numbers, contacts,
                                  client)
        return DuplicateMatch(mask_name(client.name), client.birth_year, reasons, numbers,
                              contacts)

    def create(self, *, confidential: Mapping[str, str] | None = None, **data: Any) -> Client:
        """A new client. Counsellors and supervisors create clients. `confidential` marks
        fields confidential from the start (field → reason), in the same transaction."""
        self.vault.require_role("counsellor", "supervisor")
        secret = {key: _reason(key, reason) for key, reason in (confidential or {}).items()}
        values = _clean(data)
        if "name" not in values:
            values["name"] = required(None, "当事人姓名", "the client's name")
        now = iso(self.vault.now())
        values.update(name_key=text_key(values["name"]), name_sound=sound_key(values["name"]),
                      phone_key=digits_key(values.get("phone")),
                      id_key=digits_key(values.get("id_number")),
                      created_by=self.vault.actor.user_id, created_at=now, updated_at=now)
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        with self.vault.db.transaction():
            client_id = self.vault.db.insert(
                f"INSERT INTO clients ({columns}) VALUES ({marks})", values)
            self.vault.audit_event("client.create", "client", client_id)
            for key, reason in secret.items():
                self._mark(client_id, key, reason)
            from xinhe.records.search_index import index_client

            index_client(self.vault, client_id)
        return load_client(self.vault, client_id)

    def get(self, client_id: int) -> Client:
        """A client's details, for someone who may see them (see `require_client`)."""
        require_existing_client(self.vault, client_id)
        require_client(self.vault, client_id)
        return load_client(self.vault, client_id)

    def update(self, client_id: int, expected_version: int, **data: Any) -> Client:
        """Change a client's details. Fails with Conflict if someone saved in between."""
        self.vault.require_role("counsellor", "supervisor")
        self._require_editable(client_id)
        values = _clean(data)
        if "name" in values:
            values["name_key"] = text_key(values["name"])
            values["name_sound"] = sound_key(values["name"])
        if "phone" in values:
            values["phone_key"] = digits_key(values["phone"])
        if "id_number" in values:
            values["id_key"] = digits_key(values["id_number"])
        values["updated_at"] = iso(self.vault.now())
        sets = ", ".join(f"{k} = :{k}" for k in values)
        with self.vault.db.transaction():
            cursor = self.vault.db.execute(
                f"UPDATE clients SET {sets}, version = version + 1 WHERE id = :id AND "
                "version = :expected", {**values, "id": client_id, "expected": expected_version})
            if cursor.rowcount != 1:
                raise stale(self.vault, "clients", client_id, "当事人信息", "client's details")
            self.vault.audit_event("client.update", "client", client_id)
            from xinhe.records.search_index import index_client

            index_client(self.vault, client_id)
        return load_client(self.vault, client_id)

    # -- confidential fields --------------------------------------------------------------------
    def mark_confidential(self, client_id: int, key: str, reason: str) -> Client:
        """Mark one field confidential (where she must not be found), with the reason.
        From then on every screen masks it and no packet carries it unless ticked."""
        self.vault.require_role("counsellor", "supervisor")
        self._require_editable(client_id)
        reason = _reason(key, reason)
        with self.vault.db.transaction():
            self._mark(client_id, key, reason)
        return load_client(self.vault, client_id)

    def _mark(self, client_id: int, key: str, reason: str) -> None:
        self.vault.db.execute(
            "INSERT INTO client_confidential (client_id, field, reason, marked_by, marked_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (client_id, field) DO UPDATE SET"
            " reason = excluded.reason, marked_by = excluded.marked_by,"
            " marked_at = excluded.marked_at",
            (client_id, key, reason, self.vault.actor.user_id, iso(self.vault.now())))
        self.vault.audit_event("client.confidential", "client", client_id, f"mark:{key}")

    def unmark_confidential(self, client_id: int, key: str) -> Client:
        """Lift the confidential mark of one field (audited)."""
        self.vault.require_role("counsellor", "supervisor")
        self._require_editable(client_id)
        _reason(key, "-")
        with self.vault.db.transaction():
            self.vault.db.execute("DELETE FROM client_confidential WHERE client_id = ? AND"
                                  " field = ?", (client_id, key))
            self.vault.audit_event("client.confidential", "client", client_id, f"unmark:{key}")
        return load_client(self.vault, client_id)

    def reveal(self, client_id: int, key: str) -> str | None:
        """The value of one confidential field, for a user who asked to see it (audited as
        `client.reveal` with the field's name, never its value)."""
        if key not in CONFIDENTIAL_FIELDS:
            raise InvalidInput("该字段不能标为保密。", "That field cannot be marked confidential.")
        require_client(self.vault, client_id)
        client = load_client(self.vault, client_id, unmasked=True)
        self.vault.audit_event("client.reveal", "client", client_id, key)
        value: str | None = getattr(client, key)
        return value

    def _require_editable(self, client_id: int) -> None:
        """A counsellor edits clients of their own (or shared) cases, or ones they made."""
        if self.vault.actor.role == "supervisor":
            return
        from xinhe.records.access import visible_cases_clause

        clause, params = visible_cases_clause(self.vault)
        mine = self.vault.db.one(
            f"SELECT 1 FROM cases c WHERE c.client_id = ? AND {clause}", [client_id, *params])
        made = self.vault.db.one("SELECT 1 FROM clients WHERE id = ? AND created_by = ?",
                                 (client_id, self.vault.actor.user_id))
        if mine is None and made is None:
            raise AccessDenied("这位当事人不在您的个案中，不能修改其信息。",
                               "This client is not in your cases, so you cannot edit them.")
