"""What the studio server never sees in clear: the registry of sealed and blinded columns,
and the keys (derived from the studio's data key) that seal, open and blind them.

The seam (pg_store.PgDatabase) applies this registry to the parameters of every INSERT and
UPDATE it is given and to every result row, so a records service cannot forget to seal a
column: it writes and reads clear values on both homes. A sealed text value is
"xs1:" + base64(nonce | AES-256-GCM ciphertext), a sealed bytea value b"xs1b" + nonce |
ciphertext; the associated data is "table.column", so a value moved to another column
does not open. Blinded lookup keys are HMAC-SHA256, so equality still works on the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from xinhe.errors import XinheError

TEXT_PREFIX = "xs1:"
BYTES_PREFIX = b"xs1b"
NONCE = 12

_CLIENT = ("name", "phone", "id_number", "address", "street", "guardian_name",
           "guardian_phone", "alias", "workplace", "child_school", "new_location")
#: table → columns whose values name or describe a person.
SEALED: dict[str, frozenset[str]] = {t: frozenset(c) for t, c in {
    "clients": _CLIENT,
    "client_confidential": ("reason",),
    "cases": ("summary", "closure_note"),
    "risk_history": ("reason",),
    "sessions": ("answers",),
    "crisis_interventions": ("answers",),
    "assessments": ("answers",),
    "addenda": ("text",),
    "safety_plans": ("answers",),
    "followups": ("answers",),
    "reviews": ("comment",),
    "attachments": ("filename", "description", "data"),
    "consents": ("basis_note", "given_by"),
    "referrals": ("summary", "status_note", "acknowledgement", "pdf", "recall_reason",
                  "recall_pdf"),
    "linked_persons": ("name", "phone", "id_number", "notes"),
    "drafts": ("title", "payload"),
    "search_doc": ("title", "body"),
    "platform_dispatches": ("document",),
    "platform_reports": ("facts", "pdf"),
    "court_extracts": ("document", "pdf"),
    "appointments": ("place", "note"),  # where she will be is as telling as a note
    # The studio's signing key: whoever reads it signs referrals and court records as her.
    "signing_identities": ("private_key",),
}.items()}
#: lookup-key column → the kind of key it holds (the same kind compares across tables).
BLIND = {"name_key": "name", "name_sound": "sound", "phone_key": "phone", "id_key": "id"}
BLIND_TABLES = frozenset({"clients", "linked_persons"})
#: result-column aliases the services use for a sealed column.
ALIASES = {"client_name": ("clients.name",), "person_name": ("linked_persons.name",)}


def _labels_by_column() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for table, columns in SEALED.items():
        for column in columns:
            out.setdefault(column, []).append(f"{table}.{column}")
    return {**{k: tuple(v) for k, v in out.items()}, **ALIASES}


#: result column name → the table.column labels a sealed value there may carry.
LABELS = _labels_by_column()


class SealBroken(XinheError):
    """A sealed value that does not open where it was read (moved, altered, or another
    studio's), or sealed work without the signed-in user's keys."""

    code = "seal_broken"

    def __init__(self) -> None:
        super().__init__("服务器上的一项加密内容无法解开：它被改动过或被移到了别处。请联系管理员。",
                         "An encrypted value on the server does not open: it was changed or "
                         "moved. Contact the administrator.")


def _derive(data_key: bytes, info: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=info).derive(data_key)


class Sealer:
    """The workstation's keys for one studio, all derived from its data key."""

    def __init__(self, data_key: bytes) -> None:
        self._aead = AESGCM(_derive(data_key, b"xinhe server seal v1"))
        self._blind = _derive(data_key, b"xinhe server blind v1")
        self._search = _derive(data_key, b"xinhe server search v1")

    def seal(self, label: str, value: object) -> object:
        """`value` (text or bytes; None stays None) sealed for the column `label`."""
        if value is None:
            return None
        nonce = os.urandom(NONCE)
        if isinstance(value, bytes | bytearray | memoryview):
            return BYTES_PREFIX + nonce + self._aead.encrypt(nonce, bytes(value),
                                                             label.encode())
        sealed = self._aead.encrypt(nonce, str(value).encode(), label.encode())
        return TEXT_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, labels: Iterable[str], value: object) -> object:
        """A value read from a column that may carry any of `labels`; clear values (from
        before sealing, or defaults) pass unchanged."""
        if isinstance(value, str) and value.startswith(TEXT_PREFIX):
            try:
                raw = base64.b64decode(value[len(TEXT_PREFIX):], validate=True)
            except ValueError:
                raise SealBroken() from None
            return self._open(labels, raw).decode()
        if isinstance(value, bytes | memoryview) and bytes(value[:4]) == BYTES_PREFIX:
            return self._open(labels, bytes(value[4:]))
        return value

    def _open(self, labels: Iterable[str], raw: bytes) -> bytes:
        for label in labels:
            try:
                return self._aead.decrypt(raw[:NONCE], raw[NONCE:], label.encode())
            except InvalidTag:
                continue
        raise SealBroken()

    def blind(self, kind: str, value: str | None) -> str | None:
        """A lookup key as the server holds it: HMAC-SHA256 per kind; None and "" stay."""
        if not value:
            return value
        return hmac.new(self._blind, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()

    def search_token(self, gram: str) -> int:
        """The server's token for one folded 1-, 2- or 3-character gram: 64 bits of its
        HMAC (a rare collision only adds a candidate the workstation then rules out)."""
        digest = hmac.digest(self._search, gram.encode(), "sha256")
        return int.from_bytes(digest[:8], "big", signed=True)


def blind_key(db: Any, kind: str, value: str | None) -> str | None:
    """A lookup key as `db` holds it: blinded on the studio server, clear in the vault."""
    sealer: Sealer | None = getattr(db, "sealer", None)
    if db.dialect != "postgres" or value is None:
        return value
    if sealer is None:
        raise SealBroken()
    return sealer.blind(kind, value)


# -- the parameters of INSERT and UPDATE statements ------------------------------------------

_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_INSERT = re.compile(r"\s*INSERT\s+INTO\s+(?:xinhe\.)?(\w+)\s*\(([^)]*)\)\s*VALUES\s*\(", re.I)
_UPDATE = re.compile(r"\s*UPDATE\s+(?:xinhe\.)?(\w+)\s+SET\s+", re.I)
_WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE)\s+(?:xinhe\.)?(\w+)", re.I)
_NAMED = re.compile(r"(?<!:):([A-Za-z_]\w*)")


def _mask(sql: str) -> str:
    """The statement with quoted strings and identifiers blanked (same offsets)."""
    return _QUOTED.sub(lambda m: "_" * len(m[0]), sql)


def _split(masked: str, start: int) -> tuple[list[tuple[int, int]], int]:
    """Top-level comma-separated spans from `start` to the closing parenthesis or to a
    top-level WHERE/RETURNING/FROM (for SET lists); and where the list ended."""
    spans: list[tuple[int, int]] = []
    depth, begin, i = 0, start, start
    while i < len(masked):
        ch = masked[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            spans.append((begin, i))
            begin = i + 1
        elif depth == 0 and re.match(r"\s(WHERE|RETURNING|FROM)\b", masked[i:i + 11], re.I):
            break
        i += 1
    spans.append((begin, i))
    return spans, i


class _Writes:
    """Which parameter feeds which column of one sealed or blinded table."""

    def __init__(self, sealer: Sealer, table: str) -> None:
        self.sealer = sealer
        self.table = table
        self.sealed = SEALED.get(table, frozenset())
        self.blind = BLIND if table in BLIND_TABLES else {}

    def wants(self, column: str) -> bool:
        return column in self.sealed or column in self.blind

    def convert(self, column: str, value: Any) -> Any:
        if column in self.sealed:
            return self.sealer.seal(f"{self.table}.{column}", value)
        return self.sealer.blind(self.blind[column], value)


def seal_params(sealer: Sealer | None, sql: str, params: Any) -> tuple[str, Any]:
    """The statement and its parameters with every value bound for a sealed column sealed
    and every lookup key blinded (a named parameter feeding such a column gets a name of its
    own, as it may feed another column too); statements on other tables pass unchanged. A
    statement on a sealed table that the seam cannot map is refused (RuntimeError, a coding
    error): it could reach the server clear."""
    head = _WRITE.match(sql)
    if head is None or (head[1] not in SEALED and head[1] not in BLIND_TABLES):
        return sql, params
    if sealer is None:
        raise SealBroken()
    writes = _Writes(sealer, head[1])
    masked = _mask(sql)
    pairs: list[tuple[str, int, int]] = []  # column, span of its value expression
    if (insert := _INSERT.match(sql)) is not None:
        columns = [c.strip().strip('"') for c in insert[2].split(",")]
        spans, _ = _split(masked, insert.end())
        pairs = [(c, a, b) for c, (a, b) in zip(columns, spans, strict=True)]
    elif (update := _UPDATE.match(sql)) is not None:
        spans, _ = _split(masked, update.end())
        for a, b in spans:
            column, _, _ = sql[a:b].partition("=")
            pairs.append((column.strip().strip('"'), a + len(column) + 1, b))
    else:
        raise RuntimeError(f"a write to {head[1]} the seam cannot read")
    named = isinstance(params, dict)
    out: Any = dict(params) if named else list(params)
    renames: list[tuple[int, int, str]] = []
    for column, a, b in pairs:
        if not writes.wants(column):
            continue
        # The one parameter mark in the value expression (`?`, `coalesce(?, comment)`) carries
        # the value; an expression without one is a literal in the code, not client data.
        expr = masked[a:b]
        found = list(_NAMED.finditer(expr)) if named else []
        marks = len(found) if named else expr.count("?")
        if marks > 1:
            raise RuntimeError(f"{head[1]}.{column} written from several parameters")
        if marks and named:
            fresh = f"sealed_{column}"
            out[fresh] = writes.convert(column, params[found[0][1]])
            renames.append((a + found[0].start(), a + found[0].end(), f":{fresh}"))
        elif marks:
            place = masked[:a].count("?")
            out[place] = writes.convert(column, params[place])
    for start, end, text in sorted(renames, reverse=True):
        sql = sql[:start] + text + sql[end:]
    return sql, out
