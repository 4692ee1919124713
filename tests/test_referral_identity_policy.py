"""The studio's signing identity in the vault, the field policy as data, re-authentication."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from conftest import Clock, Studio
from tests.referral_fixtures import P12_PASSWORD, p12_bytes, studio_identity
from tests.test_signing_identity import make_cert, p12
from xinhe.crypto.signing import (
    CertificateExpired,
    CertificateWrongUsage,
    Pkcs12WrongPassword,
)
from xinhe.errors import AccessDenied, InvalidInput, WrongPassword
from xinhe.records.referral_policy import (
    CLIENT_FIELDS,
    RECORD_PARTS,
    PolicyError,
    default_policy,
    load_policy,
    outbox_folder,
    parse_policy,
    policy_is_default,
    reset_policy,
    save_policy,
    set_outbox_folder,
)
from xinhe.records.vocab import AGENCIES

# -- signing identity ---------------------------------------------------------------------------


def test_admin_generates_then_replaces_the_identity_and_the_key_stays_inside(
        studio: Studio, clock: Clock) -> None:
    admin = studio.admin
    first = admin.signing.generate()
    assert first.subject == "馨和家园工作室" and first.source == "generated"
    assert first.created_by == "管理员甲" and first.current
    assert first.not_before < "2026-03-02T09:00" < first.not_after
    cert = x509.load_pem_x509_certificate(studio.staff.signing.certificate_pem())
    assert cert.fingerprint(cert.signature_hash_algorithm).hex() == first.fingerprint
    key_der = studio.staff.signing.for_signing().key_pkcs8_der()
    clock.advance(days=1)
    second = admin.signing.generate()
    assert [i.id for i in admin.signing.history()] == [second.id, first.id]
    assert admin.signing.history()[1].retired_at is not None
    # the retired identity keeps its certificate and loses its key
    assert admin.vault.db.scalar("SELECT private_key FROM signing_identities WHERE id = ?",
                                 (first.id,)) is None
    # no file of the vault holds a key in the clear
    admin.vault.db.checkpoint()
    new_key = studio.staff.signing.for_signing().key_pkcs8_der()
    for path in Path(studio.folder.path).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert key_der[-64:] not in data and new_key[-64:] not in data, path.name
    actions = [e.action for e in studio.sup.vault.audit.events(
        action_prefix="signing_identity.")]
    assert actions.count("signing_identity.generate") == 2


def test_only_the_admin_changes_it_and_the_admin_never_signs(studio: Studio) -> None:
    with pytest.raises(AccessDenied):
        studio.sup.signing.generate()
    with pytest.raises(AccessDenied):
        studio.staff.signing.import_pkcs12(p12_bytes(studio_identity()), P12_PASSWORD)
    studio.admin.signing.generate()
    with pytest.raises(AccessDenied):
        studio.admin.signing.for_signing()


def test_import_accepts_a_district_certificate_and_refuses_unfit_ones(studio: Studio,
                                                                      clock: Clock) -> None:
    admin = studio.admin.signing
    now = clock.now
    key, cert = make_cert(not_before=now - timedelta(days=400),
                          not_after=now - timedelta(days=35))
    with pytest.raises(CertificateExpired) as expired:
        admin.import_pkcs12(p12(key, cert), "p12-pass")
    assert "过期" in expired.value.message("zh_CN")
    key, cert = make_cert(not_before=now - timedelta(days=1), not_after=now + timedelta(days=90),
                          ekus=[ExtendedKeyUsageOID.SERVER_AUTH])
    with pytest.raises(CertificateWrongUsage):
        admin.import_pkcs12(p12(key, cert), "p12-pass")
    with pytest.raises(Pkcs12WrongPassword):
        admin.import_pkcs12(p12_bytes(studio_identity()), "wrong")
    assert admin.current() is None  # nothing was replaced by a refused file
    info = admin.import_pkcs12(p12_bytes(studio_identity()), P12_PASSWORD)
    assert info.source == "imported"
    assert info.fingerprint == studio_identity().fingerprint_sha256()
    refused = [e.outcome for e in reversed(studio.sup.vault.audit.events(
        action_prefix="signing_identity.import"))]
    assert refused == ["refused:certificate_expired", "refused:certificate_wrong_usage",
                       "refused:pkcs12_wrong_password", info.fingerprint[:16]]


def test_confirm_password_is_the_acting_users_own(studio: Studio) -> None:
    studio.staff.accounts.verify_password("staff-password", "referral.sign")
    with pytest.raises(WrongPassword):
        studio.staff.accounts.verify_password("wang-password", "referral.sign")
    outcomes = [e.outcome for e in studio.sup.vault.audit.events(action_prefix="reauth")]
    assert outcomes == ["failed:referral.sign", "referral.sign"]


# -- field policy ----------------------------------------------------------------------------


def test_the_shipped_policy_covers_every_agency_and_keeps_notes_from_the_police() -> None:
    policy = default_policy()
    assert set(policy.agencies) == set(AGENCIES)
    police = policy.for_agency("police")
    assert {"name", "id_number"} <= police.client_fields
    assert {"incident_summary", "risk_level", "danger_checklist"} <= police.record_parts
    assert "session_notes" not in police.record_parts
    assert not any("session_notes" in p.record_parts for p in policy.agencies.values())
    assert "address" not in policy.for_agency("civil_affairs").client_fields  # shelter
    assert policy.instruments["danger_checklist"] == ("dv_intake",)
    assert parse_policy(policy.to_json()) == policy


@pytest.mark.parametrize(("change", "named"), [
    (lambda d: d["agencies"]["police"]["client_fields"].append("religion"), "religion"),
    (lambda d: d["agencies"]["court"].update(record_parts="risk_level"), "人民法院"),
    (lambda d: d["agencies"].pop("school"), "学校"),
    (lambda d: d["agencies"].update(tv_station={}), "tv_station"),
    (lambda d: d.update(version=2), "版本"),
    (lambda d: d["agencies"]["police"].update(notes=[]), "notes"),
])
def test_a_broken_policy_is_refused_naming_the_entry(change: object, named: str) -> None:
    doc = default_policy().to_json()
    change(doc)  # type: ignore[operator]
    with pytest.raises(PolicyError) as info:
        parse_policy(doc)
    assert named in info.value.message("zh_CN") or named in info.value.message("en")


def test_admin_edits_the_policy_in_the_vault_and_may_reset_it(studio: Studio) -> None:
    vault = studio.admin.vault
    assert policy_is_default(vault)
    changed = default_policy().with_choice("police", "client_fields", "id_number", False)
    save_policy(vault, changed)
    assert "id_number" not in load_policy(studio.staff.vault).for_agency("police").client_fields
    assert not policy_is_default(vault)
    stored = json.loads(vault.setting("referral.policy") or "")
    assert "id_number" not in stored["agencies"]["police"]["client_fields"]
    with pytest.raises(AccessDenied):
        save_policy(studio.sup.vault, default_policy())
    with pytest.raises(PolicyError):
        save_policy(vault, {"version": 1})
    reset_policy(vault)
    assert load_policy(vault) == default_policy()
    actions = [e.action for e in reversed(studio.sup.vault.audit.events(
        action_prefix="referral_policy."))]
    assert actions == ["referral_policy.update", "referral_policy.reset"]


def test_every_choice_has_both_labels() -> None:
    for labels in (CLIENT_FIELDS, RECORD_PARTS):
        assert all(zh and en and zh != en for zh, en in labels.values())


def test_outbox_folder_setting(studio: Studio, tmp_path: Path) -> None:
    assert outbox_folder(studio.staff.vault) is None
    with pytest.raises(InvalidInput):
        set_outbox_folder(studio.admin.vault, "relative/outbox")
    with pytest.raises(AccessDenied):
        set_outbox_folder(studio.staff.vault, str(tmp_path))
    set_outbox_folder(studio.admin.vault, str(tmp_path))
    assert outbox_folder(studio.staff.vault) == tmp_path
    set_outbox_folder(studio.admin.vault, "")
    assert outbox_folder(studio.staff.vault) is None
