"""RDFC-1.0, not URDNA2015: the two differ in how N-Quads escape control characters, and
that difference reaches the blank-node labels, which is why we canonicalize with
pyoxigraph rather than patch pyld's output."""

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from pyld import jsonld

from credits.certification.credentials import verification
from credits.certification.credentials.signing import (
    SigningError,
    canonical_nquads,
    sign_credential,
)
from credits.certification.credentials.verification import verify_proof
from tests.credentials.helpers import Issuer

EVERY_SPECIAL = 'a\x00\x01\x07\x08\t\n\x0b\x0c\r\x0e\x1f"\\\x7fé😀'
# RDFC-1.0 §4 (canonical N-Quads): \b \t \n \f \r \" \\ as ECHAR; the other characters in
# U+0000-U+001F and U+007F as UCHAR with upper-case hex; everything else, non-ASCII
# included, as itself.
EXPECTED_LITERAL = r"a\u0000\u0001\u0007\b\t\n\u000B\f\r\u000E\u001F\"\\\u007F" + "é😀"


def _one_literal(value: str) -> dict:
    return {
        "@context": {"note": "https://example.org/note"},
        "@id": "https://example.org/s",
        "note": value,
    }


def test_signer_escapes_control_characters_as_rdfc_1_0():
    assert canonical_nquads(_one_literal(EVERY_SPECIAL)) == (
        f'<https://example.org/s> <https://example.org/note> "{EXPECTED_LITERAL}" .\n'
    )


def test_verifier_escapes_control_characters_as_rdfc_1_0():
    assert verification._rdfc10(_one_literal(EVERY_SPECIAL)) == (
        f'<https://example.org/s> <https://example.org/note> "{EXPECTED_LITERAL}" .\n'
    )


def test_urdna2015_in_pyld_leaves_control_characters_raw():
    """The reason pyld's own canonicalization is not used for eddsa-rdfc-2022."""
    urdna = jsonld.normalize(
        _one_literal("\x01\x08"), {"algorithm": "URDNA2015", "format": "application/n-quads"}
    )

    assert '"\x01\x08"' in urdna
    assert '"\\u0001\\b"' in canonical_nquads(_one_literal("\x01\x08"))


def _first_degree_hash(literal_as_written: str) -> str:
    """RDFC-1.0 §4.6 by hand for a blank node with one incoming and one outgoing quad."""
    quads = sorted(
        [
            "<https://example.org/s> <https://example.org/knows> _:a .\n",
            f'_:a <https://example.org/note> "{literal_as_written}" .\n',
        ]
    )
    return hashlib.sha256("".join(quads).encode("utf-8")).hexdigest()


def test_escaping_decides_blank_node_labels_so_urdna2015_output_cannot_be_patched():
    document = {
        "@context": {
            "note": "https://example.org/note",
            "knows": "https://example.org/knows",
        },
        "@id": "https://example.org/s",
        "knows": [{"note": "\x011"}, {"note": "\x021"}],
    }
    # By hand: with RDFC-1.0 escaping the \x01 node hashes lower, so it becomes c14n0;
    # with URDNA2015's raw characters the \x02 node would.
    assert _first_degree_hash(r"\u00011") < _first_degree_hash(r"\u00021")
    assert _first_degree_hash("\x011") > _first_degree_hash("\x021")

    canonical = canonical_nquads(document)

    assert '_:c14n0 <https://example.org/note> "\\u00011" .\n' in canonical
    urdna = jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads"})
    assert '_:c14n0 <https://example.org/note> "\x021" .\n' in urdna


def test_credential_with_control_characters_signs_and_verifies(issuer: Issuer):
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://nightschool.example/credentials/odd",
        "type": ["VerifiableCredential"],
        "issuer": issuer.issuer_id,
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Tab\there, bell\x07 there\x0c",
        "credentialSubject": {"id": "https://nightschool.example/learners/1"},
    }
    signed = issuer.sign(document)

    assert verify_proof(signed, resolve_key=issuer.resolve_key).ok
    signed["name"] = "Tab\there, bell there\x0c"
    assert verify_proof(signed, resolve_key=issuer.resolve_key).failure_codes == [
        "signature_invalid"
    ]


def test_created_is_written_as_an_xsd_datetime_in_utc(issuer: Issuer):
    accra_evening = datetime(2026, 3, 2, 21, 30, 15, 999, tzinfo=timezone(timedelta(hours=3)))

    signed = sign_credential(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": issuer.issuer_id,
            "credentialSubject": {"id": "https://nightschool.example/learners/1"},
        },
        private_key=issuer.private_key,
        verification_method=issuer.method,
        created=accra_evening,
    )

    assert signed["proof"][0]["created"] == "2026-03-02T18:30:15Z"


def test_a_naive_created_time_is_refused(issuer: Issuer):
    with pytest.raises(SigningError, match="timezone-aware"):
        sign_credential(
            {"@context": ["https://www.w3.org/ns/credentials/v2"]},
            private_key=issuer.private_key,
            verification_method=issuer.method,
            created=datetime(2026, 3, 2, 21, 30),
        )
