"""The published eddsa-rdfc-2022 vectors: the signer must reproduce them byte for byte and
the verifier must accept them."""

import copy
from datetime import datetime

from credits.certification.credentials.multikey import (
    private_key_from_multikey,
    public_key_bytes_from_multikey,
)
from credits.certification.credentials.signing import sign_credential
from credits.certification.credentials.verification import verify_credential, verify_proof
from tests.credentials.helpers import load_vector


def _w3c_key_resolver(method: str) -> bytes | None:
    key_pair = load_vector("w3c-keyPair.json")
    did_key = f"did:key:{key_pair['publicKeyMultibase']}#{key_pair['publicKeyMultibase']}"
    if method != did_key:
        return None
    return public_key_bytes_from_multikey(key_pair["publicKeyMultibase"])


def _fragment_key_resolver(method: str) -> bytes | None:
    """The 1EdTech example names its key in the fragment of an https key id. Trusting a key
    because the document names it proves only that the document is self-consistent;
    production resolves keys from the issuer, never from the credential."""
    return public_key_bytes_from_multikey(method.partition("#")[2])


def test_signer_reproduces_the_w3c_vector_proof_value():
    vector = load_vector("w3c-eddsa-rdfc-2022-signed.json")
    key_pair = load_vector("w3c-keyPair.json")
    published = vector.pop("proof")

    signed = sign_credential(
        vector,
        private_key=private_key_from_multikey(key_pair["privateKeyMultibase"]),
        verification_method=published["verificationMethod"],
        created=datetime.fromisoformat(published["created"]),
    )

    assert signed["proof"] == [published]


def test_verifier_accepts_the_w3c_vector():
    vector = load_vector("w3c-eddsa-rdfc-2022-signed.json")

    result = verify_proof(vector, resolve_key=_w3c_key_resolver)

    assert result.ok, result.failures
    assert [check.name for check in result.checks] == [
        "context",
        "terms",
        "proof",
        "cryptosuite",
        "key",
        "signature",
    ]


def test_w3c_vector_is_a_valid_proof_but_not_an_open_badge_of_its_issuer():
    """Its issuer (https://vc.example/issuers/5678) does not control its did:key, and it
    is a plain VC, not an Open Badge: the full credential check says exactly that."""
    vector = load_vector("w3c-eddsa-rdfc-2022-signed.json")

    result = verify_credential(
        vector, resolve_key=_w3c_key_resolver, resolve_status_list=lambda url: None
    )

    assert result.failure_codes == ["issuer_mismatch", "schema_invalid"]


def test_verifier_refuses_the_w3c_vector_with_one_word_changed():
    vector = load_vector("w3c-eddsa-rdfc-2022-signed.json")
    vector["credentialSubject"]["alumniOf"] = "The School of Forgeries"

    result = verify_proof(vector, resolve_key=_w3c_key_resolver)

    assert result.failure_codes == ["signature_invalid"]


def test_1edtech_vector_verifies_with_the_key_named_in_its_key_id():
    vector = load_vector("ob3-1edtech-signed.json")

    assert verify_proof(vector, resolve_key=_fragment_key_resolver).ok


def test_1edtech_vector_fails_only_the_ob3_schema_because_its_proof_is_not_an_array():
    vector = load_vector("ob3-1edtech-signed.json")

    result = verify_credential(
        vector, resolve_key=_fragment_key_resolver, resolve_status_list=lambda url: None
    )

    assert result.failure_codes == ["schema_invalid"]
    assert "$.proof" in result.failures[0].message


def test_1edtech_vector_with_its_proof_wrapped_in_an_array_passes_every_check():
    """proof is a JSON-LD @graph container: one proof or a list of one is the same RDF,
    so the array form keeps the signature valid and satisfies the schema."""
    vector = load_vector("ob3-1edtech-signed.json")
    vector["proof"] = [copy.deepcopy(vector["proof"])]

    result = verify_credential(
        vector, resolve_key=_fragment_key_resolver, resolve_status_list=lambda url: None
    )

    assert result.ok, result.failures
