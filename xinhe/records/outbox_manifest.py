"""The outbox manifest (`manifest.csv`): its columns and how to read it.

Shared by the export layer, which appends a line per delivered file, and the audit
witnesses, which read every line back; here, in records, so records never import export.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("referral_no", "agency", "file", "sha256", "delivered_at")


def read_manifest(folder: Path) -> list[dict[str, str]]:
    """The manifest's lines as dicts (for the receiving side and the tests)."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return []
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
