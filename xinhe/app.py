"""Composition root: reads the command line, then runs a command or opens the desktop app.

Only light modules load before that choice: a command imports its own module when it runs,
and the desktop app imports what its first window needs (tests/test_startup_imports.py)."""

from __future__ import annotations

import argparse
import os
import sys

from xinhe import cli
from xinhe.crypto.process import harden_process, limit_malloc_arenas


def _broken_installation() -> str | None:
    """The message for a missing shipped file (templates, fonts, translations), if any."""
    from xinhe.errors import ResourceMissing
    from xinhe.paths import check_resources

    try:
        check_resources()
    except ResourceMissing as exc:
        return exc.message()
    return None


def _show_alone(message: str) -> None:
    """A message box with no app around it, when Qt itself can still start."""
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox
    except ImportError:
        return
    app = QApplication.instance() or QApplication(sys.argv[:1])
    box = QMessageBox(QMessageBox.Icon.Critical, "馨和 Xinhe", message)
    if os.environ.get("XINHE_STARTUP_PROBE") == "1":  # packaging tests: say it, close it
        from PySide6.QtCore import QTimer

        def report_and_close() -> None:
            print("SHOWN QMessageBox", flush=True)
            box.done(0)
        QTimer.singleShot(0, report_and_close)
    box.exec()
    del app


def _desktop_options(parser: argparse.ArgumentParser) -> None:
    gui = parser.add_argument_group("desktop app")
    gui.add_argument("--demo", action="store_true",
                     help="open the demo vault in ./demo-vault, creating it first if needed")


def main(argv: list[str] | None = None) -> int:
    harden_process()  # before any key or record is in memory
    limit_malloc_arenas()  # before any other thread starts
    argv = sys.argv[1:] if argv is None else argv
    # Only the desktop app's options: every command's parser is not needed (~60 ms).
    args = cli.desktop_args(argv, _desktop_options)
    if args is None:
        parser = cli.build_parser()
        _desktop_options(parser)
        args = parser.parse_args(argv)
    if args.lang:
        from xinhe.i18n import set_language

        set_language(args.lang)
    broken = _broken_installation()
    if broken is not None:
        print(broken, file=sys.stderr)
        if not args.command:  # started from a menu: nobody reads stderr
            _show_alone(broken)
        return 1
    if args.command:
        try:
            return cli.run(args)
        except BrokenPipeError:  # output piped into `head` and the like
            return 0
    # Qt is loaded only for the desktop app; it looks for the keyring once its window is up.
    from xinhe.ui.application import run_desktop

    return run_desktop(args)


if __name__ == "__main__":
    sys.exit(main())
