"""`xinhe referral export`, `xinhe signing-identity` and `xinhe verify --trust` as a script
or a person would run them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID

from conftest import dv_intake_answers
from test_cli import Run, initialised, run  # noqa: F401 (fixtures)
from tests.referral_fixtures import P12_PASSWORD, p12_bytes, studio_identity
from tests.test_signing_identity import make_cert, p12
from xinhe.crypto.binding import DeviceBinding
from xinhe.export.outbox import read_manifest
from xinhe.records import templates as tpl
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder

ADMIN = "admin-pass-1\n"
SUMMARY = "当事人遭受配偶殴打，请公安机关出具告诫书。"


@pytest.fixture
def casework(run: Run, initialised: str, binding: DeviceBinding) -> str:  # noqa: F811
    """Wang (counsellor) and Huang (staff); a DV case of Wang's with police consent."""
    for name, display, role, password in (("wang", "王丽", "counsellor", "wang-pass-1"),
                                          ("huang", "黄敏", "staff", "huang-pass-1")):
        code, _, err = run("users", "add", name, "--role", role, "--display-name", display,
                           "--user", "admin", stdin=f"{ADMIN}{password}\n")
        assert code == 0, err
    vault = VaultFolder(run.vault_dir, binding).unlock("wang", "wang-pass-1")
    try:
        svc = Services(vault, tpl.TemplateRegistry.default())
        client = svc.clients.create(name="林某", gender="female", birth_date="1990-05-01")
        case = svc.cases.open(client_id=client.id, category="domestic_violence", source="self")
        svc.notes.record_assessment(case.id, template_id="dv_intake",
                                    answers=dv_intake_answers("weapon"))
        svc.consents.record(case.id, purpose="referral", recipient="police",
                            given_at=vault.now(), form="written", given_by="本人")
        return case.case_no
    finally:
        vault.close()


def test_export_then_verify_with_the_exported_certificate(run: Run, casework: str,  # noqa: F811
                                                          tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    code, out, err = run("referral", "export", casework, "--to", "police", "--purpose",
                         "referral", "--out", str(outbox), "--urgency", "urgent",
                         "--summary", SUMMARY, "--user", "wang", stdin="wang-pass-1\n")
    assert code == 0, err
    [pdf] = outbox.glob("*.pdf")
    assert re.fullmatch(r"ZJ-\d{4}-0001-police\.pdf", pdf.name)
    assert f"已送达：{pdf}" in out
    [line] = read_manifest(outbox)
    assert line["file"] == pdf.name and line["sha256"] in out
    code, out, err = run("signing-identity", "export", str(tmp_path / "studio.pem"),
                         "--user", "huang", stdin="huang-pass-1\n")
    assert code == 0, err
    code, out, err = run("verify", str(pdf), "--trust", str(tmp_path / "studio.pem"))
    assert code == 0, err
    assert "导出人：王丽" in out and f"转介编号：{pdf.name[:12]}" in out
    assert "接收机构：公安机关" in out and "police" not in out  # every word in Chinese
    assert "结论：有效。签名证书为受信任的工作室证书。" in out
    code, out, err = run("verify", str(pdf), "--trust", str(tmp_path / "studio.pem"),
                         "--lang", "en")
    assert code == 0, err
    assert "Agency: Police" in out and "Exported by: 王丽" in out and "接收" not in out
    code, out, _ = run("verify", str(pdf), "--trust", str(tmp_path / "studio.pem"), "--json")
    doc = json.loads(out)
    assert doc["ok"] and doc["trusted"] and doc["agency"] == "police"
    code, out, _ = run("referral", "list", "--user", "huang", "--json", stdin="huang-pass-1\n")
    [listed] = json.loads(out)
    assert listed["status"] == "delivered" and listed["sha256"] == line["sha256"]


def test_unreachable_outbox_exits_1_with_the_reason_and_deliver_finishes(
        run: Run, casework: str, tmp_path: Path) -> None:  # noqa: F811
    share = tmp_path / "share"
    code, out, err = run("referral", "export", casework, "--to", "police", "--purpose",
                         "referral", "--out", str(share), "--summary", SUMMARY,
                         "--user", "wang", stdin="wang-pass-1\n")
    assert code == 1 and err.count("\n") == 1
    assert "已签名并保存在数据库中" in err and str(share) in err
    code, out, _ = run("referral", "list", "--user", "wang", "--json", stdin="wang-pass-1\n")
    [listed] = json.loads(out)
    assert listed["status"] == "signed" and "不存在或无法访问" in listed["reason"]
    share.mkdir()
    code, out, err = run("referral", "deliver", listed["referral_no"], "--out", str(share),
                         "--user", "huang", stdin="huang-pass-1\n")
    assert code == 0, err
    assert [x["referral_no"] for x in read_manifest(share)] == [listed["referral_no"]]


def test_staff_cannot_draft_and_missing_consent_is_one_line(run: Run,  # noqa: F811
                                                            casework: str,
                                                            tmp_path: Path) -> None:
    code, _, err = run("referral", "export", casework, "--to", "police", "--purpose",
                       "referral", "--out", str(tmp_path), "--user", "huang",
                       stdin="huang-pass-1\n")
    assert code == 1 and err.count("\n") == 1 and "咨询师或督导起草" in err
    code, _, err = run("referral", "export", casework, "--to", "court", "--purpose",
                       "protection_order", "--out", str(tmp_path), "--summary", SUMMARY,
                       "--user", "wang", stdin="wang-pass-1\n")
    assert code == 1 and err.count("\n") == 1 and "知情同意" in err
    code, _, err = run("--lang", "en", "referral", "export", casework, "--to", "police",
                       "--purpose", "referral", "--out", str(tmp_path), "--user", "wang",
                       stdin="wang-pass-1\n")
    assert code == 1 and err == ("Write the situation summary before exporting the "
                                 "referral.\n")


def test_init_makes_the_certificate_and_show_prints_it(run: Run,  # noqa: F811
                                                       initialised: str) -> None:  # noqa: F811
    code, out, _ = run("signing-identity", "show", "--user", "admin", "--json", stdin=ADMIN)
    doc = json.loads(out)
    assert code == 0 and doc["subject"] == "馨和家园" and doc["source"] == "generated"
    code, out, _ = run("signing-identity", "show", "--user", "admin", stdin=ADMIN)
    groups = " ".join(doc["sha256"].upper()[i:i + 4] for i in range(0, 64, 4))
    assert groups in out


def test_import_refuses_unfit_certificates_with_the_reason(run: Run,  # noqa: F811
                                                           initialised: str,  # noqa: F811
                                                           tmp_path: Path) -> None:
    now = datetime.now(UTC)
    files = {}
    key, cert = make_cert(not_before=now - timedelta(days=400), not_after=now - timedelta(days=3))
    files["expired"] = p12(key, cert)
    key, cert = make_cert(not_before=now - timedelta(days=1), not_after=now + timedelta(days=90),
                          ekus=[ExtendedKeyUsageOID.SERVER_AUTH])
    files["tls"] = p12(key, cert)
    files["good"] = p12_bytes(studio_identity())
    for name, data in files.items():
        (tmp_path / f"{name}.p12").write_bytes(data)

    def import_(name: str, password: str = P12_PASSWORD, user: str = "admin",
                login: str = ADMIN) -> tuple[int, str, str]:
        return run("signing-identity", "import", str(tmp_path / f"{name}.p12"), "--user", user,
                   stdin=f"{login}{password}\n")

    code, _, err = import_("expired")
    assert code == 1 and err.count("\n") == 1 and "已于" in err and "过期" in err
    code, _, err = import_("tls")
    assert code == 1 and "不允许用于文件签名" in err
    code, _, err = import_("good", password="wrong")
    assert code == 1 and err == "证书文件的密码不正确。\n"
    run("users", "add", "wang", "--role", "counsellor", "--user", "admin",
        stdin=f"{ADMIN}wang-pass-1\n")
    code, _, err = import_("good", user="wang", login="wang-pass-1\n")
    assert code == 1 and "没有权限" in err
    code, out, err = import_("good")
    assert code == 0, err
    code, out, _ = run("signing-identity", "show", "--user", "wang", "--json",
                       stdin="wang-pass-1\n")
    shown = json.loads(out)
    assert shown["sha256"] == studio_identity().fingerprint_sha256()
    assert shown["source"] == "imported"


def test_policy_is_printed_set_from_a_file_and_reset(run: Run, initialised: str,  # noqa: F811
                                                     tmp_path: Path) -> None:
    code, out, _ = run("referral", "policy", "--user", "admin", stdin=ADMIN)
    doc = json.loads(out)
    assert code == 0 and "session_notes" not in doc["agencies"]["police"]["record_parts"]
    doc["instruments"]["danger_checklist"].append("licensed_danger_assessment")
    doc["agencies"]["police"]["client_fields"].remove("id_number")
    (tmp_path / "policy.json").write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run("referral", "policy", "--set", str(tmp_path / "policy.json"),
                       "--user", "admin", stdin=ADMIN)
    assert code == 0, err
    code, out, _ = run("referral", "policy", "--user", "admin", "--json", stdin=ADMIN)
    stored = json.loads(out)
    assert stored["instruments"]["danger_checklist"] == ["dv_intake",
                                                         "licensed_danger_assessment"]
    assert "id_number" not in stored["agencies"]["police"]["client_fields"]
    doc["agencies"]["police"]["client_fields"].append("shoe_size")
    (tmp_path / "policy.json").write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run("referral", "policy", "--set", str(tmp_path / "policy.json"),
                       "--user", "admin", stdin=ADMIN)
    assert code == 1 and err.count("\n") == 1 and "shoe_size" in err and "公安机关" in err
    code, _, _ = run("referral", "policy", "--reset", "--user", "admin", stdin=ADMIN)
    code, out, _ = run("referral", "policy", "--user", "admin", "--json", stdin=ADMIN)
    assert "id_number" in json.loads(out)["agencies"]["police"]["client_fields"]
