"""Another workstation on the studio server (tests/test_server_live.py).

    python tests/server_desk_child.py DSN WORKSTATION USER edit-note NOTE_ID
        opens the session note, prints "ready VERSION", waits for "go" on stdin, saves the
        note with this desk's text based on the version it opened, prints the outcome (JSON).
    python tests/server_desk_child.py DSN WORKSTATION USER draft-note CASE_ID
        prints "ready", waits for "go", writes a draft note in the case, prints "done".

The password comes on stdin's first line.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinhe.errors import Conflict  # noqa: E402
from xinhe.records import templates as tpl  # noqa: E402
from xinhe.records.services import Services  # noqa: E402
from xinhe.records.storage.server_session import ServerFolder  # noqa: E402


def main(dsn: str, workstation: str, user: str, action: str, target: str) -> None:
    session = ServerFolder(dsn, workstation=workstation).unlock(
        user, sys.stdin.readline().rstrip("\n"))
    services = Services(session, tpl.TemplateRegistry.default())
    values = {"started_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "duration_min": 40,
              "modality": "phone", "persons_served": 1}
    try:
        if action == "edit-note":
            note = services.notes.session(int(target))
            print(f"ready {note.version}", flush=True)
            sys.stdin.readline()
            try:
                services.notes.update_session(note.id, note.version,
                                              answers={"data": f"{workstation} 写的内容"},
                                              **values)  # type: ignore[arg-type]
                print(json.dumps({"outcome": "saved"}), flush=True)
            except Conflict as exc:
                print(json.dumps({"outcome": "refused", "zh": exc.message("zh_CN"),
                                  "en": exc.message("en")}, ensure_ascii=False), flush=True)
        elif action == "draft-note":
            print("ready", flush=True)
            sys.stdin.readline()
            services.notes.draft_session(int(target), answers={"data": "另一台电脑的记录"},
                                         **values)  # type: ignore[arg-type]
            print("done", flush=True)
    finally:
        session.close()


if __name__ == "__main__":
    main(*sys.argv[1:6])
