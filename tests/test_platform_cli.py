"""`xinhe platform …`: receive (a good and a bad file), accept, report, send, config."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import Run, initialised, run  # noqa: F401 (fixtures)
from tests.platform_fixtures import dispatch_doc, write
from tests.referral_fixtures import P12_PASSWORD, p12_bytes, studio_identity

ADMIN = "admin-pass-1\n"
PEOPLE = (("sup", "周督导", "supervisor"), ("wang", "王丽", "counsellor"),
          ("huang", "黄敏", "staff"))


def test_receive_accept_report_from_the_command_line(
        run: Run, initialised: str, tmp_path: Path) -> None:  # noqa: F811
    for name, display, role in PEOPLE:
        code, _, err = run("users", "add", name, "--role", role, "--display-name", display,
                           "--user", "admin", stdin=f"{ADMIN}{name}-pass-1\n")
        assert code == 0, err
    p12 = tmp_path / "studio.p12"
    p12.write_bytes(p12_bytes(studio_identity()))
    assert run("signing-identity", "import", str(p12), "--user", "admin",
               stdin=f"{ADMIN}{P12_PASSWORD}\n")[0] == 0
    box, outbox = tmp_path / "inbox", tmp_path / "outbox"
    code, out, err = run("platform", "config", "--inbox", str(box), "--auto-report",
                         "accepted,closed", "--json", "--user", "admin", stdin=ADMIN)
    assert code == 0, err
    assert json.loads(out) == {"inbox": str(box), "auto_report": ["accepted", "closed"]}
    write(box, "good.json", dispatch_doc("CLI-1"))
    (box / "bad.json").write_text('{"format": "xinhe-platform-dispatch"', encoding="utf-8")
    code, out, err = run("platform", "receive", "--inbox", "--user", "huang",
                         stdin="huang-pass-1\n")
    assert code == 1 and "CLI-1" in out
    assert "bad.json" in err and "JSON" in err and "Traceback" not in err
    assert (box / "quarantine" / "bad.json.reason.txt").exists()
    code, _, err = run("platform", "receive", "--inbox", "--user", "wang",
                       stdin="wang-pass-1\n")
    assert code == 1 and err.strip()  # counsellors do not receive
    code, out, _ = run("platform", "list", "--json", "--user", "sup", stdin="sup-pass-1\n")
    assert [d["platform_ref"] for d in json.loads(out)] == ["CLI-1"]
    code, out, err = run("platform", "accept", "CLI-1", "--counsellor", "wang", "--json",
                         "--user", "sup", stdin="sup-pass-1\n")
    assert code == 0, err
    case_no = json.loads(out)["case_no"]
    assert "平台上报" in err and "未能送达" in err  # "accepted" waits: no outbox set yet
    outbox.mkdir()
    code, out, err = run("platform", "report", case_no, "--event", "result", "--result",
                         "counselling", "--out", str(outbox), "--json", "--user", "wang",
                         stdin="wang-pass-1\n")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["status"] == "delivered" and shown["platform_ref"] == "CLI-1"
    code, out, err = run("platform", "send", "--out", str(outbox), "--json", "--user",
                         "huang", stdin="huang-pass-1\n")
    assert code == 0, err
    assert json.loads(out) == {"waiting": 0}
    files = sorted(p.name for p in outbox.glob("*.pdf"))
    assert len(files) == 2
    for name in files:
        code, out, err = run("verify", str(outbox / name), "--json")
        assert code == 0 and json.loads(out)["kind"] == "platform_report", err
