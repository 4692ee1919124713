"""Translations: every UI string has a finished Chinese translation, and the compiled .qm
the app loads matches the .ts source."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import i18n as tool  # noqa: E402


def sources(ts: Path) -> set[tuple[str, str]]:
    return {(ctx, msg.findtext("source") or "") for ctx, msg in tool.messages(ET.parse(ts))}


def test_every_ui_string_is_in_the_ts_file(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    shutil.copy(tool.TS, fresh)
    subprocess.run([str(tool.BIN / "pyside6-lupdate"), *tool.ui_sources(), "-ts", str(fresh),
                    "-no-obsolete", "-silent"], cwd=tool.ROOT, check=True, capture_output=True)
    missing = sources(fresh) - sources(tool.TS)
    assert not missing, f"run `python tools/i18n.py update` and translate: {sorted(missing)}"


def test_every_string_has_a_finished_chinese_translation() -> None:
    assert tool.unfinished(ET.parse(tool.TS)) == []


def test_compiled_translations_are_up_to_date(tmp_path: Path) -> None:
    tool.release(tmp_path / "check.qm")
    assert (tmp_path / "check.qm").read_bytes() == tool.QM.read_bytes(), \
        "run `python tools/i18n.py release`"
