"""The account roles and the shortest password allowed: constants the command line's parser
and the first windows need, in a module that imports nothing, so reading them does not load
the vault's cryptography and SQLCipher (tests/test_startup_imports.py)."""

from __future__ import annotations

ROLES = ("admin", "supervisor", "counsellor", "staff")
MIN_PASSWORD = 8
