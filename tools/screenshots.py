#!/usr/bin/env python3
"""Screenshots of the main screens from a fresh demo vault, for the README.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/screenshots.py [--lang en]

Runs the real app on a real X display (Xvfb), signs in as each demo role, opens the
screens and saves PNGs in docs/screenshots/ (or --out DIR).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.crypto.kdf import KdfParams  # noqa: E402
from xinhe.export.demo import create_full_demo  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402


def wait(app: QApplication, condition: Callable[[], object], seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while not condition():
        app.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        time.sleep(0.02)


def settle(app: QApplication, seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def shoot(app: QApplication, out: Path, name: str, widget: QWidget | None = None) -> None:
    settle(app)
    screen = app.primaryScreen()
    if widget is not None and widget.isWindow():
        image = screen.grabWindow(0, widget.x(), widget.y(), widget.frameGeometry().width(),
                                  widget.frameGeometry().height())
    else:
        image = screen.grabWindow(0)
    image.save(str(out / f"{name}.png"))
    print(out / f"{name}.png")


def center(dialog: QWidget, over: QWidget) -> None:
    """Without a window manager (Xvfb) nobody places dialogs; put them over the window."""
    dialog.resize(min(dialog.width(), over.width() - 80), min(dialog.height(),
                                                              over.height() - 40))
    frame = dialog.frameGeometry()
    frame.moveCenter(over.frameGeometry().center())
    dialog.move(frame.topLeft())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", default="zh_CN", choices=("zh_CN", "en"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "zh_CN" else "-en"

    from xinhe.ui import i18n, style
    from xinhe.ui.controller import AppController
    from xinhe.ui.main_window import MainWindow
    from xinhe.ui.prefs import Prefs

    app = QApplication(sys.argv[:1])
    style.apply(app)
    i18n.install(args.lang)
    folder = VaultFolder(Path(tempfile.mkdtemp()) / "demo", DeviceBinding.off("screenshots"),
                         kdf=KdfParams.cheap_for_tests())
    create_full_demo(folder, cases=120)

    def sign_in(controller: AppController, user: str, password: str) -> MainWindow:
        window = controller.window
        window.user.setCurrentText(user)  # type: ignore[union-attr]
        window.password.setText(password)  # type: ignore[union-attr]
        window.submit()  # type: ignore[union-attr]
        wait(app, lambda: isinstance(controller.window, MainWindow))
        main = controller.window
        assert isinstance(main, MainWindow)
        wait(app, lambda: not controller.worker.busy)
        return main

    # First run: the set-up wizard on an empty folder.
    empty = VaultFolder(Path(tempfile.mkdtemp()) / "new", DeviceBinding.off("screenshots"),
                        kdf=KdfParams.cheap_for_tests())
    first = AppController(empty, Prefs(language=args.lang))
    first.start()
    wizard = first.window
    settle(app)
    shoot(app, out, f"setup-welcome{suffix}", wizard)
    page = wizard.admin  # type: ignore[union-attr]  # one page: studio and administrator
    page.display_name.setText("张敏")  # the login name follows, in pinyin
    page.password.setText("a-long-password")
    page.confirm.setText("a-long-password")
    shoot(app, out, f"setup-admin{suffix}", wizard)
    wizard.next()  # type: ignore[union-attr]
    wait(app, lambda: wizard.currentPage() is wizard.recovery)  # type: ignore[union-attr]
    shoot(app, out, f"setup-recovery-key{suffix}", wizard)
    first.dispose()

    controller = AppController(folder, Prefs(language=args.lang))
    controller.start()
    settle(app)
    shoot(app, out, f"unlock{suffix}", controller.window)
    controller.window.password.setText("not-the-password")  # type: ignore[union-attr]
    controller.window.submit()  # type: ignore[union-attr]
    wait(app, lambda: controller.window.error.isVisible())  # type: ignore[union-attr]
    shoot(app, out, f"unlock-error{suffix}", controller.window)
    controller.window.open_recovery()  # type: ignore[union-attr]
    from xinhe.ui.unlock_window import RecoverDialog

    recover = next(w for w in app.topLevelWidgets() if isinstance(w, RecoverDialog))
    center(recover, controller.window)  # type: ignore[arg-type]
    shoot(app, out, f"recover{suffix}")
    recover.reject()
    controller.window.password.clear()  # type: ignore[union-attr]

    main = sign_in(controller, "wangli", "xinhe-wangli")
    shoot(app, out, f"dashboard{suffix}")
    cases = main.show_section("cases")
    wait(app, lambda: not controller.worker.busy)
    shoot(app, out, f"cases{suffix}")
    rows = cases.list_panel.model.rows  # type: ignore[union-attr]
    target = next((r for r in rows if r.risk_level == "high" and r.status != "closed"), rows[0])
    view = main.open_case(target.id)
    wait(app, lambda: not controller.worker.busy)
    shoot(app, out, f"case{suffix}")
    charted = next((r for r in rows if r.status != "closed" and r.id != target.id), None)
    for row in [target, *rows[:40]]:  # a case assessed more than once: its scores charted
        view = main.open_case(row.id)
        wait(app, lambda: not controller.worker.busy)
        settle(app, 0.2)
        if view.scores.isVisible():
            charted = row
            break
    if charted is not None:
        shoot(app, out, f"case-scores{suffix}")
    from xinhe.ui.dialogs.court_extract_dialog import open_court_extract

    extract = open_court_extract(controller.ctx, target.id, main)  # type: ignore[arg-type]
    center(extract, main)
    wait(app, lambda: not controller.worker.busy)
    shoot(app, out, f"court-extract{suffix}")
    extract.reject()
    from xinhe.ui.dialogs.records import AssessmentDialog, SessionDialog

    templates = controller.ctx.services.templates  # type: ignore[union-attr]
    dialog = AssessmentDialog(controller.ctx, target.id, templates.get("dv_intake"),  # type: ignore[arg-type]
                              answers={"danger_weapon": True, "danger_jealousy": True,
                                       "children_in_home": True, "police_called": True},
                              parent=main)
    center(dialog, main)
    dialog.show()
    shoot(app, out, f"assessment{suffix}")
    dialog.dirty = False
    dialog.close()
    session = SessionDialog(controller.ctx, target.id, templates.get("session_note"),  # type: ignore[arg-type]
                            parent=main)
    center(session, main)
    session.show()
    shoot(app, out, f"session{suffix}")
    session.close()
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    main.show_section("cases")
    cases.list_panel.new_case.click()  # type: ignore[union-attr]
    settle(app)
    intake = next(w for w in app.topLevelWidgets()
                  if isinstance(w, NewCaseDialog) and w.isVisible())
    center(intake, main)
    intake.name.setText("林晓燕" if args.lang == "zh_CN" else "Lin Xiaoyan")
    intake.next.click()
    wait(app, lambda: intake.form is not None and intake.form.isVisible())
    form = intake.form
    assert form is not None
    for field in ("danger_strangulation", "danger_threat_to_kill", "danger_weapon"):
        form.inputs[field].button_for(True).click()
    form.page_scroll.ensureWidgetVisible(form.inputs["danger_weapon"], 0, 60)
    shoot(app, out, f"intake{suffix}")
    intake.reject()
    wait(app, lambda: not controller.worker.busy)
    main.search.setText("丈夫" if args.lang == "zh_CN" else "the")
    main.search.search()
    wait(app, lambda: main.search.popup.isVisible())
    shoot(app, out, f"search{suffix}")
    main.search.popup.hide()
    main.show_section("followups")
    shoot(app, out, f"followups{suffix}")
    controller.lock()
    settle(app)

    main = sign_in(controller, "zhoujing", "xinhe-zhoujing")
    main.show_section("dashboard")  # with the platform's dispatches below the due lists
    wait(app, lambda: not controller.worker.busy)
    shoot(app, out, f"dashboard-supervisor{suffix}")
    review = main.show_section("review")
    wait(app, lambda: not controller.worker.busy)
    shoot(app, out, f"review{suffix}")
    for index in range(review.list.topLevelItemCount()):  # a note waiting for co-signing
        review.list.setCurrentItem(review.list.topLevelItem(index))
        wait(app, lambda: not controller.worker.busy)
        settle(app, 0.3)
        if "（D）" in review.note.toPlainText() or "(D)" in review.note.toPlainText():
            break
    shoot(app, out, f"review-note{suffix}")
    for section in ("referrals", "statistics"):
        if section in main.section_keys():
            main.show_section(section)
            wait(app, lambda: not controller.worker.busy)
            shoot(app, out, f"{section}{suffix}")
    controller.lock()
    settle(app)

    main = sign_in(controller, "admin", "xinhe-admin")
    shoot(app, out, f"admin{suffix}")
    controller.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
