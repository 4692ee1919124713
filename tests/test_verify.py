"""The receiving side's rule: what `verify_pdf` accepts, and each way it refuses."""

from __future__ import annotations

import hashlib
import io
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from reportlab.pdfgen.canvas import Canvas

from tests.referral_samples import SHENZHEN, police_packet
from xinhe.crypto.signing import SigningIdentity
from xinhe.export.fonts import register_font
from xinhe.export.pdf import build_referral_pdf
from xinhe.export.sign import SigningFailed, sign_pdf
from xinhe.export.verify import REASONS, TrustFileError, load_trust, verify_pdf
from xinhe.records.packet_contract import ReferralPacket

STUDIO = "馨和家园工作室"
SIGNED_AT = datetime(2026, 3, 2, 10, 15, tzinfo=SHENZHEN)
ISSUED = datetime(2026, 1, 5, tzinfo=SHENZHEN)


def sign(pdf: bytes, identity: SigningIdentity) -> bytes:
    return sign_pdf(pdf, identity, signer_name="陈静", reason="转介", location="深圳市宝安区",
                    signing_time=SIGNED_AT)


@pytest.fixture(scope="module")
def identity() -> SigningIdentity:
    return SigningIdentity.generate(STUDIO, now=ISSUED)


@pytest.fixture(scope="module")
def packet() -> ReferralPacket:
    return police_packet(with_photo=False)


@pytest.fixture(scope="module")
def unsigned(packet: ReferralPacket) -> bytes:
    return build_referral_pdf(packet)


@pytest.fixture(scope="module")
def signed(unsigned: bytes, identity: SigningIdentity) -> bytes:
    return sign(unsigned, identity)


@pytest.fixture(scope="module")
def trust(identity: SigningIdentity, tmp_path_factory: pytest.TempPathFactory
          ) -> list[asn1_x509.Certificate]:
    path = tmp_path_factory.mktemp("trust") / "studio.pem"
    path.write_bytes(identity.cert_pem())
    return load_trust(path)


def refused(result_code: str, data: bytes, trust: list[asn1_x509.Certificate] | None = None
            ) -> None:
    result = verify_pdf(data, trust)
    assert not result.ok
    assert result.code == result_code, result
    assert result.reason == f"{REASONS[result_code][0]} / {REASONS[result_code][1]}"
    assert "\n" not in result.reason


def appended(signed: bytes, change: str) -> bytes:
    """An incremental update after the signature, as an attacker's tool would append it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    if change == "content":
        stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 500 300 60 re f Q")
        writer.add_stream_to_page(0, writer.add_object(stream))
    else:
        annot = writer.add_object(generic.DictionaryObject({
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Square"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (100, 500, 400, 560)]),
            generic.pdf_name("/C"): generic.ArrayObject([generic.FloatObject(1)] * 3),
            generic.pdf_name("/P"): page_ref,
        }))
        annots = page.get("/Annots", generic.ArrayObject())
        annots = annots.get_object() if hasattr(annots, "get_object") else annots
        annots.append(annot)
        page[generic.pdf_name("/Annots")] = annots
        writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- accepted ---------------------------------------------------------------------------------


def test_a_good_packet_is_accepted_with_its_facts(signed: bytes, identity: SigningIdentity,
                                                  packet: ReferralPacket,
                                                  trust: list[asn1_x509.Certificate]) -> None:
    for anchors in (None, trust):
        result = verify_pdf(signed, anchors)
        assert result.ok and result.code == "ok" and result.reason == ""
        assert result.signer == STUDIO
        assert result.signer_name == "陈静"
        assert result.signing_time == SIGNED_AT
        assert result.referral_no == "XH-2026-0042"
        assert result.agency == "police"
        assert result.json_sha256 == hashlib.sha256(packet.json_bytes()).hexdigest()
        assert result.cert_fingerprint == identity.fingerprint_sha256()
        assert result.trusted is (anchors is not None)


def test_trust_accepts_cryptography_certificates_too(signed: bytes,
                                                     identity: SigningIdentity) -> None:
    assert verify_pdf(signed, [identity.certificate]).trusted


# -- refused ----------------------------------------------------------------------------------


def test_not_a_pdf() -> None:
    refused("not_pdf", b"")
    refused("not_pdf", "转介函.docx".encode() * 50)
    refused("not_pdf", b"PK\x03\x04 a zip file")


def test_unsigned(unsigned: bytes) -> None:
    refused("unsigned", unsigned)


def test_signed_twice(signed: bytes, identity: SigningIdentity) -> None:
    key = asn1_keys.PrivateKeyInfo.load(identity.key_pkcs8_der())
    cert = asn1_x509.Certificate.load(identity.cert_der())
    second = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(signed)),
        signers.PdfSignatureMetadata(field_name="Second"),
        signer=signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=None),
    ).getvalue()
    refused("multiple_signatures", second)


def test_flipped_byte_in_the_signed_range(signed: bytes, trust: list[asn1_x509.Certificate]
                                          ) -> None:
    at = signed.index(b"XH-2026-0042")  # the /Title, well inside the first signed range
    tampered = bytearray(signed)
    tampered[at + 11] ^= 0x01  # ...0042 → ...0043
    refused("altered", bytes(tampered))
    refused("altered", bytes(tampered), trust)


def test_appended_page_content_change(signed: bytes, trust: list[asn1_x509.Certificate],
                                      tmp_path: Path) -> None:
    changed = appended(signed, "content")
    refused("modified_after_signing", changed)
    refused("modified_after_signing", changed, trust)


def test_appended_annotation(signed: bytes) -> None:
    refused("modified_after_signing", appended(signed, "annotation"))


def test_pdfsig_alone_would_miss_an_appended_change(signed: bytes, tmp_path: Path) -> None:
    """Why verify_pdf exists: poppler still calls the signature valid (and exits 0)."""
    path = tmp_path / "changed.pdf"
    path.write_bytes(appended(signed, "content"))
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert done.returncode == 0
    assert "Signature is Valid" in done.stdout
    assert "Total document signed" not in done.stdout


def test_an_imported_ec_identity_signs_and_verifies(unsigned: bytes) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, STUDIO)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(ISSUED).not_valid_after(ISSUED + timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(
        b"ec", key, cert, None, serialization.BestAvailableEncryption(b"pw"))
    identity = SigningIdentity.import_pkcs12(data, "pw", now=SIGNED_AT)
    result = verify_pdf(sign(unsigned, identity), [cert])
    assert result.ok and result.trusted, result


def test_bytes_appended_after_the_signature(signed: bytes) -> None:
    refused("modified_after_signing", signed + b"\n% appended\n" * 300)


def test_truncated(signed: bytes) -> None:
    refused("truncated", signed[:-200])
    refused("truncated", signed[: len(signed) // 2])
    # cut just the end of file marker but keep the byte range's length: still incomplete
    refused("truncated", signed[: signed.rindex(b"%%EOF")])


def test_forgery_under_the_same_name_is_refused_only_with_trust(
        unsigned: bytes, identity: SigningIdentity,
        trust: list[asn1_x509.Certificate]) -> None:
    forger = SigningIdentity.generate(STUDIO, now=ISSUED)
    forged = sign(unsigned, forger)
    assert forger.subject_name() == identity.subject_name()
    loose = verify_pdf(forged)  # intact and valid: only trust tells it apart...
    assert loose.ok and not loose.trusted
    assert loose.cert_fingerprint != identity.fingerprint_sha256()  # ...or the fingerprint
    refused("untrusted", forged, trust)


def test_a_signed_pdf_without_referral_json(identity: SigningIdentity) -> None:
    out = io.BytesIO()
    canvas = Canvas(out, initialFontName=register_font())
    canvas.drawString(100, 700, "不是转介文件")
    canvas.showPage()
    canvas.save()
    signed_other = sign(out.getvalue(), identity)  # sign_pdf adds its own field here
    refused("no_referral_json", signed_other)


def test_signing_a_signed_file_again_is_refused(signed: bytes,
                                               identity: SigningIdentity) -> None:
    with pytest.raises(SigningFailed) as err:
        sign(signed, identity)
    assert "已经签过名" in err.value.zh


def test_expired_identity_is_refused_by_the_signer(unsigned: bytes,
                                                   identity: SigningIdentity) -> None:
    from xinhe.crypto.signing import CertificateExpired

    with pytest.raises(CertificateExpired):
        sign_pdf(unsigned, identity, signer_name="陈静", reason="r", location="l",
                 signing_time=identity.not_after.replace(year=identity.not_after.year + 1))


# -- trust files ------------------------------------------------------------------------------


def test_load_trust_pem_der_and_junk(identity: SigningIdentity, tmp_path: Path) -> None:
    pem = tmp_path / "studio.pem"
    pem.write_bytes(identity.cert_pem() + identity.cert_pem())
    assert len(load_trust(pem)) == 2
    der = tmp_path / "studio.cer"
    der.write_bytes(identity.cert_der())
    [cert] = load_trust(der)
    assert hashlib.sha256(cert.dump()).hexdigest() == identity.fingerprint_sha256()
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a certificate")
    with pytest.raises(TrustFileError) as err:
        load_trust(junk)
    assert "junk.pem" in err.value.zh
    with pytest.raises(TrustFileError):
        load_trust(tmp_path / "missing.pem")
