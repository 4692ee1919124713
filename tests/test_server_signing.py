"""`xinhe signing-identity show/export/generate/import --server`: the certificate the studio
server holds is the one referrals exported there verify against, a new one takes over for
the next referral, a district PKCS#12 works on the server as on another studio's vault, and
no counsellor, supervisor or staff member can read the sealed key or replace the identity
with their own SQL (only through `signing_key()`, and only those who sign)."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from pytestqt.qtbot import QtBot
from test_server_cli import run
from test_server_referrals import drafted

from conftest import ServerStudio, Studio
from tests.referral_fixtures import P12_PASSWORD, p12_bytes, studio_identity
from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import AccessDenied
from xinhe.records import templates as tpl
from xinhe.records.services import Services
from xinhe.records.vault import Vault


def cli(binding: DeviceBinding, server: ServerStudio, user: str, *argv: str,
        stdin: str = "") -> tuple[int, str, str]:
    """`xinhe ARGV --server DSN --user USER`, the password first on stdin."""
    password = Studio.PASSWORDS.get(user, "admin-pass-1")
    code, out, err = run(binding, *argv, "--server", server.folder.dsn, "--user", user,
                         stdin=f"{password}\n{stdin}")
    assert "Traceback" not in err
    return code, out, err


def export_referral(binding: DeviceBinding, server: ServerStudio, outbox: Path) -> Path:
    """A new consented draft on a new case, exported by staff on the server: the PDF."""
    case_no, _ = drafted(server)
    outbox.mkdir()
    code, out, err = cli(binding, server, "staff", "referral", "export", case_no, "--to",
                         "police", "--purpose", "referral", "--out", str(outbox), "--json")
    assert code == 0, err
    return Path(json.loads(out)["file"])


def verify(binding: DeviceBinding, pdf: Path, *trust: str) -> tuple[int, dict[str, object]]:
    code, out, _ = run(binding, "verify", str(pdf), "--json", *trust)
    return code, json.loads(out)


def fingerprint_of(pem: Path) -> str:
    return x509.load_pem_x509_certificate(pem.read_bytes()).fingerprint(hashes.SHA256()).hex()


def test_show_export_and_generate_on_the_server_are_what_referrals_are_signed_with(
        binding: DeviceBinding, server: ServerStudio, tmp_path: Path) -> None:
    shown = {}
    for user in ("admin", "sup", "staff"):
        code, out, err = cli(binding, server, user, "signing-identity", "show", "--json")
        assert code == 0, err
        shown[user] = json.loads(out)["sha256"]
    first = shown["admin"]
    assert shown == {"admin": first, "sup": first, "staff": first}
    code, out, _ = cli(binding, server, "sup", "signing-identity", "show")
    assert " ".join(first.upper()[i:i + 4] for i in range(0, 64, 4)) in out

    pdf = export_referral(binding, server, tmp_path / "one")
    code, checked = verify(binding, pdf)
    assert code == 0 and checked["ok"]
    assert str(checked["certificate_sha256"]).replace(":", "").lower() == first
    # The exported file is the certificate in PEM, as a local vault's export: no key in it.
    old = tmp_path / "old.pem"
    code, out, err = cli(binding, server, "sup", "signing-identity", "export", str(old))
    assert code == 0 and str(old) in out, err
    assert old.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert b"PRIVATE KEY" not in old.read_bytes() and fingerprint_of(old) == first
    assert verify(binding, pdf, "--trust", str(old))[0] == 0

    code, out, err = cli(binding, server, "wang", "signing-identity", "generate")
    assert code == 1 and "没有权限" in err and not out
    code, out, err = cli(binding, server, "admin", "signing-identity", "generate", "--json")
    assert code == 0, err
    second = json.loads(out)["sha256"]
    assert second != first
    code, out, _ = cli(binding, server, "staff", "signing-identity", "show", "--json")
    assert json.loads(out)["sha256"] == second
    # The old certificate stays, retired, to check referrals signed before.
    history = server.admin.signing.history()
    assert [(i.fingerprint, i.current) for i in history] == [(second, True), (first, False)]

    later = export_referral(binding, server, tmp_path / "two")
    code, checked = verify(binding, later)
    assert code == 0 and str(checked["certificate_sha256"]).replace(":", "").lower() == second
    assert verify(binding, later, "--trust", str(old))[0] == 1
    assert verify(binding, pdf, "--trust", str(old))[0] == 0
    new = tmp_path / "new.pem"
    assert cli(binding, server, "staff", "signing-identity", "export", str(new))[0] == 0
    assert fingerprint_of(new) == second and verify(binding, later, "--trust", str(new))[0] == 0

    events = [(e.user, e.action) for e in server.sup.vault.audit.events(limit=200)
              if e.action.startswith("signing_identity.")]
    assert {("admin", "signing_identity.generate"), ("sup", "signing_identity.export_cert"),
            ("staff", "signing_identity.export_cert")} <= set(events)
    code, out, err = cli(binding, server, "sup", "audit", "verify")
    assert code == 0 and "审计链完整" in out, err


def test_a_district_p12_imported_on_the_server_signs_like_it_does_on_another_studio(
        binding: DeviceBinding, server: ServerStudio, vault: Vault, tmp_path: Path) -> None:
    district = studio_identity()
    p12 = tmp_path / "district.p12"
    p12.write_bytes(p12_bytes(district))
    code, out, err = cli(binding, server, "staff", "signing-identity", "import", str(p12),
                         stdin=f"{P12_PASSWORD}\n")
    assert code == 1 and "没有权限" in err
    code, out, err = cli(binding, server, "admin", "signing-identity", "import", str(p12),
                         stdin="not-the-file-password\n")
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    code, out, err = cli(binding, server, "admin", "signing-identity", "import", str(p12),
                         "--json", stdin=f"{P12_PASSWORD}\n")
    assert code == 0, err
    imported = json.loads(out)
    assert (imported["sha256"], imported["source"]) == (district.fingerprint_sha256(),
                                                         "imported")
    outcomes = [e.outcome for e in server.sup.vault.audit.events(limit=200)
                if e.action == "signing_identity.import"]
    assert outcomes[0] == district.fingerprint_sha256()[:16]
    assert [o.startswith("refused:") for o in outcomes[1:]] == [True]

    # Another studio (a local vault) imports the same file: its exported certificate is the
    # one a referral signed on the server is trusted under.
    elsewhere = Services(vault, tpl.TemplateRegistry.default())
    elsewhere.signing.import_pkcs12(p12.read_bytes(), P12_PASSWORD)
    theirs = tmp_path / "theirs.pem"
    theirs.write_bytes(elsewhere.signing.certificate_pem())
    pdf = export_referral(binding, server, tmp_path / "out")
    code, checked = verify(binding, pdf, "--trust", str(theirs))
    assert code == 0 and checked["trusted"]


@pytest.mark.parametrize("user", ["wang", "staff", "sup"])
def test_no_signer_reads_the_key_column_or_replaces_the_identity_with_own_sql(
        server: ServerStudio, user: str) -> None:
    raw = psycopg.connect(server.folder.login_conninfo(user, Studio.PASSWORDS[user]),
                          autocommit=True)
    try:
        for statement in ("SELECT private_key FROM xinhe.signing_identities",
                          "SELECT * FROM xinhe.signing_identities",
                          "UPDATE xinhe.signing_identities SET retired_at = 'x'",
                          "UPDATE xinhe.signing_identities SET private_key = NULL",
                          "DELETE FROM xinhe.signing_identities",
                          "INSERT INTO xinhe.signing_identities (subject, fingerprint,"
                          " not_before, not_after, certificate, private_key, source,"
                          " created_by, created_at) SELECT subject, 'f', not_before,"
                          " not_after, certificate, '\\x00', 'generated', created_by,"
                          " created_at FROM xinhe.signing_identities"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                raw.execute(statement)
        [(fingerprint,)] = raw.execute("SELECT fingerprint FROM xinhe.signing_identities"
                                       " WHERE retired_at IS NULL").fetchall()
        # The key reaches a signer only through the function, still sealed.
        [(sealed,)] = raw.execute("SELECT private_key FROM xinhe.signing_key()").fetchall()
        assert sealed.startswith(b"xs1b")
    finally:
        raw.close()
    signer = {"wang": server.wang, "staff": server.staff, "sup": server.sup}[user]
    assert signer.signing.for_signing().fingerprint_sha256() == fingerprint


def test_the_administrator_replaces_the_identity_but_reads_no_key(
        server: ServerStudio) -> None:
    raw = server.folder.connect("admin", "admin-pass-1")
    try:
        for statement in ("SELECT private_key FROM signing_identities",
                          "SELECT * FROM signing_key()"):
            with pytest.raises(AccessDenied):
                raw.all(statement)
    finally:
        raw.close()
    with pytest.raises(AccessDenied):
        server.admin.signing.for_signing()


def test_admin_panel_shows_replaces_and_exports_the_servers_certificate(
        qtbot: QtBot, server: ServerStudio, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog
    from test_ui_referrals import idle, signed_in

    from ui_helpers import click, type_into
    from xinhe.ui.dialogs.identity_dialog import IdentityDialog
    from xinhe.ui.screens import referral_admin

    first = server.admin.signing.current()
    assert first is not None
    with signed_in(server.folder, "admin", "admin-pass-1") as ctx:
        panel = referral_admin.ReferralAdminPanel(ctx)
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitUntil(lambda: panel.state is not None, timeout=10_000)
        assert panel.fingerprint.text() == first.fingerprint_groups()
        assert panel.export_button.isEnabled() and not panel.history.isVisible()
        click(qtbot, panel.generate_button)
        dialog = next(d for d in panel.findChildren(IdentityDialog) if d.isVisible())
        type_into(qtbot, dialog.password, "admin-pass-1")
        click(qtbot, dialog.ok_button)
        idle(qtbot, ctx)
        qtbot.waitUntil(lambda: panel.history.rowCount() == 1, timeout=10_000)
        second = server.sup.signing.current()
        assert second is not None and second.fingerprint != first.fingerprint
        assert panel.fingerprint.text() == second.fingerprint_groups()
        pem = tmp_path / "studio.pem"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pem), ""))
        click(qtbot, panel.export_button)
        idle(qtbot, ctx)
        qtbot.waitUntil(lambda: pem.exists(), timeout=10_000)
    assert fingerprint_of(pem) == second.fingerprint
    assert server.staff.signing.for_signing().fingerprint_sha256() == second.fingerprint
