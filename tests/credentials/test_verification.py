"""Verification from the side of the one who must be refused: each forgery or stale
credential fails, with the code that says why."""

import ast
import base64
import copy
import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from credits.certification.credentials import signing, verification
from credits.certification.credentials.builder import issuer_url
from credits.certification.credentials.verification import verify_credential, verify_proof
from tests.credentials.helpers import (
    NOW,
    STATUS_INDEX,
    STATUS_LIST,
    Issuer,
    build_certificate,
)


def verify(document, issuer: Issuer, now: datetime = NOW):
    return verify_credential(
        document,
        resolve_key=issuer.resolve_key,
        resolve_status_list=issuer.resolve_status_list,
        now=now,
    )


def _imported_modules(module) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_verification_and_signing_share_no_code():
    assert not [name for name in _imported_modules(verification) if "signing" in name]
    assert not [name for name in _imported_modules(signing) if "verification" in name]


@pytest.mark.parametrize(
    ("path", "forged"),
    [
        (("credentialSubject", "result", 0, "value"), "40"),
        (("credentialSubject", "result", 1, "value"), "1800"),
        (("credentialSubject", "achievement", "name"), "Advanced food safety"),
        (("name",), "Advanced food safety"),
        (("credentialSubject", "identifier", 1, "identityHash"), "sha256$00"),
        (("credentialSubject", "activityStartDate"), "2025-01-05T19:00:00Z"),
        (("credentialStatus", "statusListIndex"), "1"),
        (("validFrom",), "2026-01-02T09:30:00Z"),
    ],
)
def test_any_altered_field_breaks_the_signature(issuer: Issuer, signed: dict, path, forged):
    target = signed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = forged

    result = verify(signed, issuer)

    assert result.failure_codes == ["signature_invalid"]
    assert "altered" in result.failures[0].message


def test_altered_proof_options_break_the_signature(issuer: Issuer, signed: dict):
    signed["proof"][0]["created"] = "2020-01-01T00:00:00Z"

    assert verify(signed, issuer).failure_codes == ["signature_invalid"]


def test_signature_by_another_key_is_refused(issuer: Issuer, certificate: dict):
    impostor = Issuer()
    issuer.publish_status_list(set())
    forged = impostor.sign(certificate, method=issuer.method)

    assert verify(forged, issuer).failure_codes == ["signature_invalid"]


def test_unknown_key_is_refused(issuer: Issuer, signed: dict):
    result = verify(signed, Issuer())

    assert "key_unresolved" in result.failure_codes


def test_revoked_credential_fails_as_revoked(issuer: Issuer, signed: dict):
    issuer.publish_status_list({STATUS_INDEX})

    result = verify(signed, issuer)

    assert result.failure_codes == ["revoked"]
    assert result.failures[0].message == "The issuer has revoked this credential."


def test_other_revocations_in_the_list_do_not_touch_this_credential(issuer: Issuer, signed: dict):
    issuer.publish_status_list({STATUS_INDEX - 1, STATUS_INDEX + 1, 0, 131_071})

    assert verify(signed, issuer).ok


def test_tampered_status_list_is_not_trusted(issuer: Issuer, signed: dict):
    status_list = issuer.publish_status_list({STATUS_INDEX})
    cleared = base64.urlsafe_b64encode(gzip.compress(bytes(131_072 // 8), mtime=0))
    status_list["credentialSubject"]["encodedList"] = "u" + cleared.rstrip(b"=").decode()

    result = verify(signed, issuer)

    assert result.failure_codes == ["status_list_invalid"]
    assert "altered" in result.failures[0].message


def test_unsigned_status_list_is_not_trusted(issuer: Issuer, signed: dict):
    del issuer.status_lists[STATUS_LIST]["proof"]

    assert verify(signed, issuer).failure_codes == ["status_list_invalid"]


def test_another_valid_list_of_the_same_issuer_cannot_stand_in(issuer: Issuer, signed: dict):
    issuer.publish_status_list({STATUS_INDEX})
    clean_other = issuer.publish_status_list(set(), url=STATUS_LIST + "-other")
    issuer.status_lists[STATUS_LIST] = clean_other

    result = verify(signed, issuer)

    assert result.failure_codes == ["status_list_invalid"]
    assert "is not" in result.failures[0].message


def test_status_list_signed_by_another_issuer_is_refused(issuer: Issuer, signed: dict):
    other = Issuer(issuer_url("https://nightschool.example", 99))
    other.publish_status_list(set(), url=STATUS_LIST)
    issuer.status_lists[STATUS_LIST] = other.status_lists[STATUS_LIST]

    def either_key(method: str) -> bytes | None:
        return issuer.resolve_key(method) or other.resolve_key(method)

    result = verify_credential(
        signed, resolve_key=either_key, resolve_status_list=issuer.resolve_status_list, now=NOW
    )

    assert result.failure_codes == ["status_list_issuer_mismatch"]


def test_missing_status_list_fails_closed(issuer: Issuer, signed: dict):
    issuer.status_lists.clear()

    assert verify(signed, issuer).failure_codes == ["status_list_unavailable"]


def test_status_index_beyond_the_list_is_refused(issuer: Issuer):
    issuer.publish_status_list(set())
    signed = issuer.sign(build_certificate(status_index=131_072))

    assert verify(signed, issuer).failure_codes == ["status_index_out_of_range"]


def test_a_status_list_shorter_than_the_minimum_is_refused(issuer: Issuer, signed: dict):
    short = base64.urlsafe_b64encode(gzip.compress(bytes(1024), mtime=0)).rstrip(b"=")
    status_list = issuer.publish_status_list(set())
    del status_list["proof"]
    status_list["credentialSubject"]["encodedList"] = "u" + short.decode()
    issuer.status_lists[STATUS_LIST] = issuer.sign(status_list)

    assert verify(signed, issuer).failure_codes == ["status_list_malformed"]


def test_a_gzip_bomb_status_list_is_refused_without_inflating_it(issuer: Issuer, signed: dict):
    bomb = base64.urlsafe_b64encode(gzip.compress(bytes(64 * 1024 * 1024), mtime=0))
    status_list = issuer.publish_status_list(set())
    del status_list["proof"]
    status_list["credentialSubject"]["encodedList"] = "u" + bomb.rstrip(b"=").decode()
    issuer.status_lists[STATUS_LIST] = issuer.sign(status_list)

    result = verify(signed, issuer)

    assert result.failure_codes == ["status_list_malformed"]
    assert "larger" in result.failures[0].message


def test_credential_of_another_issuer_made_with_our_key_id_is_refused(
    issuer: Issuer, certificate: dict
):
    """Even a genuine signature by our key does not make us vouch for a credential that
    names someone else as issuer."""
    issuer.publish_status_list(set())
    certificate["issuer"]["id"] = "https://diploma-mill.example/issuers/1"
    forged = issuer.sign(certificate)

    result = verify(forged, issuer)

    assert "issuer_mismatch" in result.failure_codes
    assert "signature_invalid" not in result.failure_codes
    assert "diploma-mill" in result.failures[0].message


def test_expired_credential_is_refused(issuer: Issuer):
    issuer.publish_status_list(set())
    signed = issuer.sign(build_certificate(valid_until=NOW - timedelta(days=1)))

    assert verify(signed, issuer).failure_codes == ["expired"]
    assert verify(signed, issuer, now=NOW - timedelta(days=2)).ok


def test_credential_before_its_validity_is_refused(issuer: Issuer, signed: dict):
    result = verify(signed, issuer, now=datetime(2026, 3, 1, tzinfo=UTC))

    assert result.failure_codes == ["not_yet_valid"]


def test_unsigned_credential_is_refused(issuer: Issuer, certificate: dict):
    issuer.publish_status_list(set())

    assert "proof_missing" in verify(certificate, issuer).failure_codes


def test_proof_as_a_single_object_is_still_verified(issuer: Issuer, signed: dict):
    signed["proof"] = signed["proof"][0]

    result = verify_proof(signed, resolve_key=issuer.resolve_key)

    assert result.ok, result.failures


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("cryptosuite", "ecdsa-rdfc-2019", "cryptosuite_unsupported"),
        ("proofPurpose", "authentication", "proof_malformed"),
        ("type", "Ed25519Signature2020", "proof_malformed"),
        ("proofValue", "not-multibase", "proof_value_malformed"),
        ("created", "yesterday", "proof_malformed"),
    ],
)
def test_malformed_or_unsupported_proofs_are_named(issuer, signed, field, value, code):
    signed["proof"][0][field] = value

    assert code in verify_proof(signed, resolve_key=issuer.resolve_key).failure_codes


@pytest.mark.parametrize("document", [None, [], "credential", 42, {"proof": "x"}])
def test_garbage_is_reported_not_raised(issuer: Issuer, document):
    assert not verify(copy.deepcopy(document), issuer).ok
