"""A new case typed half-way survives a lock: the client's details, the case fields and the
intake answers are kept as an encrypted draft in the vault and come back after unlocking,
like the record forms' drafts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6

from xinhe.ui.operations import notes as notes_ops

if TYPE_CHECKING:
    from xinhe.ui.dialogs.new_case import NewCaseDialog

DRAFT_KEY = "new_case"
LINES = ("name", "phone", "id_number", "address", "guardian", "platform_ref")
CHOICES = ("gender", "community", "category", "source")


def payload(dialog: NewCaseDialog) -> dict[str, Any]:
    values: dict[str, Any] = {"kind": "new_case", "page": dialog.pages.currentIndex(),
                              "born": dialog.born.text(),
                              "existing_client": dialog.existing_client}
    values.update({key: getattr(dialog, key).text() for key in LINES})
    values.update({key: getattr(dialog, key).currentData() for key in CHOICES})
    if dialog.form is not None:
        values["template_id"] = dialog.form.template.id
        values["answers"] = dialog.form.raw_answers()
    return values


def typed_anything(dialog: NewCaseDialog) -> bool:
    return bool(any(getattr(dialog, key).text().strip() for key in LINES)
                or dialog.born.text().strip()
                or dialog.existing_client or (dialog.form and dialog.form.raw_answers()))


def save(dialog: NewCaseDialog) -> None:
    """At lock (queued on the database thread before the vault closes)."""
    if not shiboken6.isValid(dialog) or not dialog.isVisible() or not typed_anything(dialog):
        return
    values, title = payload(dialog), dialog.windowTitle()
    notes_ops.save_draft(ctx=dialog.ctx, key=DRAFT_KEY, title=title, payload=values)


def discard(dialog: NewCaseDialog) -> None:
    notes_ops.discard_draft(ctx=dialog.ctx, key=DRAFT_KEY)


def keep_drafts(dialog: NewCaseDialog) -> None:
    """Save at lock; forget the draft once the case is opened or the dialog cancelled."""
    dialog.ctx.bus.locking.connect(lambda: save(dialog))
    dialog.created.connect(lambda _case_id: discard(dialog))
    dialog.rejected.connect(lambda: discard(dialog))


def restore(dialog: NewCaseDialog, values: dict[str, Any]) -> None:
    for key in LINES:
        getattr(dialog, key).setText(str(values.get(key) or ""))
    for key in CHOICES:
        box = getattr(dialog, key)
        box.setCurrentIndex(max(0, box.findData(values.get(key))))
    dialog.born.edit.setText(str(values.get("born") or ""))  # as typed, even half-way
    dialog.existing_client = values.get("existing_client")
    if int(values.get("page") or 0) == 1:
        dialog._go(1)
        if dialog.form is not None and dialog.form.template.id == values.get("template_id"):
            dialog.form.set_answers(dict(values.get("answers") or {}))
