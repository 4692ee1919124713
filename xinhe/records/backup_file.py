"""The backup file: one self-contained, encrypted file per backup.

Layout (all integers big-endian):

    offset 0    8   magic b"XHBACKUP"
           8    4   b"\\r\\n\\x1a\\n" (a copy that changed line endings is caught here)
          12    2   format version
          14    4   header length H
          18    4   CRC-32 of bytes 0-17 (so a damaged version field is not "newer")
          22    H   header: UTF-8 JSON, see below
      22 + H    D   the database: SQLCipher 4 pages under the backup's own random key
  22 + H + D   40   b"XHEND\\0\\0\\0" and the SHA-256 of every byte before it

The header is readable without a key and holds only what is needed to tell files apart
and to open one: format and schema versions, creation time, the vault id, the recovery
slot (the backup key sealed to the vault's recovery public key), the database's length
and SHA-256, the audit chain's head (a witness `audit verify` reads), and `inner`: the
user key slots, record counts and audit head, encrypted with AES-256-GCM under a key
derived from the backup key. A stolen backup shows no client data, no login names and no
password slots to attack; only the recovery key opens it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from xinhe.crypto.files import write_all
from xinhe.crypto.keyslots import canonical_json
from xinhe.errors import XinheError

MAGIC = b"XHBACKUP"
GUARD = b"\r\n\x1a\n"
FORMAT = "xinhe-backup"
FORMAT_VERSION = 1
PREFIX = struct.Struct(">8s4sHI")  # magic, guard, version, header length
PREFIX_SIZE = PREFIX.size + 4  # + CRC-32
TRAILER_MAGIC = b"XHEND\x00\x00\x00"
TRAILER_SIZE = len(TRAILER_MAGIC) + 32
MAX_HEADER = 4 * 1024 * 1024
CHUNK = 1024 * 1024
SUFFIX = ".xhbak"


class BackupRefused(XinheError):
    """A file that cannot be restored. Nothing was changed when this is raised."""

    code = "backup_refused"


class NotABackup(BackupRefused):
    code = "not_a_backup"

    def __init__(self) -> None:
        super().__init__("这个文件不是馨和的备份文件。",
                         "This file is not a Xinhe backup.")


class ServerBackupGiven(BackupRefused):
    code = "server_backup_given"

    def __init__(self) -> None:
        super().__init__("这是工作室服务器的备份，不是本机数据库的备份。"
                         "请由信息管理员用 xinhe server restore 恢复它。",
                         "This is a studio server backup, not a backup of a local vault. "
                         "The IT person restores it with `xinhe server restore`.")


class BackupTruncated(BackupRefused):
    code = "backup_truncated"

    def __init__(self) -> None:
        super().__init__(
            "备份文件不完整（文件被截断，可能是复制中断或存储设备已满），无法恢复。"
            "请使用另一个备份。",
            "The backup file is incomplete (cut short, perhaps by an interrupted copy or a "
            "full storage device) and cannot be restored. Use another backup.")


class BackupDamaged(BackupRefused):
    code = "backup_damaged"

    def __init__(self, zh_detail: str, en_detail: str) -> None:
        super().__init__(f"备份文件已损坏：{zh_detail}。请使用另一个备份。（不是恢复密钥的问题）",
                         f"The backup file is damaged: {en_detail}. Use another backup. "
                         "(This is not a problem with the recovery key.)")


class BackupTooNew(BackupRefused):
    code = "backup_too_new"

    def __init__(self) -> None:
        super().__init__("这个备份由更新版本的馨和制作，请先升级软件再恢复。",
                         "This backup was made by a newer version of Xinhe. Upgrade Xinhe, "
                         "then restore it.")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text, validate=True)


def inner_key(backup_key: bytes, vault_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=vault_id.encode(),
                info=b"xinhe backup inner v1").derive(backup_key)


def _aad(header: dict[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in header.items() if k != "inner"})


def seal_inner(header: dict[str, Any], inner: dict[str, Any], backup_key: bytes) -> None:
    """Encrypt `inner` into header["inner"], bound to every other header field."""
    nonce = os.urandom(12)
    key = inner_key(backup_key, str(header["vault_id"]))
    ciphertext = AESGCM(key).encrypt(nonce, canonical_json(inner), _aad(header))
    header["inner"] = {"nonce": b64(nonce), "ciphertext": b64(ciphertext)}


def open_inner(header: dict[str, Any], backup_key: bytes) -> dict[str, Any]:
    try:
        sealed = header["inner"]
        key = inner_key(backup_key, str(header["vault_id"]))
        plain = AESGCM(key).decrypt(unb64(sealed["nonce"]), unb64(sealed["ciphertext"]),
                                    _aad(header))
        inner = json.loads(plain.decode("utf-8"))
    except (InvalidTag, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BackupDamaged("加密的密钥槽部分无法解开", "its encrypted key-slot part does not "
                            "open") from None
    if not isinstance(inner, dict):
        raise BackupDamaged("加密部分格式不对", "its encrypted part is malformed")
    return inner


@dataclass(frozen=True)
class BackupInfo:
    """A backup file whose structure and checksum have been checked (no key needed)."""

    path: Path
    format_version: int
    schema_version: int
    created_at: str
    vault_id: str
    header: dict[str, Any]
    db_offset: int
    db_length: int
    db_sha256: str
    size: int


def write_backup(target: Path, header: dict[str, Any], db_path: Path) -> str:
    """Write a backup to `target` (a new file, 0600) and fsync it. Returns the SHA-256 of
    the database part as written. The caller writes to a temporary name and renames."""
    body = canonical_json(header)
    prefix = PREFIX.pack(MAGIC, GUARD, FORMAT_VERSION, len(body))
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                 0o600)
    whole = hashlib.sha256()
    db_hash = hashlib.sha256()

    def put(data: bytes) -> None:
        whole.update(data)
        write_all(fd, data)
    try:
        put(prefix + struct.pack(">I", binascii.crc32(prefix)))
        put(body)
        with open(db_path, "rb") as source:
            while chunk := source.read(CHUNK):
                db_hash.update(chunk)
                put(chunk)
        put(TRAILER_MAGIC)
        write_all(fd, whole.digest())
        os.fsync(fd)
    finally:
        os.close(fd)
    return db_hash.hexdigest()


def _require(condition: bool, zh: str, en: str) -> None:
    if not condition:
        raise BackupDamaged(zh, en)


def read_backup(path: Path, latest_schema: int) -> BackupInfo:
    """Check a file's structure and outer checksum and return what its header says.

    Raises NotABackup, BackupTruncated, BackupDamaged or BackupTooNew, each telling the
    case apart; reads the whole file once."""
    path = Path(path)
    try:
        size = path.stat().st_size
        handle = open(path, "rb")  # noqa: SIM115 (closed below)
    except IsADirectoryError:
        raise NotABackup() from None
    except OSError as exc:
        raise BackupRefused(f"无法读取备份文件（{exc.strerror}）",
                            f"The backup file cannot be read ({exc.strerror}).") from None
    with handle:
        return _read(handle, path, size, latest_schema)


def _read(handle: BinaryIO, path: Path, size: int, latest_schema: int) -> BackupInfo:
    start = handle.read(PREFIX_SIZE)
    if not start.startswith(MAGIC[:len(start)]) or not start:
        raise NotABackup()
    if len(start) < PREFIX_SIZE:
        raise BackupTruncated()
    magic, guard, version, header_length = PREFIX.unpack(start[:PREFIX.size])
    _require(guard == GUARD, "文件头被改动（可能以文本方式复制过）",
             "its start was altered (perhaps copied as text)")
    (crc,) = struct.unpack(">I", start[PREFIX.size:])
    _require(crc == binascii.crc32(start[:PREFIX.size]), "文件头校验失败",
             "its first bytes fail their check")
    if version > FORMAT_VERSION:
        raise BackupTooNew()
    _require(version >= 1 and header_length <= MAX_HEADER, "文件头格式不对",
             "its header is malformed")
    body = handle.read(header_length)
    if len(body) < header_length:
        raise BackupTruncated()
    try:
        header = json.loads(body.decode("utf-8"))
        _require(isinstance(header, dict) and header.get("format") == FORMAT,
                 "文件头格式不对", "its header is malformed")
        schema_version = int(header["schema_version"])
        created_at = str(header["created_at"])
        vault_id = str(header["vault_id"])
        db_length = int(header["database"]["length"])
        db_sha256 = str(header["database"]["sha256"])
        _require(db_length > 0 and len(db_sha256) == 64, "数据库部分的描述不对",
                 "the description of its database part is wrong")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BackupDamaged("文件头格式不对", "its header is malformed") from None
    if schema_version > latest_schema:
        raise BackupTooNew()
    db_offset = PREFIX_SIZE + header_length
    expected = db_offset + db_length + TRAILER_SIZE
    if size < expected:
        raise BackupTruncated()
    _require(size == expected, "文件末尾多出了数据", "it has extra bytes at the end")
    whole = hashlib.sha256(start + body)
    db_hash = hashlib.sha256()
    remaining = db_length
    while remaining:
        chunk = handle.read(min(CHUNK, remaining))
        if not chunk:
            raise BackupTruncated()
        whole.update(chunk)
        db_hash.update(chunk)
        remaining -= len(chunk)
    trailer = handle.read(TRAILER_SIZE)
    if len(trailer) < TRAILER_SIZE:
        raise BackupTruncated()
    whole.update(trailer[:len(TRAILER_MAGIC)])
    _require(trailer.startswith(TRAILER_MAGIC), "文件结尾标记不对", "its end marker is wrong")
    _require(hmac.compare_digest(trailer[len(TRAILER_MAGIC):], whole.digest()),
             "校验和不符（文件内容被改动或存储介质出错）",
             "its checksum does not match (the content changed or the storage failed)")
    _require(hmac.compare_digest(db_hash.hexdigest(), db_sha256), "数据库部分校验和不符",
             "the checksum of its database part does not match")
    return BackupInfo(path, version, schema_version, created_at, vault_id, header, db_offset,
                      db_length, db_sha256, size)


def copy_database(info: BackupInfo, target: Path) -> None:
    """Write the database part of a checked backup to a new file `target` (0600), checking
    its hash again as it goes (the file could have changed since it was read)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                 0o600)
    digest = hashlib.sha256()
    try:
        with open(info.path, "rb") as source:
            source.seek(info.db_offset)
            remaining = info.db_length
            while remaining:
                chunk = source.read(min(CHUNK, remaining))
                if not chunk:
                    raise BackupTruncated()
                digest.update(chunk)
                write_all(fd, chunk)
                remaining -= len(chunk)
        os.fsync(fd)
    finally:
        os.close(fd)
    _require(hmac.compare_digest(digest.hexdigest(), info.db_sha256),
             "读取时内容发生了变化", "its content changed while it was read")


def remove_quietly(*paths: Path, also: Callable[[Path], list[Path]] | None = None) -> None:
    for path in paths:
        for item in [path, *(also(path) if also else [])]:
            with contextlib.suppress(OSError):
                item.unlink()
