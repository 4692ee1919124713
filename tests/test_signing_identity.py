"""The studio's signing identity: generation, PKCS#12 import refusals, vault storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from xinhe.crypto.signing import (
    DOCUMENT_SIGNING,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateWrongUsage,
    DamagedIdentity,
    NotPkcs12,
    Pkcs12NoKey,
    Pkcs12WrongPassword,
    SigningIdentity,
)

STUDIO = "馨和家园工作室"
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def identity() -> SigningIdentity:
    return SigningIdentity.generate(STUDIO, now=NOW)


def make_cert(*, not_before: datetime, not_after: datetime, digital_signature: bool = True,
              non_repudiation: bool = True, ekus: list[x509.ObjectIdentifier] | None = None,
              ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A self-signed EC certificate shaped as each test needs (EC: fast to make)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, STUDIO)])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.KeyUsage(
                   digital_signature=digital_signature, content_commitment=non_repudiation,
                   key_encipherment=not (digital_signature or non_repudiation),
                   data_encipherment=False, key_agreement=False, key_cert_sign=False,
                   crl_sign=False, encipher_only=False, decipher_only=False), critical=True))
    if ekus is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(ekus), critical=False)
    return key, builder.sign(key, hashes.SHA256())


def p12(key: ec.EllipticCurvePrivateKey | None, cert: x509.Certificate,
        password: bytes | None = b"p12-pass") -> bytes:
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    return pkcs12.serialize_key_and_certificates(b"studio", key, cert, None, encryption)


def test_generated_certificate_is_a_document_signing_certificate(
        identity: SigningIdentity) -> None:
    cert = identity.certificate
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    ekus = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert DOCUMENT_SIGNING in ekus and ExtendedKeyUsageOID.EMAIL_PROTECTION in ekus
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == STUDIO
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == STUDIO
    assert identity.subject_name() == STUDIO
    assert identity.private_key.key_size == 3072
    assert identity.not_before <= NOW
    assert timedelta(days=5 * 365) <= identity.not_after - NOW <= timedelta(days=5 * 366)
    # Self-signed: the certificate's own key verifies its signature.
    cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes,
                             padding.PKCS1v15(), cert.signature_hash_algorithm)
    identity.check_usable(NOW)


def test_cert_pem_and_fingerprint_are_what_a_receiver_compares(
        identity: SigningIdentity) -> None:
    loaded = x509.load_pem_x509_certificate(identity.cert_pem())
    assert loaded == identity.certificate
    assert identity.fingerprint_sha256() == loaded.fingerprint(hashes.SHA256()).hex()
    assert len(identity.fingerprint_sha256()) == 64
    assert b"PRIVATE" not in identity.cert_pem()


def test_private_bytes_round_trip(identity: SigningIdentity) -> None:
    stored = identity.to_private_bytes()
    again = SigningIdentity.from_private_bytes(stored)
    assert again.fingerprint_sha256() == identity.fingerprint_sha256()
    assert again.key_pkcs8_der() == identity.key_pkcs8_der()
    # The restored key still signs what the certificate verifies.
    sig = again.private_key.sign(b"referral", padding.PKCS1v15(), hashes.SHA256())
    identity.certificate.public_key().verify(sig, b"referral", padding.PKCS1v15(),
                                             hashes.SHA256())


def test_damaged_or_mismatched_private_bytes_are_refused(identity: SigningIdentity) -> None:
    with pytest.raises(DamagedIdentity):
        SigningIdentity.from_private_bytes(b"not json")
    other_key, other_cert = make_cert(not_before=NOW - timedelta(days=1),
                                      not_after=NOW + timedelta(days=30))
    mixed = SigningIdentity(other_cert, identity.private_key).to_private_bytes()
    with pytest.raises(DamagedIdentity):
        SigningIdentity.from_private_bytes(mixed)


def test_import_pkcs12_accepts_a_good_file(identity: SigningIdentity) -> None:
    key, cert = make_cert(not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=365),
                          ekus=[DOCUMENT_SIGNING])
    imported = SigningIdentity.import_pkcs12(p12(key, cert), "p12-pass", now=NOW)
    assert imported.certificate == cert
    assert imported.subject_name() == STUDIO
    # The studio's own generated identity exported to .p12 imports too.
    data = pkcs12.serialize_key_and_certificates(
        b"s", identity.private_key, identity.certificate, None,
        serialization.BestAvailableEncryption(b"pw"))
    assert SigningIdentity.import_pkcs12(data, "pw", now=NOW).fingerprint_sha256() == \
        identity.fingerprint_sha256()


def test_import_pkcs12_wrong_or_missing_password() -> None:
    key, cert = make_cert(not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=9))
    data = p12(key, cert)
    with pytest.raises(Pkcs12WrongPassword) as err:
        SigningIdentity.import_pkcs12(data, "guess", now=NOW)
    assert err.value.zh == "证书文件的密码不正确。"
    assert "password" in err.value.en
    assert str(err.value) == err.value.zh  # Chinese by default
    with pytest.raises(Pkcs12WrongPassword):
        SigningIdentity.import_pkcs12(data, None, now=NOW)


def test_import_refuses_junk_and_files_without_a_key() -> None:
    with pytest.raises(NotPkcs12):
        SigningIdentity.import_pkcs12(b"-----BEGIN CERTIFICATE-----\nxyz", "pw", now=NOW)
    _key, cert = make_cert(not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=9))
    with pytest.raises(Pkcs12NoKey) as err:
        SigningIdentity.import_pkcs12(p12(None, cert), "p12-pass", now=NOW)
    assert "私钥" in err.value.zh


def test_import_refuses_expired_and_not_yet_valid_certificates() -> None:
    key, cert = make_cert(not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(days=35))
    with pytest.raises(CertificateExpired) as err:
        SigningIdentity.import_pkcs12(p12(key, cert), "p12-pass", now=NOW)
    assert "过期" in err.value.zh and "expired" in err.value.en
    assert (NOW - timedelta(days=35)).strftime("%Y-%m-%d") in err.value.en
    key, cert = make_cert(not_before=NOW + timedelta(days=3), not_after=NOW + timedelta(days=300))
    with pytest.raises(CertificateNotYetValid) as err2:
        SigningIdentity.import_pkcs12(p12(key, cert), "p12-pass", now=NOW)
    assert "生效" in err2.value.zh


@pytest.mark.parametrize("shape", [
    {"digital_signature": False, "non_repudiation": False},  # key encipherment only
    {"ekus": [ExtendedKeyUsageOID.SERVER_AUTH]},  # a TLS server certificate
])
def test_import_refuses_certificates_not_made_for_signing(shape: dict[str, object]) -> None:
    key, cert = make_cert(not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=9),
                          **shape)
    with pytest.raises(CertificateWrongUsage) as err:
        SigningIdentity.import_pkcs12(p12(key, cert), "p12-pass", now=NOW)
    assert "签名" in err.value.zh and "sign documents" in err.value.en


def test_an_expired_identity_cannot_sign(identity: SigningIdentity) -> None:
    with pytest.raises(CertificateExpired):
        identity.check_usable(identity.not_after + timedelta(days=1))
