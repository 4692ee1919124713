"""Qt Linguist translations: English source strings, zh_CN.qm loaded by default."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from xinhe import i18n
from xinhe.paths import resources_dir

_installed: list[QTranslator] = []
# The languages the windows offer, each named in itself.
LANGUAGES = (("zh_CN", "中文"), ("en", "English"))


def qm_path(language: str) -> str:
    return str(resources_dir() / "i18n" / f"xinhe_{language}.qm")


def install(language: str) -> bool:
    """Switch the UI (and the Qt-free layers' messages) to `language`."""
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    i18n.set_language(language)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China)
                       if language == "zh_CN" else QLocale(QLocale.Language.English))
    if language == "en":
        return True
    ours = QTranslator(app)
    if not ours.load(qm_path(language)):
        return False
    app.installTranslator(ours)
    _installed.append(ours)
    qt_base = QTranslator(app)  # Qt's own dialogs and buttons
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_base.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_base)
        _installed.append(qt_base)
    gaps = QTranslator(app)  # what Qt's own translation leaves in English; asked first
    if gaps.load(str(resources_dir() / "i18n" / f"qt_gaps_{language}.qm")):
        app.installTranslator(gaps)
        _installed.append(gaps)
    return True
