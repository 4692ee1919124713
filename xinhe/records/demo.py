"""The demo vault: a year of synthetic casework for trying Xinhe, reproducible from a seed.

Its mix follows the studio's own year: far more emotional disputes than domestic-violence
cases, crises a few percent of cases, a handful of them on site. It has one login per role
(listed in DEMO_USERS and printed by `xinhe demo`). It never touches a vault that is not a
demo vault.
"""

from __future__ import annotations

import heapq
import random
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from xinhe.errors import InvalidInput, VaultExists
from xinhe.records import search_index, vocab
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.demo_text import long_text_for, paragraph, person_name, phone
from xinhe.records.services import Services
from xinhe.records.vault import Actor, Vault, VaultFolder
from xinhe.records.vault_locks import exclusive

MARKER = "DEMO-VAULT.txt"
DEMO_ORG = "馨和家园工作室（演示）"
DEMO_USERS = (  # role, login, name, password
    ("admin", "admin", "系统管理员", "xinhe-admin"),
    ("supervisor", "zhoujing", "周静", "xinhe-zhoujing"),
    ("counsellor", "wangli", "王丽", "xinhe-wangli"),
    ("counsellor", "chenfang", "陈芳", "xinhe-chenfang"),
    ("staff", "huangmin", "黄敏", "xinhe-huangmin"),
)
CATEGORY_WEIGHTS = {"emotional_dispute": 46, "domestic_violence": 19, "marriage_family": 19,
                    "psychological_crisis": 7, "minor_protection": 4, "other": 5}
SOURCE_WEIGHTS = {"platform": 40, "self": 20, "community": 12, "police": 10, "hotline": 8,
                  "court": 4, "school": 3, "hospital": 3}


@dataclass
class DemoSummary:
    """What the generator made, counted as it went (tests compare it with the vault)."""

    seed: int
    cases: int = 0
    clients: int = 0
    sessions: int = 0
    draft_sessions: int = 0
    person_times: int = 0
    assessments: int = 0
    crises: int = 0
    crises_on_site: int = 0
    crisis_kinds: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    followups_done: int = 0
    referrals: int = 0
    referrals_delivered: int = 0
    closed: int = 0
    recovery_key: str = ""

    def logins(self) -> list[str]:
        return [f"{role}: {login} / {password}" for role, login, _, password in DEMO_USERS]


def is_demo(folder: VaultFolder) -> bool:
    return (folder.path / MARKER).exists()


def _clear(folder: VaultFolder) -> None:
    for name in (VaultFolder.DB_NAME, VaultFolder.DB_NAME + "-wal", VaultFolder.DB_NAME + "-shm",
                 VaultFolder.SLOTS_NAME, VaultFolder.REKEY_NAME, "workstation.json", MARKER):
        (folder.path / name).unlink(missing_ok=True)
    shutil.rmtree(folder.backups_path, ignore_errors=True)
    shutil.rmtree(folder.path / "outbox", ignore_errors=True)  # the demo's delivered PDFs


def fill(template: tpl.Template, rng: random.Random, yes_rate: float,
         fixed: dict[str, Any] | None = None, day: date | None = None) -> dict[str, Any]:
    """Plausible answers for any template; `fixed` answers win. Hidden answers are dropped
    by validation afterwards."""
    answers: dict[str, Any] = {}
    for fld in template.fields:
        if fld.type == "yes_no":
            answers[fld.id] = rng.random() < yes_rate
        elif fld.type == "single_choice" and fld.options:
            answers[fld.id] = rng.choice(fld.options).id
        elif fld.type == "multiple_choice" and fld.options:
            picked = rng.sample(fld.options, k=min(len(fld.options), rng.choice((1, 1, 2))))
            answers[fld.id] = [o.id for o in picked]
        elif fld.type in ("number", "scale"):
            low = int(fld.minimum if fld.minimum is not None else 0)
            high = int(fld.maximum if fld.maximum is not None else low + 10)
            answers[fld.id] = rng.randint(low, max(low, min(high, low + 60)))
        elif fld.type == "date":
            answers[fld.id] = (day or date.today()).isoformat()
        elif fld.type == "long_text":
            answers[fld.id] = long_text_for(fld.id, rng)
        elif fld.type == "text":
            answers[fld.id] = paragraph(rng, ["已告知", "暂无", "朋友", "社区", "母亲"], 1)
    answers.update(fixed or {})
    return tpl.validate_answers(template, answers, partial=True)


class _Run:
    """Executes the generated events in time order, with the vault's clock set to each."""

    def __init__(self, folder: VaultFolder, start: datetime) -> None:
        self.now = start
        self.folder = folder
        folder.clock = lambda: self.now
        self.queue: list[tuple[datetime, int, Callable[[], None]]] = []
        self.counter = 0

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        self.counter += 1
        heapq.heappush(self.queue, (when, self.counter, action))

    def drain(self, until: datetime) -> None:
        while self.queue and self.queue[0][0] <= until:
            when, _, action = heapq.heappop(self.queue)
            self.now = when
            action()


def create_demo_vault(folder: VaultFolder, cases: int = 150, seed: int = 2019,
                      replace: bool = False, today: datetime | None = None,
                      templates: tpl.TemplateRegistry | None = None,
                      then: Callable[[dict[str, Services], Any], None] | None = None,
                      ) -> DemoSummary:
    """Create a demo vault in `folder`. Refuses any existing vault that is not a demo
    vault; an existing demo vault is rebuilt only with `replace`. `then(actors, run)`
    continues the story with every demo user's services before the vault is closed."""
    if cases < 1 or cases > 20_000:
        raise InvalidInput("演示个案数应在 1 到 20000 之间。",
                           "The number of demo cases must be between 1 and 20000.")
    if folder.exists():
        if not is_demo(folder):
            raise VaultExists(str(folder.path))
        if not replace:
            raise InvalidInput("这里已经有一个演示数据库。要重建请加 --replace。",
                               "A demo vault already exists here. Add --replace to rebuild it.")
        with exclusive(folder.path):  # not under a window that has it open
            _clear(folder)
    elif folder.path.exists() and any(folder.path.iterdir()):
        raise VaultExists(str(folder.path))
    registry = templates or tpl.TemplateRegistry.default()
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    end = (today or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    start = end - timedelta(days=365)
    run = _Run(folder, start)
    summary = DemoSummary(seed)
    _, admin_login, admin_name, admin_password = DEMO_USERS[0]
    admin, summary.recovery_key = folder.create(DEMO_ORG, admin_login, admin_name,
                                                admin_password)
    try:
        (folder.path / MARKER).write_text(
            "馨和演示数据库：全部为虚构数据。\nXinhe demo vault: all records are synthetic.\n\n"
            + "\n".join(summary.logins()) + "\n", encoding="utf-8")
        for role, login, name, password in DEMO_USERS[1:]:
            AccountService(admin).add_user(login, name, role, password)
        admin.set_setting("demo", "1")
        from xinhe.records.signing_store import SigningStore

        SigningStore(admin).ensure_at_setup()
        actors = {u.username: Services(_as(admin, u.username), registry)
                  for u in AccountService(admin).users()}
        counsellors = ["wangli", "chenfang", "wangli", "chenfang", "zhoujing"]
        # The supervisor works through the review queue twice a week.
        sup = actors["zhoujing"]
        day = start + timedelta(days=2, hours=16)
        while day < end - timedelta(days=8):  # the last week's items are still waiting
            run.at(day, _review_queue(sup))
            day += timedelta(days=rng.choice((3, 4)))
        # One transaction for the whole year (every act inside is a savepoint): one sync
        # to disk instead of one per act, about 9,000 for the default size.
        # The search index is written in bulk at the end of the year, not record by record.
        with admin.db.transaction():
            with search_index.deferred(admin):
                for index in range(cases):
                    opened = start + timedelta(seconds=rng.randint(0, 364 * 86400))
                    opened = opened.replace(hour=rng.randint(9, 17),
                                            minute=rng.choice((0, 15, 30, 45)))
                    _plan_case(run, rng, actors, counsellors[index % len(counsellors)],
                               opened, end, summary)
                run.drain(end - timedelta(days=3))
                _recent_sessions(run, rng, actors, end, summary)
                run.drain(end)
            if then is not None:
                then(actors, run)
    finally:
        folder.clock = lambda: datetime.now(UTC)
        admin.close("logout")
    return summary


def _as(vault: Vault, username: str) -> Vault:
    """The same open vault acting as another demo user (the generator plays every role)."""
    user = AccountService(vault).user(username)
    return Vault(vault.folder, vault.db, vault.slots, vault._key(),
                 Actor(user.id, user.username, user.display_name, user.role))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan_case(run: _Run, rng: random.Random, actors: dict[str, Services], counsellor: str,
               opened: datetime, end: datetime, summary: DemoSummary) -> None:
    svc, sup = actors[counsellor], actors["zhoujing"]
    category = _weighted(rng, CATEGORY_WEIGHTS)
    source = _weighted(rng, SOURCE_WEIGHTS)
    if source == "platform" and category not in ("domestic_violence", "emotional_dispute"):
        category = "emotional_dispute" if rng.random() < 0.72 else "domestic_violence"
    severity = rng.random()
    state: dict[str, Any] = {}
    minor = category == "minor_protection"
    street = rng.choice(list(vocab.BAOAN_STREETS))
    born = date(rng.randint(2010, 2014) if minor else rng.randint(1965, 2003),
                rng.randint(1, 12), rng.randint(1, 28))

    def open_case() -> None:
        client = svc.clients.create(
            name=person_name(rng, female=rng.random() < (0.6 if minor else 0.88)),
            gender="female", birth_date=born.isoformat(), phone=phone(rng), street=street,
            community=rng.choice(vocab.BAOAN_STREETS[street]),
            guardian_name=person_name(rng) if minor else None)
        case = svc.cases.open(
            client_id=client.id, category=category, source=source, opened_at=run.now,
            platform_ref=f"BA-JS-{run.now.year}-{rng.randint(10000, 99999)}"
            if source == "platform" else None)
        state["case"] = case.id
        summary.cases += 1
        summary.clients += 1
        summary.categories[category] += 1
        summary.sources[source] += 1
        intake = svc.templates.get(vocab.intake_template(category))
        # Most intakes are not dangerous; a minority of DV intakes are very dangerous.
        yes = 0.03 + 0.3 * severity ** 2 if category == "domestic_violence" else 0.03
        svc.notes.record_assessment(case.id, template_id=intake.id, answers=fill(
            intake, rng, yes, day=run.now.date()), assessed_at=run.now)
        summary.assessments += 1
        if minor:
            svc.planning.minor_at_risk(case.id, run.now)
            svc.planning.minor_reported(case.id, run.now + timedelta(hours=2), "王丽",
                                        f"深公宝(西)受字[{run.now.year}]{rng.randint(100, 999)}号")
        if category == "psychological_crisis" or rng.random() < 0.05:
            screen = svc.templates.get("suicide_screen")
            yes = 0.15 + 0.6 * severity if category == "psychological_crisis" else \
                0.05 + 0.2 * severity
            svc.notes.record_assessment(case.id, template_id=screen.id, answers=fill(
                screen, rng, yes), assessed_at=run.now)
            summary.assessments += 1

    run.at(opened, open_case)
    when = opened + timedelta(hours=1)
    sessions = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))
    for number in range(sessions):
        if when >= end:
            break
        last = number == sessions - 1 and when > end - timedelta(days=20)
        run.at(when, _session(rng, svc, state, summary, draft=last and rng.random() < 0.5))
        when += timedelta(days=rng.randint(4, 21), hours=rng.randint(-3, 3))
    crisis_rate = {"domestic_violence": 0.14, "psychological_crisis": 0.45}.get(category, 0.01)
    if rng.random() < crisis_rate:
        kind = {"domestic_violence": "dv_high_risk",
                "psychological_crisis": "suicide"}.get(category, "other")
        at = opened + timedelta(days=rng.randint(0, 40), hours=rng.randint(1, 8))
        if at < end:
            run.at(at, _crisis(rng, svc, state, summary, kind, on_site=rng.random() < 0.12))
    if category == "domestic_violence" and rng.random() < 0.3:
        letter = opened - timedelta(days=rng.randint(1, 5))
        def warning_letter() -> None:
            svc.planning.warning_letter_issued(state["case"], letter)
            visit = letter + timedelta(days=rng.randint(2, 7))
            if visit < end - timedelta(days=1):
                run.at(max(visit, run.now + timedelta(hours=1)),
                       _warning_visit(rng, svc, state, summary))
        run.at(opened + timedelta(minutes=30), warning_letter)
    if category == "domestic_violence" and rng.random() < 0.35:
        run.at(opened + timedelta(days=2), _referral(rng, svc, state, summary))
    follow = when + timedelta(days=rng.randint(7, 21))
    run.at(min(when, end - timedelta(minutes=1)), _followup(rng, svc, state, summary, follow,
                                                            end))
    if (end - opened).days > 150 and rng.random() < 0.75:
        close_at = when + timedelta(days=rng.randint(20, 60))
        if close_at < end:
            run.at(close_at, _close(rng, sup, state, summary))


def _recent_sessions(run: _Run, rng: random.Random, actors: dict[str, Services],
                     end: datetime, summary: DemoSummary) -> None:
    """A few notes from the last days on high-risk cases, still waiting for the
    supervisor's co-signature (so the review queue is not empty on day one)."""
    sup = actors["zhoujing"]
    open_high = [c for c in sup.cases.find(risk="high") if c.status != "closed"]
    for index, case in enumerate(open_high[:3]):
        svc = next((s for s in actors.values()
                    if s.vault.actor.user_id == case.counsellor_id), None)
        if svc is None or svc.vault.actor.role != "counsellor":
            continue
        when = end - timedelta(days=2 - index * 0.5, hours=rng.randint(1, 6))
        run.at(when, _session(rng, svc, {"case": case.id}, summary, draft=False))


def _session(rng: random.Random, svc: Services, state: dict[str, Any], summary: DemoSummary,
             draft: bool) -> Callable[[], None]:
    def act() -> None:
        template = svc.templates.get("session_note")
        persons = rng.choice((1, 1, 1, 2, 2, 3, 4))
        modality = rng.choice(("in_person", "in_person", "phone", "phone", "home_visit",
                               "online"))
        note = svc.notes.draft_session(
            state["case"], started_at=svc.vault.now(), duration_min=rng.choice((30, 45, 50, 60,
                                                                                90)),
            modality=modality, persons_served=persons, answers=fill(template, rng, 0.2))
        summary.sessions += 1
        summary.person_times += persons
        if draft:
            summary.draft_sessions += 1
        else:
            svc.notes.sign_session(note.id, note.version)
    return act


def _crisis(rng: random.Random, svc: Services, state: dict[str, Any], summary: DemoSummary,
            kind: str, on_site: bool) -> Callable[[], None]:
    def act() -> None:
        template = svc.templates.get("crisis_intervention")
        svc.notes.record_crisis(state["case"], occurred_at=svc.vault.now(), answers=fill(
            template, rng, 0.5, {"crisis_kind": kind, "on_site": on_site}))
        summary.crises += 1
        summary.crisis_kinds[kind] += 1
        summary.crises_on_site += int(on_site)
        plan = svc.templates.get("safety_plan")
        svc.planning.save_safety_plan(state["case"], fill(plan, rng, 0.7))
    return act


def _referral(rng: random.Random, svc: Services, state: dict[str, Any],
              summary: DemoSummary) -> Callable[[], None]:
    def act() -> None:
        agency, purpose = rng.choice((("police", "referral"), ("court", "protection_order"),
                                      ("justice", "legal_aid"), ("civil_affairs", "shelter")))
        svc.consents.record(state["case"], purpose=purpose, recipient=agency,
                            given_at=svc.vault.now(), form="written", given_by="当事人本人")
        svc.referrals.create(state["case"], agency=agency, purpose=purpose,
                             urgency=rng.choice(("normal", "normal", "urgent")),
                             summary=paragraph(rng, ["当事人遭受家庭暴力，", "对方多次威胁，",
                                                     "请协助处理。", "当事人同意转介。"], 3))
        summary.referrals += 1
    return act


def _followup(rng: random.Random, svc: Services, state: dict[str, Any], summary: DemoSummary,
              due: datetime, end: datetime) -> Callable[[], None]:
    def act() -> None:
        followup = svc.planning.schedule_followup(state["case"], due, "routine",
                                                  rng.choice(("phone", "home_visit")))
        done = due + timedelta(days=rng.choice((-2, 0, 1, 3, 9)))
        if done < end - timedelta(days=2):
            template = svc.templates.get("followup_visit")
            answers = fill(template, rng, 0.8)
            answers.pop("next_followup_date", None)
            svc.planning.complete_followup(followup.id, followup.version, answers, done_at=done)
            summary.followups_done += 1
    return act


def _warning_visit(rng: random.Random, svc: Services, state: dict[str, Any],
                   summary: DemoSummary) -> Callable[[], None]:
    """The follow-up visit after a police warning letter (which meets its clock)."""
    def act() -> None:
        for followup in svc.planning.followups(case_id=state["case"]):
            if followup.reason == "warning_letter":
                template = svc.templates.get("followup_visit")
                answers = fill(template, rng, 0.7)
                answers.pop("next_followup_date", None)
                svc.planning.complete_followup(followup.id, followup.version, answers)
                summary.followups_done += 1
    return act


def _review_queue(sup: Services) -> Callable[[], None]:
    def act() -> None:
        for item in sup.reviews.queue():
            if item.kind in ("high_risk", "cosign"):
                sup.reviews.cosign(item.id, "已阅，同意处理意见。")
    return act


def _close(rng: random.Random, sup: Services, state: dict[str, Any],
           summary: DemoSummary) -> Callable[[], None]:
    def act() -> None:
        header = sup.cases.header(state["case"])
        if header.status != "closed":
            sup.cases.close(state["case"], rng.choice(("resolved", "resolved", "referred_out",
                                                       "client_withdrew", "lost_contact")))
            summary.closed += 1
    return act

