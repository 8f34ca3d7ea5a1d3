"""Add an eddsa-rdfc-2022 Data Integrity proof to a credential (W3C vc-di-eddsa §3.3).

Deliberately independent of ``verification.py``: neither imports the other, so the two
sides only agree when both follow the specification, which the published test vectors
check.
"""

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import base58
import pyoxigraph
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from credits.certification.credentials.jsonld import document_loader, undefined_terms

CRYPTOSUITE = "eddsa-rdfc-2022"


class SigningError(ValueError):
    pass


def canonical_nquads(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document.

    pyld turns JSON-LD into RDF (it implements JSON-LD 1.1 and takes our offline loader),
    but its canonicalization is URDNA2015, whose N-Quads leave most control characters
    raw where RDFC-1.0 escapes them. That difference is not a final-output detail one
    could patch: the same serialization is hashed to label blank nodes, so labels and
    line order can change too. pyoxigraph implements RDFC-1.0 itself, so pyld hands it
    plain N-Quads (a lossless form: raw control characters are legal there) to
    canonicalize and serialize.
    """
    # "base": None keeps relative IRIs relative (and so out of the RDF) as JSON-LD
    # specifies; pyld 3.x would otherwise resolve them against http://example.org/base/.
    nquads = jsonld.to_rdf(
        document,
        {"format": "application/n-quads", "documentLoader": document_loader, "base": None},
    )
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    serialized = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS)
    return "".join(sorted(serialized.decode("utf-8").splitlines(keepends=True)))


def _xsd_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise SigningError("created must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_credential(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """Return a copy of ``document`` with a one-element ``proof`` array (the OB 3.0 schema
    requires an array even for one proof).

    Refuses documents that already carry a proof, and documents with properties their
    contexts do not define: those would be dropped before hashing and so travel unsigned.
    """
    if "proof" in document:
        raise SigningError("document already has a proof; sign the unsecured document")
    missing = undefined_terms(document)
    if missing:
        raise SigningError(
            "these properties are not defined by the document's @context and would not be "
            f"signed: {', '.join(missing)}"
        )
    unsecured = copy.deepcopy(document)
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _xsd_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    proof_config = {**proof, "@context": unsecured["@context"]}
    hash_data = (
        hashlib.sha256(canonical_nquads(proof_config).encode("utf-8")).digest()
        + hashlib.sha256(canonical_nquads(unsecured).encode("utf-8")).digest()
    )
    signature = private_key.sign(hash_data)
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return {**unsecured, "proof": [proof]}
