"""The certificate credential: valid OB 3.0, minimal personal data, and hours whose unit
is stated and signed."""

import hashlib
import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft201909Validator
from pyld import jsonld

from credits.certification.credentials.builder import class_hours_text, hashed_identity
from credits.certification.credentials.jsonld import document_loader, undefined_terms
from credits.certification.credentials.signing import canonical_nquads
from credits.certification.credentials.verification import SCHEMA_PATH, verify_credential
from tests.credentials.helpers import NOW, STATUS_INDEX, STATUS_LIST, Issuer, build_certificate

OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
ACHIEVEMENT = "https://nightschool.example/credentials/achievements/food-safety-for-couriers"


def _leaf_paths(value, path=""):
    """Every JSON leaf (string, number, boolean) with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "@context":
                yield from _leaf_paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaf_paths(item, f"{path}[{index}]")
    else:
        yield path, value


def _expanded_leaves(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("@id", "@value") or (key == "@type" and "@value" not in value):
                yield from (item if isinstance(item, list) else [item])
            else:
                yield from _expanded_leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _expanded_leaves(item)


def _values_lost_in_expansion(document: dict) -> list[str]:
    expanded = jsonld.expand(document, {"documentLoader": document_loader, "base": None})
    kept = {str(leaf) for leaf in _expanded_leaves(expanded)}
    return [
        path
        for path, leaf in _leaf_paths(document)
        if ".type" not in path and str(leaf) not in kept
    ]


def test_every_property_of_the_built_credential_survives_expansion(certificate: dict):
    """The README's trap, checked two ways: nothing is undefined, and every value we wrote
    is still there after JSON-LD expansion (so it reaches the RDF and the signature)."""
    assert undefined_terms(certificate) == []
    assert _values_lost_in_expansion(certificate) == []


def test_the_expansion_check_does_notice_a_dropped_property(certificate: dict):
    certificate["credentialSubject"]["achievement"]["classHours"] = "99"

    assert _values_lost_in_expansion(certificate) == [".credentialSubject.achievement.classHours"]


def test_built_credential_is_valid_against_the_ob3_schema(issuer: Issuer, certificate: dict):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)

    assert list(validator.iter_errors(issuer.sign(certificate))) == []


def test_built_and_signed_credential_verifies(issuer: Issuer, signed: dict):
    result = verify_credential(
        signed,
        resolve_key=issuer.resolve_key,
        resolve_status_list=issuer.resolve_status_list,
        now=NOW,
    )

    assert result.ok, result.failures
    assert signed["proof"][0]["verificationMethod"] == (
        f"https://nightschool.example/credentials/issuers/7#{issuer.public_multikey}"
    )


def test_hours_are_stated_with_their_unit_and_are_in_the_signed_rdf(certificate: dict):
    results = {
        r["resultDescription"].rpartition("#")[2]: r["value"]
        for r in certificate["credentialSubject"]["result"]
    }
    assert results == {"class-hours": "12.4", "minutes": "560", "minutes-per-class-hour": "45"}
    descriptions = certificate["credentialSubject"]["achievement"]["resultDescription"]
    assert descriptions[0]["name"] == "Class hours (1 class hour = 45 minutes of study)"
    assert descriptions[0]["requiredValue"] == "12"

    signed_rdf = canonical_nquads(certificate)

    for fragment, value in results.items():
        assert (
            f'<{OB}resultDescription> "{ACHIEVEMENT}#{fragment}"'
            f"^^<https://www.w3.org/2001/XMLSchema#anyURI> .\n" in signed_rdf
        )
        assert f'<https://schema.org/value> "{value}" .\n' in signed_rdf
    assert f'<{OB}resultType> "ext:ClassHours" .\n' in signed_rdf
    assert "Class hours (1 class hour = 45 minutes of study)" in signed_rdf
    assert f'<{OB}activityStartDate> "2026-01-05T19:00:00Z"' in signed_rdf


def test_learner_appears_only_as_salted_hashes_without_their_salt(certificate: dict):
    text = json.dumps(certificate)
    assert "Ama Mensah" not in text
    assert "learner-5521" not in text
    assert "5f0c1d2e" not in text  # the salt is the holder's to give, not the badge's

    identities = certificate["credentialSubject"]["identifier"]

    assert [i["identityType"] for i in identities] == ["identifier", "name"]
    assert all("salt" not in i for i in identities)
    name = identities[1]
    digest = hashlib.sha256(("Ama Mensah" + "5f0c1d2e").encode()).hexdigest()
    assert name["identityHash"] == f"sha256${digest}"
    assert name["hashed"] is True


def test_the_subject_can_be_named_by_an_opaque_id_alone():
    subject = build_certificate(
        recipient_identifier=None,
        recipient_name=None,
        subject_id="urn:uuid:2f1c6a9e-5d0b-4f53-9a57-1d7c0c2b8e41",
    )["credentialSubject"]
    assert subject["id"] == "urn:uuid:2f1c6a9e-5d0b-4f53-9a57-1d7c0c2b8e41"
    assert "identifier" not in subject


def test_a_credential_that_publishes_its_salt_is_recognised():
    from credits.certification.credentials.builder import publishes_identity_salt

    old = build_certificate()
    old["credentialSubject"]["identifier"][1]["salt"] = "5f0c1d2e"
    assert publishes_identity_salt(old)
    assert not publishes_identity_salt(build_certificate())


def test_each_identity_gets_its_own_random_salt_by_default():
    first = hashed_identity("Ama Mensah", identity_type="name")
    second = hashed_identity("Ama Mensah", identity_type="name")

    assert first["salt"] != second["salt"]
    assert first["identityHash"] != second["identityHash"]


def test_status_entry_points_at_the_issuers_list(certificate: dict):
    assert certificate["credentialStatus"] == {
        "id": f"{STATUS_LIST}#{STATUS_INDEX}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(STATUS_INDEX),
        "statusListCredential": STATUS_LIST,
    }


def test_credential_without_status_or_end_date_is_still_valid_ob3(issuer: Issuer):
    certificate = build_certificate(status_list=None, status_index=None)

    assert "credentialStatus" not in certificate
    assert "validUntil" not in certificate
    result = verify_credential(
        issuer.sign(certificate),
        resolve_key=issuer.resolve_key,
        resolve_status_list=lambda url: None,
    )
    assert result.ok, result.failures


@given(
    minutes=st.integers(min_value=0, max_value=10**7),
    per_hour=st.integers(min_value=1, max_value=240),
)
def test_class_hours_never_overstate_and_lose_less_than_a_tenth(minutes, per_hour):
    exact = Decimal(minutes) / Decimal(per_hour)

    stated = Decimal(class_hours_text(minutes, per_hour))

    assert stated <= exact < stated + Decimal("0.1")


def test_class_hours_text_reads_naturally():
    assert class_hours_text(540, 45) == "12"
    assert class_hours_text(0, 45) == "0"
    assert class_hours_text(560, 45) == "12.4"
    assert class_hours_text(290, 45) == "6.4"
    assert class_hours_text(90, 60) == "1.5"
