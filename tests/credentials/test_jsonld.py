"""The offline loader and the rule that every property must be defined by the contexts,
since JSON-LD silently drops the rest and the signature never sees them."""

import pytest
from pyld import jsonld

from credits.certification.credentials.jsonld import (
    ContextNotAllowed,
    allowed_context_urls,
    document_loader,
    undefined_terms,
)
from credits.certification.credentials.signing import SigningError
from credits.certification.credentials.verification import verify_credential, verify_proof
from tests.credentials.helpers import Issuer

OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def test_loader_serves_the_shipped_contexts():
    assert OB3 in allowed_context_urls()
    assert "@context" in document_loader(OB3)["document"]


def test_loader_refuses_any_other_url_without_touching_the_network():
    with pytest.raises(ContextNotAllowed, match="https://evil.example/context.json"):
        document_loader("https://evil.example/context.json")


def test_loader_hands_out_copies_a_caller_cannot_poison():
    document_loader(OB3)["document"]["@context"]["name"] = "https://evil.example/name"

    assert document_loader(OB3)["document"]["@context"]["name"] == {
        "@id": "https://schema.org/name"
    }


def test_expanding_a_document_with_an_unknown_context_is_refused():
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"],
        "name": "x",
    }

    with pytest.raises(jsonld.JsonLdError) as raised:
        jsonld.expand(document, {"documentLoader": document_loader})
    assert isinstance(raised.value.__cause__, ContextNotAllowed)


def test_unknown_context_url_is_refused_by_the_verifier(issuer: Issuer, signed: dict):
    signed["@context"] = [*signed["@context"], "https://evil.example/ctx"]

    result = verify_credential(
        signed, resolve_key=issuer.resolve_key, resolve_status_list=issuer.resolve_status_list
    )

    assert "context_refused" in result.failure_codes
    assert "https://evil.example/ctx" in result.failures[0].message


def test_inline_contexts_are_refused_by_the_verifier(issuer: Issuer, signed: dict):
    signed["@context"] = [*signed["@context"], {"hours": "https://evil.example/hours"}]

    assert "context_refused" in verify_proof(signed, resolve_key=issuer.resolve_key).failure_codes


def test_undefined_property_type_and_relative_iri_are_all_found():
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", OB3],
        "id": "https://nightschool.example/c/1",
        "type": ["VerifiableCredential", "OpenBadgeCredential", "CourierBadge"],
        "issuer": {"id": "issuers/7", "type": ["Profile"], "name": "Night School"},
        "credentialSubject": {"type": ["AchievementSubject"], "classHours": 12},
    }

    assert undefined_terms(document) == ["CourierBadge", "classHours", "relative IRI 'issuers/7'"]


def test_signer_refuses_a_property_that_would_not_be_signed(issuer: Issuer, certificate: dict):
    certificate["credentialSubject"]["classHours"] = 12

    with pytest.raises(SigningError, match="classHours"):
        issuer.sign(certificate)


def test_an_unsigned_property_slipped_into_a_signed_credential_is_caught(
    issuer: Issuer, signed: dict
):
    """The trap: the signature alone still verifies, because JSON-LD drops the property
    before hashing. Only the defined-terms check notices."""
    signed["credentialSubject"]["classHours"] = 1000

    result = verify_proof(signed, resolve_key=issuer.resolve_key)

    assert result.failure_codes == ["undefined_terms"]
    assert "classHours" in result.failures[0].message
    assert [c.code for c in result.checks if c.name == "signature"] == ["ok"]
