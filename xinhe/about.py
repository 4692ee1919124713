"""What an IT person asks first: which Xinhe, which vault schema, which SQLCipher."""

from __future__ import annotations

from xinhe import __version__


def schema_version() -> int:
    """The newest vault schema this program knows (it migrates older vaults up to it)."""
    from xinhe.records.migrations import MIGRATIONS

    return MIGRATIONS[-1].version


def sqlcipher_version() -> str:
    """The SQLCipher library's own version string, read from an in-memory database."""
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
    finally:
        conn.close()
    return str(row[0]) if row and row[0] else "unknown"


def version_text() -> str:
    """One line for `xinhe --version`."""
    return (f"xinhe {__version__} (schema {schema_version()}, "
            f"SQLCipher {sqlcipher_version()})")
