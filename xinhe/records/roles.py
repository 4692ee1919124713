"""The account roles and the shortest password allowed: constants the command line's parser
and the first windows need, in a module that imports only xinhe.i18n, so reading them does not load
the vault's cryptography and SQLCipher (tests/test_startup_imports.py)."""

from __future__ import annotations

from xinhe.i18n import pick

ROLES = ("admin", "supervisor", "counsellor", "staff")
MIN_PASSWORD = 8
# The names the desktop shows (ui/roles.py translates the same words); codes are for input.
ROLE_NAMES = {"admin": ("管理员", "administrator"), "supervisor": ("督导", "supervisor"),
              "counsellor": ("咨询师", "counsellor"), "staff": ("工作人员", "staff")}


def role_name(role: str, lang: str | None = None) -> str:
    """A role as people read it, in the current (or given) language; an unknown code as is."""
    names = ROLE_NAMES.get(role)
    return pick(*names, lang) if names else role
