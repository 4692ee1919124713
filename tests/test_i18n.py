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
    # And nothing in the .ts is one lupdate no longer finds: `update` would drop its
    # translation (the lupdate of PySide6 6.11 skips a numerus call with a call or a split
    # literal in it).
    dropped = sources(tool.TS) - sources(fresh)
    assert not dropped, f"lupdate no longer finds these (simplify the call): {sorted(dropped)}"


def test_every_string_has_a_finished_chinese_translation() -> None:
    assert tool.unfinished(ET.parse(tool.TS)) == []


def test_compiled_translations_are_up_to_date(tmp_path: Path) -> None:
    tool.release(tmp_path / "check.qm", tmp_path / "gaps.qm")
    assert (tmp_path / "check.qm").read_bytes() == tool.QM.read_bytes(), \
        "run `python tools/i18n.py release`"
    assert (tmp_path / "gaps.qm").read_bytes() == tool.QT_GAPS_QM.read_bytes(), \
        "run `python tools/i18n.py release`"


def test_qt_own_file_dialog_speaks_chinese(qtbot) -> None:  # noqa: ANN001
    """Qt's own dialogs (file dialogs, calendars) inside the Chinese UI: no English label,
    including the few that Qt's shipped translation leaves out."""
    import re

    from PySide6.QtWidgets import QFileDialog, QLabel, QTreeView

    from xinhe.ui import i18n

    assert i18n.install("zh_CN")
    dialog = QFileDialog(None, "保存", str(tool.ROOT), "CSV (*.csv)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible() and w.text()]
    assert labels and all(re.search(r"[\u4e00-\u9fff]", text) for text in labels), labels
    view = next(v for v in dialog.findChildren(QTreeView) if v.isVisible())
    qtbot.waitUntil(lambda: view.model().rowCount(view.rootIndex()) > 0)
    folder_rows = [view.model().index(row, 2, view.rootIndex()).data()
                   for row in range(view.model().rowCount(view.rootIndex()))]
    assert "Folder" not in folder_rows and "文件夹" in folder_rows
