"""The recovery key: 150 random bits and a 10-bit checksum, written as 8 groups of 4
characters in Crockford's base32 (no I, L, O or U, so it reads and types unambiguously)."""

from __future__ import annotations

import hashlib
import secrets

from xinhe.errors import BadRecoveryKey

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DATA_CHARS = 30  # 150 bits
_CHECK_CHARS = 2  # 10 bits
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _checksum(data_chars: str) -> str:
    digest = int.from_bytes(hashlib.sha256(data_chars.encode("ascii")).digest()[:2], "big")
    value = digest >> 6  # 10 bits
    return _ALPHABET[value >> 5] + _ALPHABET[value & 31]


def generate() -> str:
    """A new recovery key, formatted for display: XXXX-XXXX-…-XXXX (8 groups)."""
    data = "".join(secrets.choice(_ALPHABET) for _ in range(_DATA_CHARS))
    return format_key(data + _checksum(data))


def format_key(chars: str) -> str:
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def normalize(text: str) -> str:
    """Accept the key as typed: any case, spaces or dashes, I/L for 1 and O for 0.

    Raises BadRecoveryKey(typo=True) when it is not a well-formed key."""
    chars = "".join(ch for ch in text.upper() if ch not in " -\t\r\n").translate(_CONFUSABLE)
    if len(chars) != _DATA_CHARS + _CHECK_CHARS or any(ch not in _ALPHABET for ch in chars):
        raise BadRecoveryKey(typo=True)
    if _checksum(chars[:_DATA_CHARS]) != chars[_DATA_CHARS:]:
        raise BadRecoveryKey(typo=True)
    return chars


def secret_bytes(text: str) -> bytes:
    """The key material of a recovery key (checksum removed)."""
    return normalize(text)[:_DATA_CHARS].encode("ascii")
