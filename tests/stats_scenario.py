"""A small studio whose every statistic is known, built through the real services on a
real encrypted vault, for the statistics tests.

Times are Shenzhen time (UTC+8); the vault stores UTC. The first quarter of 2026 (Q1) is
the period the tests look at; "now" for the reports is 10 April 2026. The cases:

A  王丽  domestic violence, platform, 凤凰岗社区, opened 5 Jan; sessions 5 Jan (1 person)
   and 10 Feb (3); crisis 6 Jan: DV high risk AND on site; referral to police 7 Jan
   (draft); follow-up due 20 Jan done 22 Jan (late); closed 20 Mar.
B  王丽  emotional dispute, platform, 凤凰岗社区, opened 1 Feb, risk low; session 1 Feb (2,
   a draft); follow-up due 15 Feb 09:00 done 15 Feb 20:00 (same day: on time); closed
   5 Apr — in the next period.
C  陈芳  emotional dispute, self, 西乡社区, opened 31 Mar 21:30; suicide crisis 31 Mar 22:00
   (not on site); harm to a minor noted 22:30, not yet reported; sessions 31 Mar 23:45
   (1) and 1 Apr 00:30 (1; Q2 in Shenzhen, still 31 Mar in UTC); shared with 王丽.
D  陈芳  minor protection, school, 西乡社区, opened 1 Jan 00:30 (31 Dec in UTC), risk medium;
   reported to police 2 Jan; session 2 Jan (2); follow-up due 12 Mar 07:00 done 09:00 (on
   time here, a day late in UTC days); follow-up due 25 Mar never done (overdue).
E  王丽  domestic violence, police, 海裕社区, opened 10 Dec 2025 (before Q1), risk medium
   then high on 3 Feb; session 15 Jan (1); protection order applied 3 Feb, granted 5 Feb;
   referral to court 3 Feb (signed); follow-up due 20 Apr (Q2).
F  陈芳  marriage and family, community, 凤凰岗社区, opened 1 Nov 2025; session 2 Nov;
   referral to police 5 Nov; follow-up due 10 Mar cancelled by the closure on 28 Feb.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from conftest import Clock, InMemoryKeyring
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.stats_period import Period
from xinhe.records.vault import Vault, VaultFolder

SHENZHEN = timezone(timedelta(hours=8))
Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
Q2 = Period(date(2026, 4, 1), date(2026, 6, 30))
NOW = datetime(2026, 4, 10, 9, 0, tzinfo=UTC)
PASSWORDS = {"admin": "admin-pass-1", "sup": "sup-password", "wang": "wang-password",
             "chen": "chen-password", "staff": "staff-password"}
NAMES = {"sup": ("周督导", "supervisor"), "wang": ("王丽", "counsellor"),
         "chen": ("陈芳", "counsellor"), "staff": ("黄敏", "staff")}
CLIENT_NAMES = ("林晓红", "苏梅", "何静怡", "吴小雨", "郑丽华", "冯秀兰")
NOTE = {"data": "当事人讲述了近况。", "assessment": "情绪平稳。", "plan": "两周后面谈。"}
VISIT = {"method": "phone", "reached": True, "result": "当事人说这周平安。", "safety_now": 4}


def sz(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHENZHEN)


@dataclass
class Scenario:
    folder: Any  # VaultFolder, or a studio server's ServerFolder
    clock: Clock
    templates: tpl.TemplateRegistry
    cases: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    opened: list[Vault] = field(default_factory=list)

    def login(self, name: str) -> Services:
        vault = self.folder.unlock(name, PASSWORDS[name])
        self.opened.append(vault)
        return Services(vault, self.templates)

    def close(self) -> None:
        for vault in self.opened:
            if not vault.closed:
                vault.close()


def build(path: Path) -> Scenario:
    """The scenario in a new local vault at `path`."""
    clock = Clock()
    clock.now = sz(10, 1, year=2025)
    folder = VaultFolder(path, DeviceBinding(InMemoryKeyring()), kdf=KdfParams.cheap_for_tests(),
                         clock=clock, workstation="stats-ws")
    admin, _ = folder.create("馨和家园工作室", "admin", "管理员", PASSWORDS["admin"])
    scenario = Scenario(folder, clock, tpl.TemplateRegistry.default())
    accounts = AccountService(admin)
    for login, (name, role) in NAMES.items():
        scenario.users[login] = accounts.add_user(login, name, role, PASSWORDS[login]).id
    admin.close()
    return populate(scenario)


def build_on_server(template: Any) -> Scenario:
    """The scenario on a fresh studio server database (pg_cluster.StudioTemplate: the same
    studio name, people and passwords as a local build)."""
    clock = Clock()
    clock.now = sz(10, 1, year=2025)
    scenario = Scenario(template.fresh(clock), clock, tpl.TemplateRegistry.default())
    for login in NAMES:
        vault = scenario.folder.unlock(login, PASSWORDS[login])
        scenario.users[login] = vault.actor.user_id
        vault.close()
    return populate(scenario)


def populate(scenario: Scenario) -> Scenario:
    """The six cases (see the module docstring), written through the services."""
    clock = scenario.clock
    sup, wang, chen = (scenario.login(n) for n in ("sup", "wang", "chen"))
    names = iter(CLIENT_NAMES)

    def at(when: datetime) -> datetime:
        clock.now = when
        return when

    def open_case(key: str, svc: Services, when: datetime, category: str, source: str,
                  community: str, **client: Any) -> int:
        at(when)
        made = svc.clients.create(name=next(names), community=community,
                                  birth_date=client.get("birth_date", "1990-05-01"))
        case = svc.cases.open(client_id=made.id, category=category, source=source,
                              opened_at=when, platform_ref="BA-JS-2026-10001"
                              if source == "platform" else None)
        scenario.cases[key] = case.id
        return case.id

    def session(svc: Services, case_id: int, when: datetime, persons: int,
                sign: bool = True) -> None:
        note = svc.notes.draft_session(case_id, started_at=at(when), duration_min=50,
                                       modality="in_person", persons_served=persons,
                                       answers=NOTE)
        if sign:
            svc.notes.sign_session(note.id, note.version)

    def refer(svc: Services, case_id: int, when: datetime, agency: str, purpose: str) -> int:
        at(when)
        svc.consents.record(case_id, purpose=purpose, recipient=agency, given_at=when,
                            form="written", given_by="当事人本人")
        return svc.referrals.create(case_id, agency=agency, purpose=purpose).id

    def crisis(svc: Services, case_id: int, when: datetime, kind: str, on_site: bool) -> None:
        svc.notes.record_crisis(case_id, occurred_at=at(when), answers={
            "crisis_kind": kind, "on_site": on_site, "actions": "陪伴并联系家属。"})

    def followup(svc: Services, case_id: int, scheduled: datetime, due: datetime,
                 done: datetime | None = None) -> None:
        at(scheduled)
        visit = svc.planning.schedule_followup(case_id, due, planned_method="phone")
        if done is not None:
            at(done)
            svc.planning.complete_followup(visit.id, visit.version, VISIT, done_at=done)

    # F: before the period, closed in it.
    f = open_case("F", chen, sz(11, 1, year=2025), "marriage_family", "community", "凤凰岗社区")
    session(chen, f, sz(11, 2, year=2025), 1)
    refer(chen, f, sz(11, 5, year=2025), "police", "referral")
    # E: opened before the period, served in it.
    e = open_case("E", wang, sz(12, 10, year=2025), "domestic_violence", "police", "海裕社区")
    wang.cases.override_risk(e, "medium", "对方有威胁言语。")
    # D: opened at 00:30 on 1 January, Shenzhen time (still 31 December in UTC).
    d = open_case("D", chen, sz(1, 1, 0, 30), "minor_protection", "school", "西乡社区",
                  birth_date="2015-04-01")
    at(sz(1, 2, 9))
    chen.cases.override_risk(d, "medium", "学校报告孩子身上有伤。")
    chen.planning.minor_at_risk(d, sz(1, 2, 9))
    at(sz(1, 2, 11))
    chen.planning.minor_reported(d, sz(1, 2, 11), "陈芳", "深公宝(西)受字[2026]001号")
    session(chen, d, sz(1, 2, 14), 2)
    # A: a crisis that is both DV and on site; a follow-up done late.
    a = open_case("A", wang, sz(1, 5), "domestic_violence", "platform", "凤凰岗社区")
    session(wang, a, sz(1, 5, 11), 1)
    crisis(wang, a, sz(1, 6, 15), "dv_high_risk", on_site=True)
    refer(wang, a, sz(1, 7), "police", "referral")
    followup(wang, a, sz(1, 7, 11), due=sz(1, 20, 9), done=sz(1, 22, 10))
    session(wang, e, sz(1, 15), 1)
    # B: a draft session; a follow-up done in the evening of its due day.
    b = open_case("B", wang, sz(2, 1), "emotional_dispute", "platform", "凤凰岗社区")
    wang.cases.override_risk(b, "low", "争吵为主，没有暴力。")
    session(wang, b, sz(2, 1, 11), 2, sign=False)
    followup(wang, b, sz(2, 1, 12), due=sz(2, 15, 9), done=sz(2, 15, 20))
    # E: protection order applied for and granted; a signed referral to the court.
    at(sz(2, 3))
    wang.planning.protection_order_applied(e, sz(2, 3), urgent=False, court="宝安区人民法院")
    wang.cases.override_risk(e, "high", "对方持刀威胁。")
    court = refer(wang, e, sz(2, 3, 11), "court", "protection_order")
    wang.referrals.mark_signed(court, b"%PDF-1.7 test", "0" * 64)
    at(sz(2, 5))
    wang.planning.protection_order_decided(e, sz(2, 5), granted=True)
    session(wang, a, sz(2, 10), 3)
    # F: a follow-up cancelled by the closure.
    followup(chen, f, sz(2, 20), due=sz(3, 10, 9))
    at(sz(2, 28))
    sup.cases.close(f, "resolved")
    # D: on time by Shenzhen days (late by UTC days); another never done.
    followup(chen, d, sz(3, 1), due=sz(3, 12, 7), done=sz(3, 12, 9))
    followup(chen, d, sz(3, 1, 11), due=sz(3, 25, 9))
    at(sz(3, 20))
    sup.cases.close(a, "resolved")
    # C: opened on the last evening of the quarter.
    c = open_case("C", chen, sz(3, 31, 21, 30), "emotional_dispute", "self", "西乡社区")
    crisis(chen, c, sz(3, 31, 22), "suicide", on_site=False)
    at(sz(3, 31, 22, 30))
    chen.planning.minor_at_risk(c, sz(3, 31, 22, 30))
    session(chen, c, sz(3, 31, 23, 45), 1)
    session(chen, c, sz(4, 1, 0, 30), 1)
    chen.cases.share(c, scenario.users["wang"])
    # B closes in the next period; E has a follow-up due then.
    at(sz(4, 5))
    sup.cases.close(b, "resolved")
    followup(wang, e, sz(4, 5, 11), due=sz(4, 20, 9))
    at(NOW)
    scenario.close()
    scenario.opened.clear()
    return scenario


#: Q1 as the whole studio sees it (see the module docstring for where each count comes from).
Q1_FIGURES: dict[str, Any] = {
    "served": {"cases": 5, "person_times": 10, "sessions": 6, "sessions_unsigned": 1,
               "by_category": {"domestic_violence": 2, "emotional_dispute": 2,
                               "marriage_family": 0, "minor_protection": 1,
                               "psychological_crisis": 0, "other": 0}},
    "new_cases": {"total": 4,
                  "by_category": {"domestic_violence": 1, "emotional_dispute": 2,
                                  "marriage_family": 0, "minor_protection": 1,
                                  "psychological_crisis": 0, "other": 0},
                  "by_source": {"self": 1, "platform": 2, "police": 0, "court": 0,
                                "community": 0, "school": 1, "hospital": 0, "hotline": 0},
                  "platform": 2,
                  "platform_by_category": {"domestic_violence": 1, "emotional_dispute": 1,
                                           "marriage_family": 0, "minor_protection": 0,
                                           "psychological_crisis": 0, "other": 0}},
    "crises": {"total": 2, "by_kind": {"dv_high_risk": 1, "suicide": 1, "other": 0},
               "on_site": 1, "on_site_by_kind": {"dv_high_risk": 1, "suicide": 0, "other": 0},
               "cases": 2},
    "risk": {"cases_open_at_end": 4, "high_risk_open_at_end": 2},
    "followups": {"due": 4, "on_time": 2, "late": 1, "overdue": 1, "not_yet_due": 0,
                  "cancelled": 1},
    "legal": {"minor_reports": 1, "minor_reports_outstanding": 1, "po_applications": 1,
              "po_granted": 1, "po_refused": 0},
    "closure": {"cases_closed": 2, "received": 4, "handled": 1, "handled_ratio": 25.0,
                "platform_received": 2, "platform_handled": 1,
                "platform_handled_ratio": 50.0},
}
Q1_MONTHS = [
    {"month": "2026-01", "cases_served": 3, "person_times": 4, "new_cases": 2,
     "risk": {"high": 1, "medium": 2, "low": 0, "none": 1}},
    {"month": "2026-02", "cases_served": 2, "person_times": 5, "new_cases": 1,
     "risk": {"high": 2, "medium": 1, "low": 1, "none": 0}},
    {"month": "2026-03", "cases_served": 1, "person_times": 1, "new_cases": 1,
     "risk": {"high": 2, "medium": 1, "low": 1, "none": 0}},
]
