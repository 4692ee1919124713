"""Start the desktop app."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from xinhe.crypto.binding import DeviceBinding
from xinhe.paths import default_vault_dir
from xinhe.records.restore_finish import finish_interrupted_restore
from xinhe.records.vault import VaultFolder

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo-vault"


def _install_excepthook() -> None:
    """An unexpected error is logged by type and place only (its text could quote client
    data), and the user is told plainly."""
    from xinhe.ui.worker import describe_failure

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        exc.__traceback__ = tb
        logging.getLogger("xinhe").error("unexpected error: %s", describe_failure(exc))
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None:
            from xinhe.ui.widgets import error_text

            QMessageBox.critical(None, "Xinhe", error_text(exc))
    sys.excepthook = hook


def run_desktop(args: argparse.Namespace,
                binding: Callable[[], DeviceBinding] = DeviceBinding.from_system) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from xinhe.ui import i18n, style
    from xinhe.ui.controller import AppController
    from xinhe.ui.prefs import Prefs

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    path = DEMO_DIR if args.demo else default_vault_dir(args.vault)
    finish_interrupted_restore(path)  # a restore that was killed half-way
    QCoreApplication.setOrganizationName("Xinhe")
    QCoreApplication.setApplicationName("Xinhe")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    style.apply(app)
    prefs = Prefs.load(path)
    if args.lang:
        prefs.language = args.lang
    i18n.install(prefs.language)
    _install_excepthook()
    # The keyring search (~0.1–0.2 s of imports, D-Bus) runs once the window is up.
    folder = VaultFolder(path, DeviceBinding.off("not looked up yet"))
    if args.demo and not folder.exists():
        from xinhe.export.demo import create_full_demo

        folder.binding = binding()  # the demo vault is made here, before any window

        print("正在创建演示数据库（首次运行）…  Creating the demo vault (first run)…")
        summary = create_full_demo(folder)
        print("\n".join(summary.logins()))
    controller = AppController(folder, prefs, server=getattr(args, "server", None))
    controller.find_binding(binding)
    controller.start()
    if os.environ.get("XINHE_STARTUP_PROBE") == "1":  # benchmarks/bench_startup.py
        def ready() -> None:  # also names the windows shown (packaging/smoke.sh)
            shown = [type(w).__name__ for w in app.topLevelWidgets() if w.isVisible()]
            print("SHOWN", *shown, flush=True)
            print("CPU", round(time.process_time() * 1000), flush=True)  # every thread's
            print("READY", flush=True)
            app.quit()
        QTimer.singleShot(0, ready)
    code = app.exec()
    controller.worker.shutdown()
    return int(code)
