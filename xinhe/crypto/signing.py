"""The studio's signing identity: one X.509 certificate and its private key.

Referral PDFs are signed with it (see `xinhe.export.sign`). The key never leaves the
vault in plaintext: `to_private_bytes()` is meant to be stored inside the encrypted
database, and receivers only ever get `cert_pem()`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from xinhe.errors import XinheError

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

#: RFC 9336 id-kp-documentSigning.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
#: Extended key usages that allow signing documents. Poppler checks signer certificates
#: with NSS's e-mail signer usage, so a certificate with an EKU needs emailProtection
#: to be accepted there; documentSigning says what the key is really for.
SIGNING_EKUS = frozenset({
    DOCUMENT_SIGNING,
    ExtendedKeyUsageOID.EMAIL_PROTECTION,
    ObjectIdentifier("1.2.840.113583.1.1.5"),  # Adobe Authentic Documents Trust
    ObjectIdentifier("1.3.6.1.4.1.311.10.3.12"),  # Microsoft document signing
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
})
_STORAGE_VERSION = 1
RSA_BITS = 3072


class SigningIdentityError(XinheError):
    code = "signing_identity"


class NotPkcs12(SigningIdentityError):
    code = "not_pkcs12"

    def __init__(self) -> None:
        super().__init__("该文件不是 PKCS#12（.p12 / .pfx）证书文件。",
                         "This file is not a PKCS#12 (.p12 / .pfx) certificate file.")


class Pkcs12WrongPassword(SigningIdentityError):
    code = "pkcs12_wrong_password"

    def __init__(self) -> None:
        super().__init__("证书文件的密码不正确。",
                         "The password for the certificate file is not correct.")


class Pkcs12NoKey(SigningIdentityError):
    code = "pkcs12_no_key"

    def __init__(self) -> None:
        super().__init__(
            "证书文件中没有私钥（或没有证书），无法用于签名。请导出包含私钥的 .p12 文件。",
            "The certificate file holds no private key (or no certificate), so it cannot "
            "sign. Export a .p12 file that includes the private key.",
        )


class KeyMismatch(SigningIdentityError):
    code = "key_mismatch"

    def __init__(self) -> None:
        super().__init__("证书文件中的私钥与证书不匹配。",
                         "The private key in the file does not belong to its certificate.")


class UnsupportedKey(SigningIdentityError):
    code = "unsupported_key"

    def __init__(self) -> None:
        super().__init__(
            "不支持该证书的密钥类型：请使用 RSA（至少 2048 位）或 ECDSA P-256/P-384 证书。",
            "This certificate's key type is not supported: use an RSA (2048 bits or more) "
            "or ECDSA P-256/P-384 certificate.",
        )


class CertificateExpired(SigningIdentityError):
    code = "certificate_expired"

    def __init__(self, not_after: datetime) -> None:
        day = not_after.astimezone().strftime("%Y-%m-%d")
        super().__init__(f"该证书已于 {day} 过期，不能再用于签名。",
                         f"This certificate expired on {day} and can no longer sign.")


class CertificateNotYetValid(SigningIdentityError):
    code = "certificate_not_yet_valid"

    def __init__(self, not_before: datetime) -> None:
        day = not_before.astimezone().strftime("%Y-%m-%d %H:%M")
        super().__init__(
            f"该证书要到 {day} 才生效。请检查本机时间，或稍后再导入。",
            f"This certificate is not valid before {day}. Check this computer's clock "
            "or import it later.",
        )


class CertificateWrongUsage(SigningIdentityError):
    code = "certificate_wrong_usage"

    def __init__(self) -> None:
        super().__init__(
            "该证书不允许用于文件签名（密钥用途需包含“数字签名”或“不可否认”，"
            "扩展用途需允许文档签名）。",
            "This certificate may not be used to sign documents (its key usage must "
            "include digital signature or non-repudiation, and any extended key usage "
            "must allow document signing).",
        )


class DamagedIdentity(SigningIdentityError):
    code = "damaged_identity"

    def __init__(self) -> None:
        super().__init__("保存的签名身份已损坏，请重新生成或导入。",
                         "The stored signing identity is damaged; generate or import it again.")


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


@dataclass(frozen=True, eq=False)
class SigningIdentity:
    """A certificate and its private key, checked to be fit for signing documents."""

    certificate: x509.Certificate
    private_key: SigningKey

    # -- creation -----------------------------------------------------------------------

    @classmethod
    def generate(cls, org_name: str, *, years: int = 5,
                 now: datetime | None = None) -> SigningIdentity:
        """A new self-signed RSA-3072 certificate for the studio, valid `years` years."""
        if not org_name.strip():
            raise ValueError("org_name must not be empty")
        start = _now(now).replace(microsecond=0)
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        name = x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, org_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        ])
        public = key.public_key()
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            # A little slack for receivers whose clocks run behind.
            .not_valid_before(start - timedelta(hours=1))
            .not_valid_after(start + timedelta(days=365 * years + years // 4))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(digital_signature=True, content_commitment=True,
                              key_encipherment=False, data_encipherment=False,
                              key_agreement=False, key_cert_sign=False, crl_sign=False,
                              encipher_only=False, decipher_only=False),
                critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(cert, key)

    @classmethod
    def import_pkcs12(cls, data: bytes, password: str | None, *,
                      now: datetime | None = None) -> SigningIdentity:
        """Load a .p12/.pfx file, refusing anything that could not sign a referral today."""
        try:
            asn1_pkcs12.Pfx.load(data).native  # noqa: B018 - parse fully to tell junk apart
        except Exception as exc:  # asn1crypto raises ValueError, TypeError, …
            raise NotPkcs12() from exc
        secret = password.encode("utf-8") if password else None
        try:
            key, cert, _extra = pkcs12.load_key_and_certificates(data, secret)
        except ValueError as exc:
            raise Pkcs12WrongPassword() from exc
        except TypeError as exc:  # a password was needed but none given
            raise Pkcs12WrongPassword() from exc
        if key is None or cert is None:
            raise Pkcs12NoKey()
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise UnsupportedKey()
        identity = cls(cert, key)
        identity.check_usable(now)
        return identity

    # -- checks -------------------------------------------------------------------------

    def check_usable(self, now: datetime | None = None) -> None:
        """Raise a `SigningIdentityError` unless this identity may sign at `now`."""
        key = self.private_key
        if isinstance(key, rsa.RSAPrivateKey):
            if key.key_size < 2048:
                raise UnsupportedKey()
        elif not isinstance(key.curve, ec.SECP256R1 | ec.SECP384R1):
            raise UnsupportedKey()
        if _public_der(key.public_key()) != _public_der(self.certificate.public_key()):
            raise KeyMismatch()
        moment = _now(now)
        if moment < self.not_before:
            raise CertificateNotYetValid(self.not_before)
        if moment > self.not_after:
            raise CertificateExpired(self.not_after)
        if not signing_usage_ok(self.certificate):
            raise CertificateWrongUsage()

    # -- facts for people and receivers ---------------------------------------------------

    @property
    def not_before(self) -> datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc

    def subject_name(self) -> str:
        """The certificate's common name (the studio), or its whole subject if it has none."""
        return subject_common_name(self.certificate)

    def fingerprint_sha256(self) -> str:
        """Lower-case hex SHA-256 of the certificate (what a receiver compares by phone)."""
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def key_pkcs8_der(self) -> bytes:
        return self.private_key.private_bytes(serialization.Encoding.DER,
                                              serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption())

    # -- storage inside the vault -----------------------------------------------------------

    def to_private_bytes(self) -> bytes:
        """Key and certificate, UNENCRYPTED: store only inside the encrypted vault."""
        doc = {"v": _STORAGE_VERSION,
               "key": base64.b64encode(self.key_pkcs8_der()).decode("ascii"),
               "cert": base64.b64encode(self.cert_der()).decode("ascii")}
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("ascii")

    @classmethod
    def from_private_bytes(cls, data: bytes) -> SigningIdentity:
        """The identity `to_private_bytes` stored in the vault; DamagedIdentity otherwise."""
        try:
            doc: Any = json.loads(data)
            if doc.get("v") != _STORAGE_VERSION:
                raise ValueError("unknown storage version")
            # No RSA consistency check (~120 ms holding the GIL, which froze the UI thread):
            # this key was generated here, or checked by the PKCS#12 loader on import, and
            # comes back out of the encrypted, authenticated vault; the public key is still
            # compared with the certificate's below.
            key = serialization.load_der_private_key(base64.b64decode(doc["key"]), None,
                                                     unsafe_skip_rsa_key_validation=True)
            cert = x509.load_der_x509_certificate(base64.b64decode(doc["cert"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DamagedIdentity() from exc
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise DamagedIdentity()
        if _public_der(key.public_key()) != _public_der(cert.public_key()):
            raise DamagedIdentity()
        return cls(cert, key)


def _public_der(public: Any) -> bytes:
    der: bytes = public.public_bytes(serialization.Encoding.DER,
                                     serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def signing_usage_ok(cert: x509.Certificate) -> bool:
    """KeyUsage has digitalSignature or nonRepudiation; any EKU allows document signing."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    if not (usage.digital_signature or usage.content_commitment):
        return False
    try:
        ekus = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return any(oid in SIGNING_EKUS for oid in ekus)


def subject_common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        value = names[0].value
        return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return cert.subject.rfc4514_string()


def fingerprint_sha256(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
