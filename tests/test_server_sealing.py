"""On the studio server, what names or describes a person is sealed on the workstation:
a superuser's dump shows none of it, search and the duplicate check still find what the
local vault finds, and a sealed value moved to another column does not open."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import Clock, ServerStudio, Studio
from xinhe.records.storage.sealing import SealBroken

NAME = "蒋雨桐"
PHONE = "13712345678"
ID_NUMBER = "44030619900101123X"
ADDRESS = "海滨路七十七号五栋"
NOTE = "她说丈夫昨夜把她锁在阳台上直到天亮"
SAFETY = "看到他喝酒就带孩子去姐姐家"
CONSENT = "由其姐姐蒋雨蓉代为签字"
ADDENDUM = "补充：邻居听见了呼救声"
ABUSER = "郑国栋"
DRAFT = "草稿：她的新住处在柳树街"
PHOTO = b"JPEG-BYTES-OF-THE-INJURY-PHOTO"
VISIT_PLACE = "妇联庇护所三楼"
VISIT_NOTE = "从后门进，不要按门铃"
MARKERS = (NAME, PHONE, ID_NUMBER, ADDRESS, NOTE, SAFETY, CONSENT, ADDENDUM, ABUSER, DRAFT,
           VISIT_PLACE, VISIT_NOTE, "jiangyutong", "海滨路", "阳台", "柳树街", "庇护所")


def fill(studio: Studio, clock: Clock) -> dict[str, int]:
    """The same records on either home, through the services."""
    wang, chen = studio.wang, studio.chen
    client = wang.clients.create(name=NAME, birth_date="1990-01-01", phone=PHONE,
                                 id_number=ID_NUMBER, address=ADDRESS, guardian_name="蒋父",
                                 community="凤凰岗社区")
    case = wang.cases.open(client_id=client.id, category="domestic_violence", source="self")
    draft = wang.notes.draft_session(case.id, started_at=clock.now - timedelta(hours=1),
                                     duration_min=50, modality="in_person",
                                     answers={"data": NOTE, "plan": "一周后回访。"})
    signed = wang.notes.sign_session(draft.id, draft.version)
    wang.notes.add_addendum("session", signed.id, ADDENDUM)
    wang.planning.save_safety_plan(case.id, {"warning_signs": SAFETY, "dv_related": True})
    wang.consents.record(case.id, purpose="referral", recipient="police", given_at=clock.now,
                         form="written", given_by=CONSENT)
    wang.attachments.add(case.id, kind="injury_photo", filename="伤情照片.jpg", data=PHOTO)
    wang.persons.add(case.id, relation="abuser", name=ABUSER, phone="13600001111",
                     id_number="440306198001015678", birth_year=1980)
    wang.drafts.save(f"session:{case.id}", NAME, {"data": DRAFT})
    wang.appointments.book(case.id, clock.now + timedelta(days=2), 60, "home_visit",
                           place=VISIT_PLACE, note=VISIT_NOTE)
    other = chen.cases.open(client_id=chen.clients.create(name="林某", phone="13900139000").id,
                            category="domestic_violence", source="self")
    chen.persons.add(other.id, relation="abuser", name="郑国栋", phone="136-0000-1111",
                     birth_year=1980)
    chen_draft = chen.notes.draft_session(other.id, started_at=clock.now, duration_min=30,
                                          modality="phone", answers={"data": "林某说一切平安"})
    chen.notes.sign_session(chen_draft.id, chen_draft.version)
    return {"client": client.id, "case": case.id, "other": other.id}


def test_a_superusers_dump_shows_no_name_and_no_note(server: ServerStudio,
                                                      clock: Clock) -> None:
    made = fill(server, clock)
    dump = server.template.cluster.pg_dump(server.template.dbname)
    case_no = server.wang.cases.header(made["case"]).case_no
    assert "xs1:" in dump and case_no in dump  # sealed values are there, structure readable
    found = [marker for marker in MARKERS if marker in dump]
    assert found == []
    assert PHOTO.hex() not in dump
    # The studio's signing key, made at set-up, is sealed too; staff still sign with it.
    from xinhe.records.signing_store import SigningStore

    key = SigningStore(server.staff.vault).for_signing().key_pkcs8_der()
    assert key.hex() not in dump and base64.b64encode(key).hex()[:96] not in dump
    assert base64.b64encode(key).decode()[:64] not in dump
    # ... and the workstation reads them back.
    assert server.wang.clients.get(made["client"]).name == NAME
    assert server.wang.clients.get(made["client"]).address == ADDRESS
    notes = server.wang.notes.sessions(made["case"])
    assert notes[0].answers["data"] == NOTE
    assert [(d.title, d.payload) for d in server.wang.drafts.all()] == [(NAME, {"data": DRAFT})]


@pytest.mark.parametrize("who", ["wang", "chen", "sup", "staff"])
def test_search_on_the_server_equals_the_local_vault(who: str, folder, vault,  # noqa: ANN001
                                                     server_template, clock: Clock) -> None:
    queries = ["蒋", "雨桐", "阳台", "锁在阳台", "海滨路", "13712", "林", "平安", "一周 回访",
               "雨 天亮", "不存在的词", "DV"]
    local = Studio(folder, vault)
    fill(local, clock)
    server = ServerStudio(server_template, clock)
    try:
        fill(server, clock)

        def results(studio: Studio, query: str) -> list[tuple[object, ...]]:
            return [(h.doc_key, h.case_no, h.client_name, h.kind, h.title, h.snippet, h.ts)
                    for h in getattr(studio, who).search(query)]
        for query in queries:
            assert results(server, query) == results(local, query), query
        if who in ("wang", "sup"):
            assert results(server, "阳台") and results(server, "蒋")
    finally:
        server.close()
        local.close()


def test_the_duplicate_check_finds_another_counsellors_client_masked(
        server: ServerStudio, clock: Clock) -> None:
    made = fill(server, clock)
    for typed in ({"name": NAME, "birth_year": 1990}, {"name": "蒋雨童"}, {"phone": PHONE},
                  {"id_number": ID_NUMBER.lower()}):
        matches = server.chen.clients.find_duplicates(**typed)
        assert [m.name for m in matches] == ["蒋*桐"], typed
        assert not matches[0].readable and matches[0].contacts == ("王丽",)
    assert server.chen.clients.find_duplicates(name="蒋雨", phone="13700000000") == []
    # The same abuser in Chen's case, found by phone and name with birth year.
    same = server.sup.persons.same_person_elsewhere(made["case"])
    assert [(s.other_name, set(s.reasons)) for s in same] == \
        [(ABUSER, {"phone", "name_birth_year"})]


def test_a_sealed_value_moved_or_altered_does_not_open(server: ServerStudio,
                                                       clock: Clock) -> None:
    made = fill(server, clock)
    sql = server.template.cluster.superuser_sql
    db = server.template.dbname
    sql(f"UPDATE xinhe.clients SET address = name WHERE id = {made['client']}", db)
    with pytest.raises(SealBroken) as broken:
        server.wang.clients.get(made["client"])
    assert "改动" in broken.value.zh and "moved" in broken.value.en
    assert NAME not in str(broken.value)
    # The abuser's sealed name put in place of the client's: the same column name,
    # another table.
    sql("UPDATE xinhe.clients SET address = NULL, name = (SELECT name FROM"
        f" xinhe.linked_persons LIMIT 1) WHERE id = {made['client']}", db)
    with pytest.raises(SealBroken):
        server.wang.clients.get(made["client"])
    # Altered in place: a few characters of the abuser's sealed name changed.
    sql("UPDATE xinhe.linked_persons SET name = overlay(name placing 'AAAA' from 10 for 4)",
        db)
    with pytest.raises(SealBroken):
        server.wang.persons.for_case(made["case"])


def test_the_seam_seals_by_column_and_refuses_what_it_cannot_map() -> None:
    from xinhe.records.storage.sealing import Sealer, seal_params

    sealer = Sealer(bytes(32))
    sql, params = seal_params(sealer, "UPDATE reviews SET status = ?, comment ="
                              " coalesce(?, comment) WHERE id = ?", ("done", NOTE, 7))
    assert params[0] == "done" and params[2] == 7 and params[1].startswith("xs1:")
    assert sealer.open(["reviews.comment"], params[1]) == NOTE
    with pytest.raises(SealBroken):
        sealer.open(["sessions.answers"], params[1])
    # One named parameter feeding a sealed and a blinded column gets one of each.
    sql, named = seal_params(sealer, "INSERT INTO clients (name, name_key) VALUES (:n, :n)",
                             {"n": NAME})
    assert ":sealed_name" in sql and ":sealed_name_key" in sql and named["n"] == NAME
    assert sealer.open(["clients.name"], named["sealed_name"]) == NAME
    assert named["sealed_name_key"] == sealer.blind("name", NAME) != NAME
    with pytest.raises(RuntimeError):
        seal_params(sealer, "INSERT INTO clients SELECT * FROM clients", ())
    with pytest.raises(SealBroken):
        seal_params(None, "INSERT INTO addenda (text) VALUES (?)", (ADDENDUM,))
    assert seal_params(None, "UPDATE clocks SET status = ?", ("met",)) == \
        ("UPDATE clocks SET status = ?", ("met",))


DISPATCH_NAME = "欧阳春燕"
DISPATCH_PHONE = "13955550101"
DISPATCH_SUMMARY = "网格员听到她在楼道里哭喊"
REGISTER_NAME = "司马秋菊"
REGISTER_PHONE = "13855550202"
REGISTER_SUMMARY = "前夫持刀到她单位门口堵她"
CHILD_NAME = "欧阳小宝"
PERSON_NOTE = "他在物流园开叉车"
PLATFORM_MARKERS = (DISPATCH_NAME, DISPATCH_PHONE, DISPATCH_SUMMARY, REGISTER_NAME,
                    REGISTER_PHONE, REGISTER_SUMMARY, CHILD_NAME, PERSON_NOTE, "楼道", "叉车")


def test_a_dump_shows_nothing_of_dispatches_registers_or_linked_persons(
        server: ServerStudio, clock: Clock, tmp_path: Path) -> None:
    from tests.platform_fixtures import CLIENT, dispatch_doc, write
    from tests.referral_fixtures import install_identity
    from tests.register_samples import ROWS, write_csv
    from xinhe.export.court_extract import export_court_extract
    from xinhe.records import platform_inbox as inbox
    from xinhe.records import platform_reports as reports
    from xinhe.records.register_import import import_register

    party = {**CLIENT, "name": DISPATCH_NAME, "phone": DISPATCH_PHONE}
    write(tmp_path / "inbox", "d.json", dispatch_doc(
        "SEAL-1", summary=DISPATCH_SUMMARY, parties=[party, {"role": "respondent",
                                                             "name": "某乙"}]))
    assert inbox.receive_inbox(server.staff.vault, tmp_path / "inbox").received == ["SEAL-1"]
    wang_id = server.wang.vault.actor.user_id
    case = inbox.accept(server.sup.vault, inbox.find_dispatch(server.sup.vault, "SEAL-1"),
                        counsellor_id=wang_id)
    server.wang.persons.add(case.id, relation="child", name=CHILD_NAME, birth_year=2018)
    server.wang.persons.add(case.id, relation="abuser", name="某乙", notes=PERSON_NOTE)
    reports.report(server.staff.vault, case.id, "accepted")
    install_identity(server)  # the court extract names her and her children
    extract = export_court_extract(server.wang.vault, server.templates, case.id,
                                   ["client:name", "contacts"])
    register = [[*ROWS[0][:1], REGISTER_NAME, *ROWS[0][2:4], REGISTER_PHONE, *ROWS[0][5:13],
                 REGISTER_SUMMARY]]
    import_register(server.sup.vault, write_csv(tmp_path / "登记表.csv", register, "utf-8"))
    dump = server.template.cluster.pg_dump(server.template.dbname)
    assert "SEAL-1" in dump and extract.record.extract_no in dump  # the structure is there
    assert [m for m in PLATFORM_MARKERS if m in dump] == []
    # ... and the workstation reads them back.
    assert inbox.waiting(server.sup.vault) == []
    dispatch_id = inbox.find_dispatch(server.sup.vault, "SEAL-1")
    assert inbox.dispatch(server.sup.vault, dispatch_id).summary == DISPATCH_SUMMARY
    assert {p.name for p in server.wang.persons.for_case(case.id)} == {CHILD_NAME, "某乙"}
    found = {c.client_name for c in server.sup.cases.find()}
    assert {DISPATCH_NAME, REGISTER_NAME} <= found


def test_the_studios_signing_key_is_made_at_init_and_sealed(server: ServerStudio) -> None:
    import psycopg

    from xinhe.records.storage.pg_setup import login_role
    from xinhe.records.storage.server_session import login_password

    # Made at `server init` as a local vault's is: a counsellor's first referral is signed.
    info = server.wang.signing.current()
    assert info is not None and info.subject == "馨和家园工作室"
    identity = server.wang.signing.for_signing()  # opened on the desk
    key = identity.key_pkcs8_der()
    dump = server.template.cluster.pg_dump(server.template.dbname)
    clear = identity.to_private_bytes()  # what a local vault keeps inside SQLCipher
    assert clear.hex() not in dump and key.hex() not in dump
    assert base64.b64encode(key).decode() not in dump
    # Raw SQL as staff, who signs: only through signing_key(), and sealed.
    conninfo = server.template.cluster.dsn(
        login_role("staff"), login_password(server.folder.studio_id, "staff",
                                            Studio.PASSWORDS["staff"]),
        dbname=server.template.dbname)
    with psycopg.connect(conninfo) as conn:
        [(raw,)] = conn.execute("SELECT private_key FROM xinhe.signing_key()").fetchall()
    assert bytes(raw).startswith(b"xs1b") and b'"key"' not in bytes(raw)


def test_without_a_certificate_a_counsellor_is_told_to_ask_the_admin(
        server: ServerStudio) -> None:
    from xinhe.errors import NoStudioCertificate

    # A studio set up before `server init` made one: only an admin may make it there.
    server.template.cluster.superuser_sql("DELETE FROM xinhe.signing_identities",
                                          server.template.dbname)
    with pytest.raises(NoStudioCertificate) as info:
        server.wang.signing.for_signing()
    assert "请管理员" in info.value.message("zh_CN") and "转介设置" in info.value.message("zh_CN")
    assert "administrator" in info.value.message("en")
    server.admin.signing.generate()
    assert server.wang.signing.current() is not None
