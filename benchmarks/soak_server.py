"""Two workstations on one studio server at once: no lost update, no deadlock (issue 13).

    .venv/bin/python benchmarks/soak_server.py                 # 10 minutes
    .venv/bin/python benchmarks/soak_server.py --minutes 0.5   # a quick look

Starts a throwaway PostgreSQL cluster with TLS (tests/pg_cluster.py, as the guide sets one
up), makes a studio with a counsellor and a supervisor, and runs three processes until the
time is up:

- desks A and B: the counsellor 王丽 signed in at two workstations (her office computer and
  the laptop she takes to the community), both saving the same ten draft notes and the same
  client's details, each save based on the version it read, and writing and signing new
  notes on a high-risk case (each goes to the review queue);
- desk S: the supervisor at a third workstation, co-signing the queue as it fills and
  editing the same client's details.

Every save is logged by the desk that tried it. Afterwards the run is judged from the
server's own rows: each record's saved versions are distinct and consecutive (two desks
never both "saved" version n), the text on the server is the text of the last save, no save
failed with anything but the expected "someone saved in between", no process hung, the
server log has no deadlock, every signed note that needs a co-signature is co-signed or
still queued exactly once, and the audit chain verifies. Prints a Markdown report; exits 1
if any check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

# Login roles are the cluster's, not one studio's: names no other studio on it uses.
PASSWORDS = {"soakadmin": "soak-admin-password", "soakwang": "soak-wang-password",
             "soaksup": "soak-sup-password"}
DRAFTS = 10
VALUES = {"started_at": datetime(2026, 11, 2, 9, 0, tzinfo=UTC), "duration_min": 50,
          "modality": "in_person", "persons_served": 1}


# -- the studio --------------------------------------------------------------------------------

def build_studio(cluster: Any, dbname: str) -> dict[str, Any]:
    from xinhe.records import templates as tpl
    from xinhe.records.services import Services
    from xinhe.records.storage.server_admin import add_server_user, init_studio
    from xinhe.records.storage.server_session import ServerFolder

    dsn, _ = init_studio(cluster.dsn(), dbname, "馨和家园工作室", "soakadmin", "管理员",
                         PASSWORDS["soakadmin"])
    admin = ServerFolder(dsn, "soak-setup").unlock("soakadmin", PASSWORDS["soakadmin"])
    add_server_user(cluster.dsn(), admin, "soakwang", "counsellor", PASSWORDS["soakwang"],
                    "王丽")
    add_server_user(cluster.dsn(), admin, "soaksup", "supervisor", PASSWORDS["soaksup"],
                    "周督导")
    admin.close()
    registry = tpl.TemplateRegistry.default()
    wang_session = ServerFolder(dsn, "soak-setup").unlock("soakwang", PASSWORDS["soakwang"])
    sup_session = ServerFolder(dsn, "soak-setup").unlock("soaksup", PASSWORDS["soaksup"])
    wang, sup = Services(wang_session, registry), Services(sup_session, registry)
    client = wang.clients.create(name="林晓燕", birth_date="1990-05-01", phone="13800138000",
                                 community="凤凰岗社区")
    case = wang.cases.open(client_id=client.id, category="domestic_violence", source="self")
    sup.cases.override_risk(case.id, "high", "督导判断：高风险")
    drafts = [wang.notes.draft_session(case.id, answers={"data": f"草稿 {i} 初稿"},
                                       **VALUES).id for i in range(DRAFTS)]  # type: ignore[arg-type]
    wang_session.close()
    sup_session.close()
    return {"dsn": dsn, "client": client.id, "case": case.id, "drafts": drafts}


# -- one desk ----------------------------------------------------------------------------------

def desk(name: str, user: str, setup: dict[str, Any], until: float, log: Path) -> None:
    from xinhe.errors import Conflict
    from xinhe.records import templates as tpl
    from xinhe.records.services import Services
    from xinhe.records.storage.server_session import ServerFolder

    session = ServerFolder(setup["dsn"], f"soak-{name}").unlock(user, PASSWORDS[user])
    svc = Services(session, tpl.TemplateRegistry.default())
    rng = random.Random(name)
    count = 0
    with log.open("w", encoding="utf-8") as out:
        while time.time() < until:
            count += 1
            roll = rng.random()
            if user == "soaksup":
                act = "cosign" if roll < 0.7 else "client"
            else:
                act = "draft" if roll < 0.55 else "client" if roll < 0.8 else "sign"
            tried: dict[str, Any] = {"desk": name, "act": act, "id": 0, "from": 0, "to": 0,
                                     "text": ""}
            began = time.perf_counter()
            try:
                if not ACTS[act](svc, setup, rng, f"{name} 第 {count} 次保存", tried):
                    time.sleep(0.05)  # nothing waiting to co-sign
                    continue
                tried["outcome"] = "saved"
            except Conflict:
                tried["outcome"] = "conflict"
            except Exception as exc:  # noqa: BLE001 (judged afterwards: any other is a failure)
                tried.update(act="error", outcome=type(exc).__name__)
            tried["ms"] = round((time.perf_counter() - began) * 1000, 2)
            out.write(json.dumps(tried, ensure_ascii=False) + "\n")
            if user == "soaksup":
                time.sleep(0.05)
    session.close("logout")


def edit_draft(svc: Any, setup: dict[str, Any], rng: random.Random, text: str,
               tried: dict[str, Any]) -> bool:
    note = svc.notes.session(rng.choice(setup["drafts"]))
    tried.update(id=note.id, **{"from": note.version}, text=text)
    tried["to"] = svc.notes.update_session(note.id, note.version, answers={"data": text},
                                           **VALUES).version
    return True


def edit_client(svc: Any, setup: dict[str, Any], rng: random.Random, text: str,
                tried: dict[str, Any]) -> bool:
    client = svc.clients.get(setup["client"])
    phone = f"1380013{rng.randrange(10000):04d}"
    tried.update(id=client.id, **{"from": client.version}, text=phone)
    tried["to"] = svc.clients.update(client.id, client.version, phone=phone).version
    return True


def sign_new(svc: Any, setup: dict[str, Any], rng: random.Random, text: str,
             tried: dict[str, Any]) -> bool:
    note = svc.notes.draft_session(setup["case"], answers={
        "data": text, "assessment": "评估", "plan": "计划"}, **VALUES)
    tried.update(id=note.id, **{"from": note.version}, text=text)
    tried["to"] = svc.notes.sign_session(note.id, note.version).version
    return True


def cosign_one(svc: Any, setup: dict[str, Any], rng: random.Random, text: str,
               tried: dict[str, Any]) -> bool:
    """The supervisor reads the oldest waiting note and co-signs it (nothing waiting: no act)."""
    waiting = [item for item in svc.reviews.queue() if item.kind == "cosign"]
    if not waiting:
        return False
    item = svc.reviews.read(waiting[0].id)
    tried["id"] = item.target_id
    svc.reviews.cosign(item.id)
    return True


ACTS = {"draft": edit_draft, "client": edit_client, "sign": sign_new, "cosign": cosign_one}


# -- the judgement -----------------------------------------------------------------------------

def judge(cluster: Any, setup: dict[str, Any], logs: list[Path]) -> tuple[list[str], dict]:
    from xinhe.records import templates as tpl
    from xinhe.records.services import Services
    from xinhe.records.storage.server_session import ServerFolder

    entries = [json.loads(line) for log in logs for line in log.read_text("utf-8").splitlines()]
    problems: list[str] = []
    errors = [e for e in entries if e["act"] == "error"]
    if errors:
        kinds = sorted({e["outcome"] for e in errors})
        problems.append(f"{len(errors)} saves failed with something other than a conflict: "
                        f"{', '.join(kinds)}")
    session = ServerFolder(setup["dsn"], "soak-judge").unlock("soakwang", PASSWORDS["soakwang"])
    svc = Services(session, tpl.TemplateRegistry.default())
    for act, ids in (("draft", setup["drafts"]), ("client", [setup["client"]])):
        for target in ids:
            saves = sorted((e for e in entries if e["act"] == act and e["id"] == target
                            and e["outcome"] == "saved"), key=lambda e: e["to"])
            versions = [e["to"] for e in saves]
            if any(e["to"] != e["from"] + 1 for e in saves):
                problems.append(f"{act} {target}: a save based on an older version went "
                                "through (it overwrote a colleague's save)")
            if len(set(versions)) != len(versions):
                problems.append(f"{act} {target}: two desks both saved one version (lost update)")
            if act == "draft":
                stored = svc.notes.session(target)
                first, text = 1, stored.answers.get("data")
            else:
                client = svc.clients.get(target)
                stored, first, text = client, 1, client.phone
            expected = list(range(first + 1, stored.version + 1))
            if versions != expected:
                problems.append(f"{act} {target}: saved versions are not the server's "
                                f"{first + 1}..{stored.version} (lost or phantom saves)")
            if saves and saves[-1]["text"] != text:
                problems.append(f"{act} {target}: the server does not hold the last save")
    signed = [e for e in entries if e["act"] == "sign" and e["outcome"] == "saved"]
    cosigned = [e["id"] for e in entries if e["act"] == "cosign"]
    if len(set(cosigned)) != len(cosigned):
        problems.append("a note was co-signed twice")
    session.close("logout")
    sup = ServerFolder(setup["dsn"], "soak-judge").unlock("soaksup", PASSWORDS["soaksup"])
    sup_svc = Services(sup, tpl.TemplateRegistry.default())
    waiting = {item.target_id for item in sup_svc.reviews.queue() if item.kind == "cosign"}
    missing = [e["id"] for e in signed if e["id"] not in waiting and e["id"] not in cosigned]
    if missing:
        problems.append(f"{len(missing)} signed notes are neither co-signed nor queued")
    chain = sup.audit.verify()
    if not chain.ok:
        problems.append(f"the audit chain does not verify ({len(chain.problems)} problems)")
    sup.close("logout")
    server_log = (cluster.folder / "server.log").read_text("utf-8", errors="replace")
    if "deadlock detected" in server_log:
        problems.append("the server log reports a deadlock")
    figures = {"entries": entries, "audit_entries": chain.checked, "signed": len(signed),
               "cosigned": len(cosigned), "waiting": len(waiting)}
    return problems, figures


def report(minutes: float, figures: dict[str, Any], problems: list[str],
           hung: list[str]) -> str:
    entries = figures["entries"]
    lines = [f"### Two-desk soak on the studio server, {minutes:g} min "
             f"(load before/after: {figures['load_before']} / {os.getloadavg()[0]:.1f}, "
             f"{os.cpu_count()} CPUs)", "",
             "| desk | act | saved | refused (saved in between) | median ms | p95 ms |",
             "|---|---|---|---|---|---|"]
    for name in ("A", "B", "S"):
        for act in ("draft", "client", "sign", "cosign"):
            mine = [e for e in entries if e["desk"] == name and e["act"] == act]
            if not mine:
                continue
            saved = [e["ms"] for e in mine if e["outcome"] == "saved"]
            refused = sum(1 for e in mine if e["outcome"] == "conflict")
            ms = sorted(saved) or [0.0]
            p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
            lines.append(f"| {name} | {act} | {len(saved)} | {refused} | "
                         f"{statistics.median(ms):.1f} | {p95:.1f} |")
    lines += ["", f"Signed notes {figures['signed']}, co-signed {figures['cosigned']}, still "
              f"queued {figures['waiting']}; audit chain {figures['audit_entries']} entries.", ""]
    verdict = problems + [f"desk {h} did not finish in time (hung)" for h in hung]
    lines.append("**Result: no lost update, no deadlock, the chain verifies.**" if not verdict
                 else "**Result: FAILED** — " + "; ".join(verdict))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--desk", nargs=5, metavar=("NAME", "USER", "SETUP", "UNTIL", "LOG"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.desk:
        name, user, setup, until, log = args.desk
        desk(name, user, json.loads(Path(setup).read_text("utf-8")), float(until), Path(log))
        return 0
    import pg_cluster

    load_before = f"{os.getloadavg()[0]:.1f}"
    cluster = pg_cluster.start()
    try:
        problems, hung, figures = soak(cluster, args.minutes)
        figures["load_before"] = load_before
        print(report(args.minutes, figures, problems, hung))
        return 0 if not problems and not hung else 1
    finally:
        cluster.stop()


def soak(cluster: Any, minutes: float, dbname: str = "xinhe_soak"
         ) -> tuple[list[str], list[str], dict[str, Any]]:
    """Run the three desks for `minutes` on a new studio in `cluster`; what went wrong
    (empty lists: nothing), and the figures for the report."""
    setup = build_studio(cluster, dbname)
    with tempfile.TemporaryDirectory(prefix="xinhe-soak-") as tmp:
        setup_file = Path(tmp) / "setup.json"
        setup_file.write_text(json.dumps(setup), "utf-8")
        # Each desk signs in first (about a second of Argon2id), then all start together.
        until = time.time() + 8 + minutes * 60
        desks = {"A": "soakwang", "B": "soakwang", "S": "soaksup"}
        logs = [Path(tmp) / f"{name}.jsonl" for name in desks]
        procs = {name: subprocess.Popen(
            [sys.executable, __file__, "--desk", name, user, str(setup_file), str(until),
             str(Path(tmp) / f"{name}.jsonl")]) for name, user in desks.items()}
        hung = []
        for name, proc in procs.items():
            try:
                if proc.wait(timeout=max(0.0, until - time.time()) + 120) != 0:
                    hung.append(f"{name} (exit {proc.returncode})")
            except subprocess.TimeoutExpired:
                proc.kill()
                hung.append(name)
        problems, figures = judge(cluster, setup, logs)
    return problems, hung, figures


if __name__ == "__main__":
    sys.exit(main())
