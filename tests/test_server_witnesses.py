"""`xinhe audit verify --server` against the witnesses a workstation reaches: a tail cut from
the server's chain by a database superuser is named by the referral PDFs in the outbox."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conftest import ADMIN_PASSWORD, Clock, Studio
from tests.referral_fixtures import draft_referral, dv_case, install_identity
from xinhe import cli
from xinhe.crypto.binding import DeviceBinding
from xinhe.export.pipeline import export_referral

pytestmark = pytest.mark.parametrize("backend", ["server"], indirect=True)


def verify(studio: Studio, binding: DeviceBinding, *extra: str,
           user: str = "admin", password: str = ADMIN_PASSWORD) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(["audit", "verify", "--server", studio.folder.dsn,
                                          "--user", user, *extra])
    code = cli.run(args, cli.Io(io.StringIO(password + "\n"), out, err), binding)
    return code, out.getvalue(), err.getvalue()


def cut_tail(studio: Studio, keep: int) -> None:
    """What a superuser can do to the server's chain: delete its last entries with the
    append-only triggers switched off."""
    studio.template.cluster.superuser_sql(
        "ALTER TABLE xinhe.audit_event DISABLE TRIGGER USER;"
        f" DELETE FROM xinhe.audit_event WHERE seq > {keep};"
        " ALTER TABLE xinhe.audit_event ENABLE TRIGGER USER", dbname=studio.template.dbname)


def test_a_tail_cut_on_the_server_is_named_by_the_outbox_pdf(
        studio: Studio, clock: Clock, binding: DeviceBinding, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    install_identity(studio)
    case = dv_case(studio, clock)
    before = studio.admin.vault.audit.head()[0]
    referral = draft_referral(studio, case)
    # Staff cannot assemble a packet on the server yet (it reads assessments): a supervisor.
    assert export_referral(studio.sup, referral.id, outbox=outbox).delivered

    code, out, err = verify(studio, binding, "--outbox", str(outbox), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert [(w["kind"], w["verdict"]) for w in report["witnesses"]] == [("outbox", "ok")]
    pdf_seq = report["witnesses"][0]["seq"]
    assert pdf_seq > before

    cut_tail(studio, before)
    code, out, err = verify(studio, binding, "--outbox", str(outbox), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["problems"] == []  # what is left is a well-formed chain: only witnesses tell
    assert [(w["kind"], w["verdict"] != "ok") for w in report["witnesses"]] == [
        ("outbox", True)]
    assert "审计链被篡改" in err and f"发件箱清单中 {referral.referral_no} 的一行" in err
    # The supervisor also checks the signed PDF kept with the referral on the server.
    code, out, err = verify(studio, binding, "--outbox", str(outbox), "--json", user="sup",
                            password=Studio.PASSWORDS["sup"])
    assert code == 1
    verdicts = {(w["kind"], w["verdict"] != "ok") for w in json.loads(out)["witnesses"]}
    assert verdicts == {("outbox", True), ("referral", True)}


def test_a_tail_cut_after_a_server_backup_is_named_by_the_backup_file(
        studio: Studio, clock: Clock, binding: DeviceBinding, tmp_path: Path) -> None:
    from xinhe.records.storage.server_backup import make_server_backup

    dv_case(studio, clock)
    made = make_server_backup(studio.template.cluster.dsn(), studio.template.dbname,
                              tmp_path / "studio.xhbak")
    stray = tmp_path / "notes.txt"
    stray.write_text("not a backup", encoding="utf-8")
    backups = ("--backup", str(made.path), "--backup", str(stray))
    code, out, err = verify(studio, binding, *backups, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert [(w["kind"], w["seq"], w["verdict"]) for w in report["witnesses"]] == [
        ("backup", made.audit_seq, "ok")]
    assert [u["reason"] for u in report["unchecked"]] == ["unreadable"]

    cut_tail(studio, made.audit_seq - 3)
    code, out, err = verify(studio, binding, *backups, "--json")
    assert code == 1
    report = json.loads(out)
    assert report["problems"] == []  # the chain left is well formed: the backup tells
    assert [(w["kind"], w["verdict"] != "ok") for w in report["witnesses"]] == [
        ("backup", True)]
    assert "审计链被篡改" in err and "studio.xhbak" in err
    code, _, err = run_local_backup_flag(binding, made.path)
    assert code == 1 and "--backup" in err and err.count("\n") == 1


def run_local_backup_flag(binding: DeviceBinding, path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(["audit", "verify", "--backup", str(path)])
    code = cli.run(args, cli.Io(io.StringIO(""), out, err), binding)
    return code, out.getvalue(), err.getvalue()
