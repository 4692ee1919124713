"""Every file a command reads, malformed: the command says why in one line on stderr and
exits non-zero (or succeeds where the input happens to be valid), never shows a
traceback, and leaves the vault as it was.

The files, from reading xinhe/cli/: keyslots.json and vault.db (every vault command),
backups (`restore`, `restore --check`), templates (`templates check DIR` and the studio's
own template folder), referral PDFs and trust certificates (`verify`), the referral
field policy (`referral policy --set`) and PKCS#12 certificates (`signing-identity import`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ADMIN_PASSWORD, InMemoryKeyring, Studio
from test_cli import Run
from tests.referral_fixtures import P12_PASSWORD, p12_bytes, studio_identity
from tests.referral_samples import police_packet
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.export.pdf import build_referral_pdf
from xinhe.export.sign import sign_pdf
from xinhe.paths import resources_dir
from xinhe.records import backup
from xinhe.records.referral_policy import load_policy
from xinhe.records.signing_store import SigningStore
from xinhe.records.vault import VaultFolder

FEW = settings(max_examples=20, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
WANG = Studio.PASSWORDS["wang"]
UNEXPECTED = ("意外错误", "unexpected error")


@dataclass(repr=False)
class Lab:
    """A pristine vault (copied for each example) and a valid file of every kind."""

    root: Path
    binding: DeviceBinding
    pristine: Path
    own_templates: Path  # the studio's own template folder, set in the vault
    backup_file: bytes
    recovery_key: str
    template: bytes
    policy: bytes
    pdf: bytes
    trust: bytes
    p12: bytes
    counter: itertools.count  # type: ignore[type-arg]

    def __repr__(self) -> str:  # hypothesis prints it with every failing example
        return f"Lab({self.root})"

    def fresh(self) -> Path:
        """A copy of the pristine vault, in a folder of its own, and an empty template
        folder."""
        place = self.root / f"ex{next(self.counter)}"
        shutil.copytree(self.pristine, place / "vault")
        shutil.rmtree(self.own_templates, ignore_errors=True)
        self.own_templates.mkdir()
        return place / "vault"

    def folder(self, vault_dir: Path) -> VaultFolder:
        return VaultFolder(vault_dir, self.binding, kdf=KdfParams.cheap_for_tests())


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    root = tmp_path_factory.mktemp("malformed")
    binding = DeviceBinding(InMemoryKeyring())
    folder = VaultFolder(root / "pristine" / "vault", binding, kdf=KdfParams.cheap_for_tests())
    vault, recovery_key = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    studio = Studio(folder, vault)
    studio.new_case(studio.wang)
    own = root / "own-templates"
    vault.set_setting("template_folder", str(own))
    made = backup.make_backup(vault, root / "valid.xhbak")
    studio.close()
    identity = studio_identity()
    pdf = sign_pdf(build_referral_pdf(police_packet(with_photo=False)), identity,
                   signer_name="陈静", reason="转介", location="深圳")
    from cryptography.hazmat.primitives.serialization import Encoding

    p12 = p12_bytes(identity, P12_PASSWORD)
    return Lab(root, binding, folder.path, own, made.path.read_bytes(), recovery_key,
               (resources_dir() / "templates" / "phq9.json").read_bytes(),
               (resources_dir() / "referral_policy.json").read_bytes(), pdf,
               identity.certificate.public_bytes(Encoding.PEM), p12, itertools.count())


# -- malformed content -------------------------------------------------------------------

def mutations(valid: bytes) -> st.SearchStrategy[bytes]:
    """A valid file with bits flipped, cut short, or with junk spliced in; or junk.
    (Never the valid file itself: two flips of one bit cancel out.)"""
    def flip(edits: list[tuple[int, int]]) -> bytes:
        data = bytearray(valid)
        for where, mask in edits:
            data[where % len(data)] ^= mask
        return bytes(data)

    return st.one_of(
        st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(1, 255)),
                 min_size=1, max_size=4).map(flip),
        st.integers(0, len(valid) - 1).map(lambda n: valid[:n]),
        st.tuples(st.integers(0, len(valid)), st.binary(min_size=1, max_size=64)).map(
            lambda t: valid[:t[0]] + t[1] + valid[t[0]:]),
        st.binary(max_size=600)).filter(lambda data: data != valid)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=16)


def json_mutations(valid: bytes) -> st.SearchStrategy[bytes]:
    """Also: any JSON; the valid document with one key's value replaced; deep nesting."""
    doc = json.loads(valid)

    def replace_one(pick: tuple[int, object]) -> bytes:
        changed = dict(doc)
        keys = sorted(changed)
        changed[keys[pick[0] % len(keys)]] = pick[1]
        return json.dumps(changed, ensure_ascii=False).encode()

    deep = st.sampled_from([b"[", b'{"a":']).flatmap(
        lambda opener: st.integers(2_000, 60_000).map(lambda n: opener * n))
    return st.one_of(mutations(valid), JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                     st.tuples(st.integers(0, 100), JSON_VALUES).map(replace_one), deep)


# -- the property ---------------------------------------------------------------------------

def files_of(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def records_of(lab: Lab, vault_dir: Path) -> tuple[object, ...]:
    """What a command may not change when it fails after signing in: the records, the
    settings, the field policy and the signing identity."""
    vault = lab.folder(vault_dir).unlock("admin", ADMIN_PASSWORD)
    try:
        counts = backup.read_snapshot(vault.db).counts
        counts.pop("audit_event")
        settings_rows = vault.db.all("SELECT key, value FROM settings ORDER BY key")
        identity = SigningStore(vault).current()
        return (counts, [tuple(r) for r in settings_rows], load_policy(vault).to_json(),
                identity.fingerprint if identity else None)
    finally:
        vault.close()


def one_line_or_success(code: int, err: str) -> None:
    assert "Traceback" not in err
    if code == 0:
        assert err == ""
        return
    assert err.count("\n") == 1 and err.endswith("\n") and err.strip(), err
    # A malformed file is a foreseen problem: it gets its own message, not the catch-all.
    assert not any(word in err for word in UNEXPECTED), err


def unchanged_files(lab: Lab, vault_dir: Path, run: Callable[[], tuple[int, str, str]]) -> int:
    before = files_of(vault_dir)
    code, _, err = run()
    one_line_or_success(code, err)
    if code != 0:
        assert files_of(vault_dir) == before
    return code


# -- one test per kind of file ----------------------------------------------------------------

# Commands the administrator may run, so that a file that happens to be valid succeeds.
VAULT_COMMANDS = [("users", "list"), ("check",), ("audit", "verify"), ("passwd",), ("rekey",),
                  ("backup",), ("signing-identity", "show"), ("referral", "policy")]


@FEW
@given(data=st.data(), command=st.sampled_from(VAULT_COMMANDS))
def test_a_malformed_keyslots_file(lab: Lab, data: st.DataObject,
                                   command: tuple[str, ...]) -> None:
    vault_dir = lab.fresh()
    slots = vault_dir / "keyslots.json"
    slots.write_bytes(data.draw(json_mutations(slots.read_bytes())))
    run = Run(vault_dir, lab.binding)
    unchanged_files(lab, vault_dir, lambda: run(*command, "--user", "admin",
                                                stdin=f"{ADMIN_PASSWORD}\nnew-pass-12\n"))


@FEW
@given(data=st.data(), command=st.sampled_from(VAULT_COMMANDS))
def test_a_malformed_vault_database(lab: Lab, data: st.DataObject,
                                    command: tuple[str, ...]) -> None:
    """Damage to the first page (read at every unlock), cut short, empty, or junk."""
    vault_dir = lab.fresh()
    db = vault_dir / "vault.db"
    valid = db.read_bytes()
    first = data.draw(st.one_of(mutations(valid[:4096]).filter(lambda b: len(b) == 4096),
                                st.binary(max_size=5000), st.integers(0, 4095).map(
                                    lambda n: valid[:n])))
    db.write_bytes(first + valid[4096:] if len(first) == 4096 else first)
    run = Run(vault_dir, lab.binding)
    code = unchanged_files(lab, vault_dir, lambda: run(*command, "--user", "admin",
                                                       stdin=f"{ADMIN_PASSWORD}\nnew-pass-12\n"))
    assert code != 0


@FEW
@given(data=st.data(), check_only=st.booleans())
def test_a_malformed_backup(lab: Lab, data: st.DataObject, check_only: bool) -> None:
    vault_dir = lab.fresh()
    bad = vault_dir.parent / "bad.xhbak"
    bad.write_bytes(data.draw(mutations(lab.backup_file)))
    target = vault_dir if check_only else vault_dir.parent / "restored"
    run = Run(target, lab.binding)
    argv = ("restore", str(bad), "--check") if check_only else ("restore", str(bad))
    code = unchanged_files(lab, vault_dir, lambda: run(*argv, stdin=lab.recovery_key + "\n"))
    if code != 0 and not check_only:
        assert not target.exists() and not (target.parent / ".restored.restore").exists()


@FEW
@given(data=st.data())
def test_malformed_templates(lab: Lab, data: st.DataObject) -> None:
    """In a folder being checked, and in the studio's own folder that commands load."""
    vault_dir = lab.fresh()
    own = lab.own_templates
    (own / "bad.json").write_bytes(data.draw(json_mutations(lab.template)))
    run = Run(vault_dir, lab.binding)
    code, out, err = run("templates", "check", str(own))
    one_line_or_success(code, err)
    assert code != 0 or "bad.json" not in out
    # The shipped templates still serve; a broken extra one does not stop the work.
    code = unchanged_files(lab, vault_dir, lambda: run("cases", "list", "--user", "wang",
                                                       stdin=WANG + "\n"))
    assert code == 0


@FEW
@given(data=st.data(), which=st.sampled_from(["pdf", "trust"]))
def test_a_malformed_referral_pdf_or_trust_file(lab: Lab, data: st.DataObject,
                                                which: str) -> None:
    folder = lab.fresh().parent
    pdf, trust = folder / "packet.pdf", folder / "studio.pem"
    pdf.write_bytes(data.draw(mutations(lab.pdf)) if which == "pdf" else lab.pdf)
    trust.write_bytes(data.draw(mutations(lab.trust)) if which == "trust" else lab.trust)
    code, out, err = Run(folder / "vault", lab.binding)("verify", str(pdf), "--trust",
                                                        str(trust))
    one_line_or_success(code, err)


@FEW
@given(data=st.data())
def test_a_malformed_referral_policy(lab: Lab, data: st.DataObject) -> None:
    vault_dir = lab.fresh()
    policy = vault_dir.parent / "policy.json"
    policy.write_bytes(data.draw(json_mutations(lab.policy)))
    before = records_of(lab, vault_dir)
    code, _, err = Run(vault_dir, lab.binding)("referral", "policy", "--set", str(policy),
                                               "--user", "admin", stdin=ADMIN_PASSWORD + "\n")
    one_line_or_success(code, err)
    if code != 0:
        assert records_of(lab, vault_dir) == before


@FEW
@given(data=st.data())
def test_a_malformed_pkcs12_certificate(lab: Lab, data: st.DataObject) -> None:
    vault_dir = lab.fresh()
    p12 = vault_dir.parent / "studio.p12"
    p12.write_bytes(data.draw(mutations(lab.p12)))
    before = records_of(lab, vault_dir)
    code, _, err = Run(vault_dir, lab.binding)("signing-identity", "import", str(p12),
                                               "--user", "admin",
                                               stdin=f"{ADMIN_PASSWORD}\n{P12_PASSWORD}\n")
    one_line_or_success(code, err)
    if code != 0:
        assert records_of(lab, vault_dir) == before
