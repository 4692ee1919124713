"""Role names as people read them, in the UI language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def role_label(role: str) -> str:
    labels = {
        "admin": QCoreApplication.translate("Roles", "Administrator"),
        "supervisor": QCoreApplication.translate("Roles", "Supervisor"),
        "counsellor": QCoreApplication.translate("Roles", "Counsellor"),
        "staff": QCoreApplication.translate("Roles", "Staff"),
    }
    return labels.get(role, role)
