#!/usr/bin/env python3
"""Translation upkeep (Qt Linguist). The .ts file in xinhe/resources/i18n is the source of truth.

    python tools/i18n.py update            extract strings from xinhe/ui into the .ts
    python tools/i18n.py fill BATCH.tsv    set translations from context<TAB>source<TAB>text lines
    python tools/i18n.py release           compile the .qm the app loads
    python tools/i18n.py check             list strings without a finished translation
    python tools/i18n.py merge OTHER.ts    take the finished translations of another copy
                                           of the file (e.g. the other side of a merge)
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "xinhe" / "resources" / "i18n" / "xinhe_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def ui_sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "xinhe" / "ui").rglob("*.py"))


def update() -> None:
    subprocess.run([str(BIN / "pyside6-lupdate"), *ui_sources(), "-ts", str(TS),
                    "-target-language", "zh_CN", "-no-obsolete", "-locations", "none",
                    "-silent"], cwd=ROOT, check=True)


QT_GAPS = TS.with_name("qt_gaps_zh_CN.ts")  # hand-written: gaps in Qt's own translation
QT_GAPS_QM = QT_GAPS.with_suffix(".qm")


def release(target: Path = QM, gaps_target: Path = QT_GAPS_QM) -> None:
    for source, qm in ((TS, target), (QT_GAPS, gaps_target)):
        subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(source), "-qm", str(qm)],
                       cwd=ROOT, check=True)


def messages(tree: ET.ElementTree) -> list[tuple[str, ET.Element]]:
    return [(ctx.findtext("name") or "", msg) for ctx in tree.getroot().iter("context")
            for msg in ctx.iter("message")]


def unfinished(tree: ET.ElementTree) -> list[tuple[str, str]]:
    missing = []
    for context, msg in messages(tree):
        tr = msg.find("translation")
        texts = [f.text for f in tr.iter("numerusform")] if msg.get("numerus") else [tr.text]
        if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") or \
                not all(t and t.strip() for t in texts):
            missing.append((context, msg.findtext("source") or ""))
    return missing


def fill(batch: Path) -> None:
    wanted = {}
    for line in batch.read_text(encoding="utf-8").splitlines():
        if line.strip():
            context, source, text = line.split("\t")
            wanted[(context, source.replace("\\n", "\n"))] = text.replace("\\n", "\n")
    tree = ET.parse(TS)
    for context, msg in messages(tree):
        key = (context, msg.findtext("source"))
        if key not in wanted:
            continue
        tr = msg.find("translation")
        tr.attrib.pop("type", None)
        if msg.get("numerus"):
            for child in list(tr):
                tr.remove(child)
            ET.SubElement(tr, "numerusform").text = wanted[key]
            tr.text = None
        else:
            tr.text = wanted[key]
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    update()  # back to lupdate's own layout, so the file only changes where it must


def merge(other: Path) -> None:
    theirs: dict[tuple[str, str], list[str]] = {}
    for context, msg in messages(ET.parse(other)):
        tr = msg.find("translation")
        if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete"):
            continue
        texts = [f.text or "" for f in tr.iter("numerusform")] if msg.get("numerus") \
            else [tr.text or ""]
        if all(t.strip() for t in texts):
            theirs[(context, msg.findtext("source") or "")] = texts
    tree = ET.parse(TS)
    for context, msg in messages(tree):
        key = (context, msg.findtext("source") or "")
        tr = msg.find("translation")
        if key not in theirs or tr is None or tr.get("type") != "unfinished":
            continue
        tr.attrib.pop("type", None)
        if msg.get("numerus"):
            for child in list(tr):
                tr.remove(child)
            for text in theirs[key]:
                ET.SubElement(tr, "numerusform").text = text
        else:
            tr.text = theirs[key][0]
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    update()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "update":
        update()
    elif command == "fill" and len(argv) == 2:
        fill(Path(argv[1]))
    elif command == "merge" and len(argv) == 2:
        merge(Path(argv[1]))
    elif command == "release":
        release()
    elif command == "check":
        missing = unfinished(ET.parse(TS))
        for context, source in missing:
            print(f"{context}\t{source}")
        return 1 if missing else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
