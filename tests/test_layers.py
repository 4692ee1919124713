"""Qt stays out of the core: records, crypto and export never import PySide6."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ("records", "crypto", "export")


def test_core_sources_do_not_import_qt() -> None:
    offenders = []
    for package in CORE:
        for path in (ROOT / "xinhe" / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                              if n.split(".")[0] in ("PySide6", "shiboken6", "xinhe")
                              and (n.startswith(("PySide6", "shiboken6")) or n.startswith(
                                  "xinhe.ui"))]
    assert offenders == []


def test_importing_the_core_loads_no_qt() -> None:
    code = ("import sys, pkgutil, importlib, xinhe.records, xinhe.crypto, xinhe.export\n"
            "for pkg in (xinhe.records, xinhe.crypto, xinhe.export):\n"
            "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
            "        importlib.import_module(m.name)\n"
            "import xinhe.cli\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_records_never_import_export() -> None:
    """Arrows point down: the packet contract lives in records, and export reads it."""
    offenders = []
    for path in (ROOT / "xinhe" / "records").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n == "xinhe.export" or n.startswith("xinhe.export.")]
    assert offenders == []
