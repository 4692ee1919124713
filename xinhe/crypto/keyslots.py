"""`keyslots.json`: the database key, wrapped once per user and once for the recovery key.

Each slot holds an X25519 key pair. Its private key is encrypted (AES-256-GCM) under a
key derived from the user's password with Argon2id, mixed with the workstation's device
secret when binding is on. The database key is sealed to the slot's public key (X25519,
HKDF-SHA256, AES-256-GCM). Sealing needs only public keys, so re-keying the database
after a user is removed rewraps every remaining slot without knowing anyone's password.

The file is rewritten atomically and carries a checksum, so a damaged file is reported
as damage and never mistaken for a wrong password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xinhe.crypto import kdf
from xinhe.crypto.files import atomic_write
from xinhe.errors import BadRecoveryKey, InvalidInput, VaultDamaged, WrongPassword

# The cipher loads when a slot is opened or made: reading the file (the unlock window's
# login names) needs none of it.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

FORMAT = "xinhe-keyslots"
FORMAT_VERSION = 1
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
# Far above any real file (a slot is about 1 KB); a bigger one is damage, not a vault.
MAX_FILE_BYTES = 64 * 1024 * 1024


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, size: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    data = base64.b64decode(text, validate=True)
    if size is not None and len(data) != size:
        raise ValueError("wrong length")
    return data


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def _raw_public(key: X25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _raw_private(key: X25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def validate_username(name: str) -> str:
    name = name.strip().lower()
    if not USERNAME_RE.match(name):
        raise InvalidInput(
            "登录名须为 2–32 个字符，只能使用小写字母、数字、点、下划线或连字符。",
            "A login name has 2–32 characters: lower-case letters, digits, '.', '_' or '-'.",
        )
    return name


@dataclass(frozen=True)
class Sealed:
    """A database key sealed to one slot's public key."""

    generation: int
    ephemeral_public: bytes
    nonce: bytes
    ciphertext: bytes

    def to_json(self) -> dict[str, Any]:
        return {"generation": self.generation, "ephemeral_public": _b64(self.ephemeral_public),
                "nonce": _b64(self.nonce), "ciphertext": _b64(self.ciphertext)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sealed:
        return cls(int(data["generation"]), _unb64(data["ephemeral_public"], 32),
                   _unb64(data["nonce"], 12), _unb64(data["ciphertext"]))


def _seal_aad(vault_id: str, slot_id: str, public: bytes, generation: int) -> bytes:
    return canonical_json({"purpose": "db-key", "vault_id": vault_id, "slot": slot_id,
                           "public_key": _b64(public), "generation": generation})


def seal(vault_id: str, slot_id: str, public: bytes, db_key: bytes, generation: int) -> Sealed:
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ephemeral = X25519PrivateKey.generate()
    eph_pub = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    key = _hkdf(shared, eph_pub + public, b"xinhe seal v1")
    nonce = os.urandom(12)
    ct = AESGCM(key).encrypt(nonce, db_key, _seal_aad(vault_id, slot_id, public, generation))
    return Sealed(generation, eph_pub, nonce, ct)


def unseal(vault_id: str, slot_id: str, private: X25519PrivateKey, sealed: Sealed) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    public = _raw_public(private.public_key())
    shared = private.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral_public))
    key = _hkdf(shared, sealed.ephemeral_public + public, b"xinhe seal v1")
    aad = _seal_aad(vault_id, slot_id, public, sealed.generation)
    return AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, aad)


@dataclass(frozen=True)
class UserSlot:
    user: str
    public_key: bytes
    kdf: kdf.KdfParams
    salt: bytes
    device_bound: bool
    nonce: bytes
    wrapped_private: bytes
    db_key: Sealed
    next_db_key: Sealed | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "user": self.user, "public_key": _b64(self.public_key), "kdf": self.kdf.to_json(),
            "salt": _b64(self.salt), "device_bound": self.device_bound,
            "nonce": _b64(self.nonce), "wrapped_private": _b64(self.wrapped_private),
            "db_key": self.db_key.to_json(),
        }
        if self.next_db_key is not None:
            out["next_db_key"] = self.next_db_key.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UserSlot:
        nxt = data.get("next_db_key")
        return cls(str(data["user"]), _unb64(data["public_key"], 32),
                   kdf.KdfParams.from_json(data["kdf"]), _unb64(data["salt"], 16),
                   bool(data["device_bound"]), _unb64(data["nonce"], 12),
                   _unb64(data["wrapped_private"]), Sealed.from_json(data["db_key"]),
                   Sealed.from_json(nxt) if nxt else None)


@dataclass(frozen=True)
class RecoverySlot:
    public_key: bytes
    db_key: Sealed
    next_db_key: Sealed | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"public_key": _b64(self.public_key),
                               "db_key": self.db_key.to_json()}
        if self.next_db_key is not None:
            out["next_db_key"] = self.next_db_key.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecoverySlot:
        nxt = data.get("next_db_key")
        return cls(_unb64(data["public_key"], 32), Sealed.from_json(data["db_key"]),
                   Sealed.from_json(nxt) if nxt else None)


def audit_witness_key(db_key: bytes, vault_id: str) -> bytes:
    """The key that MACs audit-head witnesses: derived from the database key, so only
    someone who can open the vault can write a head that verifies."""
    return _hkdf(db_key, vault_id.encode(), b"xinhe audit witness v1")


@dataclass(frozen=True)
class AuditHeadWitness:
    """The audit chain's head (sequence and hash) as it was at a lock, under a MAC.

    `key_id` names the database key the MAC was made with: after a re-key or a restore
    the MAC cannot be checked any more, but the head itself still can."""

    seq: int
    hash: str
    key_id: str
    mac: str

    @staticmethod
    def _mac(key: bytes, vault_id: str, seq: int, digest: str) -> str:
        body = canonical_json({"purpose": "audit-head", "vault_id": vault_id, "seq": seq,
                               "hash": digest})
        return hmac.new(key, body, hashlib.sha256).hexdigest()

    @staticmethod
    def key_id_of(key: bytes) -> str:
        return hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:16]

    @classmethod
    def make(cls, key: bytes, vault_id: str, seq: int, digest: str) -> AuditHeadWitness:
        return cls(seq, digest, cls.key_id_of(key), cls._mac(key, vault_id, seq, digest))

    def mac_state(self, key: bytes, vault_id: str) -> str:
        """"ok", "bad" (the head or its MAC was edited) or "other_key" (made under an
        earlier database key)."""
        if not hmac.compare_digest(self.key_id, self.key_id_of(key)):
            return "other_key"
        good = hmac.compare_digest(self.mac, self._mac(key, vault_id, self.seq, self.hash))
        return "ok" if good else "bad"

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "key_id": self.key_id, "mac": self.mac}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditHeadWitness:
        return cls(int(data["seq"]), str(data["hash"]), str(data["key_id"]), str(data["mac"]))


@dataclass
class Lockout:
    failures: int = 0
    locked_until: str | None = None  # ISO 8601 UTC


@dataclass
class KeySlotFile:
    vault_id: str
    generation: int
    users: dict[str, UserSlot]
    recovery: RecoverySlot
    lockout: dict[str, Lockout] = field(default_factory=dict)
    # Events that happened while the database was closed (failed logins, lockouts).
    # They hold login names and times only, and move into the audit chain at the next unlock.
    pending_audit: list[dict[str, Any]] = field(default_factory=list)
    # The audit chain's head at the last lock or close (absent in files made before it).
    audit_head: AuditHeadWitness | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "format": FORMAT, "version": FORMAT_VERSION, "vault_id": self.vault_id,
            "generation": self.generation,
            "users": [slot.to_json() for slot in self.users.values()],
            "recovery": self.recovery.to_json(),
            "lockout": {u: {"failures": lo.failures, "locked_until": lo.locked_until}
                        for u, lo in sorted(self.lockout.items())},
            "pending_audit": self.pending_audit,
        }
        if self.audit_head is not None:
            body["audit_head"] = self.audit_head.to_json()
        body["checksum"] = hashlib.sha256(canonical_json(body)).hexdigest()
        return body

    def save(self, path: Path) -> None:
        atomic_write(path, json.dumps(self.to_json(), indent=1, ensure_ascii=False).encode())

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        damaged = VaultDamaged("密钥文件 keyslots.json 已损坏", "keyslots.json is damaged")
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise damaged
            raw = path.read_bytes()
        except FileNotFoundError:
            raise VaultDamaged("缺少密钥文件 keyslots.json", "keyslots.json is missing") from None
        except IsADirectoryError:
            raise damaged from None
        try:
            body = json.loads(raw.decode("utf-8"))
            if not isinstance(body, dict) or body.get("format") != FORMAT:
                raise ValueError("not a key slot file")
            if int(body.get("version", 0)) > FORMAT_VERSION:
                raise VaultDamaged("密钥文件来自更新版本的馨和，请先升级软件",
                                   "keyslots.json comes from a newer version of Xinhe; "
                                   "upgrade first")
            checksum = body.pop("checksum", None)
            expected = hashlib.sha256(canonical_json(body)).hexdigest()
            if not isinstance(checksum, str) or not hmac.compare_digest(checksum, expected):
                raise ValueError("checksum mismatch")
            users = [UserSlot.from_json(s) for s in body["users"]]
            return cls(
                vault_id=str(body["vault_id"]),
                generation=int(body["generation"]),
                users={s.user: s for s in users},
                recovery=RecoverySlot.from_json(body["recovery"]),
                lockout=_lockouts(body.get("lockout", {})),
                pending_audit=_pending_audit(body.get("pending_audit", [])),
                audit_head=AuditHeadWitness.from_json(body["audit_head"])
                if body.get("audit_head") is not None else None,
            )
        except VaultDamaged:
            raise
        # RecursionError: JSON nested deeper than Python's parser goes.
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError,
                RecursionError, UnicodeDecodeError) as exc:
            raise damaged from exc


def _lockouts(data: Any) -> dict[str, Lockout]:
    if not isinstance(data, dict):
        raise ValueError("lockout is not an object")
    out = {}
    for user, entry in data.items():
        until = entry.get("locked_until")
        # Compared with an aware "now" at unlock: a naive or odd time is damage.
        if until is not None and (not isinstance(until, str)
                                  or datetime.fromisoformat(until).tzinfo is None):
            raise ValueError("locked_until is malformed")
        out[str(user)] = Lockout(int(entry["failures"]), until)
    return out


def _pending_audit(data: Any) -> list[dict[str, Any]]:
    """Events waiting for the audit chain: objects of plain strings only."""
    if not isinstance(data, list) or not all(
            isinstance(e, dict) and all(isinstance(v, str) for v in e.values())
            and {"ts", "user", "workstation", "action", "outcome"} <= e.keys() for e in data):
        raise ValueError("pending_audit is malformed")
    return list(data)


def _user_secret_aad(vault_id: str, user: str, public: bytes, params: kdf.KdfParams,
                     salt: bytes, device_bound: bool) -> bytes:
    return canonical_json({"purpose": "user-secret", "vault_id": vault_id, "user": user,
                           "public_key": _b64(public), "kdf": params.to_json(),
                           "salt": _b64(salt), "device_bound": device_bound})


def _password_kek(password: str, salt: bytes, params: kdf.KdfParams,
                  device_secret: bytes | None) -> bytes:
    stretched = kdf.derive(password, salt, params)
    return _hkdf(stretched + (device_secret or b""), salt, b"xinhe user slot v1")


def wrap_private(vault_id: str, user: str, private: X25519PrivateKey, password: str,
                 params: kdf.KdfParams, device_secret: bytes | None,
                 db_key: Sealed, next_db_key: Sealed | None = None) -> UserSlot:
    """A user slot whose private key opens with `password` (and the device secret, if given)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt = os.urandom(16)
    public = _raw_public(private.public_key())
    bound = device_secret is not None
    kek = _password_kek(password, salt, params, device_secret)
    nonce = os.urandom(12)
    aad = _user_secret_aad(vault_id, user, public, params, salt, bound)
    wrapped = AESGCM(kek).encrypt(nonce, _raw_private(private), aad)
    return UserSlot(user, public, params, salt, bound, nonce, wrapped, db_key, next_db_key)


def new_user_slot(vault_id: str, user: str, password: str, db_key: bytes, generation: int,
                  params: kdf.KdfParams, device_secret: bytes | None) -> UserSlot:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    public = _raw_public(private.public_key())
    sealed = seal(vault_id, user, public, db_key, generation)
    return wrap_private(vault_id, user, private, password, params, device_secret, sealed)


def open_private(vault_id: str, slot: UserSlot, password: str,
                 device_secret: bytes | None) -> X25519PrivateKey:
    """The slot's private key. Raises WrongPassword when the password does not open it."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kek = _password_kek(password, slot.salt, slot.kdf, device_secret if slot.device_bound else None)
    aad = _user_secret_aad(vault_id, slot.user, slot.public_key, slot.kdf, slot.salt,
                           slot.device_bound)
    try:
        raw = AESGCM(kek).decrypt(slot.nonce, slot.wrapped_private, aad)
    except InvalidTag:
        raise WrongPassword() from None
    return X25519PrivateKey.from_private_bytes(raw)


def recovery_private(vault_id: str, recovery_secret: bytes) -> X25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    seed = _hkdf(recovery_secret, vault_id.encode(), b"xinhe recovery v1")
    return X25519PrivateKey.from_private_bytes(seed)


def new_recovery_slot(vault_id: str, recovery_secret: bytes, db_key: bytes,
                      generation: int) -> RecoverySlot:
    public = _raw_public(recovery_private(vault_id, recovery_secret).public_key())
    return RecoverySlot(public, seal(vault_id, "recovery", public, db_key, generation))


def open_recovery(vault_id: str, slot: RecoverySlot, recovery_secret: bytes) -> X25519PrivateKey:
    private = recovery_private(vault_id, recovery_secret)
    if not hmac.compare_digest(_raw_public(private.public_key()), slot.public_key):
        raise BadRecoveryKey(typo=False)
    return private


def unseal_generation(vault_id: str, slot_id: str, private: X25519PrivateKey,
                      sealed: Sealed) -> bytes:
    """Open a sealed database key; a failure here means the file was altered."""
    from cryptography.exceptions import InvalidTag

    try:
        return unseal(vault_id, slot_id, private, sealed)
    except InvalidTag:
        raise VaultDamaged("密钥槽中的数据库密钥已损坏",
                           "the database key in a key slot is damaged") from None

