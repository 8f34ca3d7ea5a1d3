"""Verify an Open Badges 3.0 credential secured with an eddsa-rdfc-2022 proof, offline.

This module shares no code with ``signing.py`` (neither imports the other): it
canonicalizes, hashes and decodes on its own, so a bug on the issuing side cannot vouch for
itself here. Everything a verifier needs from outside comes in through two callables, so
the same routine serves the command line, the website and tests:

- ``resolve_key(verification_method) -> bytes | None``: the raw 32-byte Ed25519 public key
  that the issuer publishes under that id, or None if it is not known;
- ``resolve_status_list(url) -> dict | None``: the status list credential at that URL.

Every check is reported with a stable code and a sentence for people, and the routine never
raises on a hostile or broken document: it reports what is wrong with it instead.
"""

import base64
import copy
import hashlib
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import base58
import pyoxigraph
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jsonschema import Draft201909Validator
from pyld import jsonld

from credits.certification.credentials.jsonld import (
    allowed_context_urls,
    document_loader,
    refused_context,
)

KeyResolver = Callable[[str], bytes | None]
StatusListResolver = Callable[[str], dict[str, Any] | None]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
SUPPORTED_CRYPTOSUITE = "eddsa-rdfc-2022"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "achievementcredential.json"

# The Bitstring Status List minimum (16 KiB of bits); lists are padded to it so that one
# index among many cannot be singled out.
MIN_STATUS_LIST_BITS = 131_072
# A gzip "bomb" must not exhaust memory: 16 MiB holds 134 million statuses.
MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024
# RDFC-1.0 is exponential in the worst case on crafted blank-node graphs. A certificate has
# a handful of blank nodes; refuse documents far beyond that rather than hang on them.
MAX_BLANK_NODES = 100

_PROBE_VOCAB = "urn:x-night-school:verify:undefined:"
_ABSOLUTE_IRI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|_:)")
_BLANK_NODE = re.compile(r"_:[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Check:
    """One verification step. ``code`` is "ok" when it passed, else a stable failure code
    (e.g. "signature_invalid", "revoked") that callers may branch on."""

    name: str
    code: str
    message: str

    @property
    def ok(self) -> bool:
        return self.code == "ok"


@dataclass
class VerificationResult:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def failure_codes(self) -> list[str]:
        return [check.code for check in self.failures]


def _passed(name: str, message: str) -> Check:
    return Check(name, "ok", message)


# --- Canonicalization and hashing (kept apart from the signer on purpose) -------------


def _rdfc10(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads: pyld for JSON-LD to RDF, pyoxigraph for RDFC-1.0 (pyld
    3.x only implements URDNA2015, whose escaping of control characters differs)."""
    quads = jsonld.to_rdf(
        document,
        # No base: relative IRIs stay relative and are dropped, as JSON-LD specifies.
        {"format": "application/n-quads", "documentLoader": document_loader, "base": None},
    )
    if len(set(_BLANK_NODE.findall(quads))) > MAX_BLANK_NODES:
        raise ValueError(f"more than {MAX_BLANK_NODES} blank nodes; refusing to canonicalize")
    graph = pyoxigraph.Dataset(pyoxigraph.parse(quads, format=pyoxigraph.RdfFormat.N_QUADS))
    graph.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    lines = pyoxigraph.serialize(graph, format=pyoxigraph.RdfFormat.N_QUADS).decode("utf-8")
    return "".join(sorted(lines.splitlines(keepends=True)))


def _sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _undefined_terms(document: dict[str, Any]) -> list[str]:
    """Properties and types the contexts leave undefined, which the signature cannot cover.

    A catch-all ``@vocab`` goes before the document's own contexts, so what they define is
    untouched and what they do not lands under a recognisable IRI instead of vanishing.
    """
    contexts = document.get("@context", [])
    probe = {**document, "@context": [{"@vocab": _PROBE_VOCAB}, *_as_list(contexts)]}
    expanded = jsonld.expand(probe, {"documentLoader": document_loader, "base": None})
    found: set[str] = set()
    pending: list[Any] = [expanded]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key.startswith(_PROBE_VOCAB):
                found.add(key[len(_PROBE_VOCAB) :])
            if key in ("@id", "@type"):
                for iri in _as_list(value):
                    if isinstance(iri, str) and iri.startswith(_PROBE_VOCAB):
                        found.add(iri[len(_PROBE_VOCAB) :])
                    elif isinstance(iri, str) and not _ABSOLUTE_IRI.match(iri):
                        found.add(f"relative IRI {iri!r}")
            elif key != "@value":
                pending.append(value)
    return sorted(found)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- Proofs ---------------------------------------------------------------------------


def _context_check(document: dict[str, Any]) -> Check:
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2_CONTEXT:
        return Check(
            "context",
            "context_invalid",
            f"@context must be a list starting with {VC_V2_CONTEXT} (a VC 2.0 credential).",
        )
    allowed = allowed_context_urls()
    for context in contexts:
        if not isinstance(context, str):
            return Check(
                "context",
                "context_refused",
                "@context holds an inline context; only the published context URLs are "
                "accepted, so that a document cannot redefine what its properties mean.",
            )
        if context not in allowed:
            return Check(
                "context",
                "context_refused",
                f"@context {context!r} is not a context this verifier holds; it is never "
                "fetched from the network.",
            )
    return _passed("context", "All @context entries are known, offline contexts.")


def _terms_check(document: dict[str, Any]) -> Check:
    try:
        missing = _undefined_terms(document)
    except Exception as error:  # hostile input is reported, never raised
        return Check("terms", "jsonld_invalid", f"The document is not valid JSON-LD: {error}")
    if missing:
        return Check(
            "terms",
            "undefined_terms",
            "These properties are not defined by the credential's contexts, so the "
            f"signature does not cover them: {', '.join(missing)}.",
        )
    return _passed("terms", "Every property is defined by the contexts, so all are signed.")


def _decode_multibase_base58btc(value: str) -> bytes:
    if not value.startswith("z"):
        raise ValueError("not multibase base58btc (no 'z' prefix)")
    return base58.b58decode(value[1:])


def _parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date-time string")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment


def _one_proof_checks(
    document: dict[str, Any],
    proof: Any,
    label: str,
    resolve_key: KeyResolver,
    canonical_ok: bool,
) -> list[Check]:
    required = ("type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue")
    if not isinstance(proof, dict) or any(not isinstance(proof.get(k), str) for k in required):
        return [
            Check(
                "proof",
                "proof_malformed",
                f"{label} must be an object with string {', '.join(required)}.",
            )
        ]
    if proof["type"] != "DataIntegrityProof" or proof["proofPurpose"] != "assertionMethod":
        return [
            Check(
                "proof",
                "proof_malformed",
                f"{label} must be a DataIntegrityProof for assertionMethod, not "
                f"{proof['type']} for {proof['proofPurpose']}.",
            )
        ]
    if "created" in proof:
        try:
            _parse_datetime(proof["created"])
        except ValueError as error:
            return [Check("proof", "proof_malformed", f"{label} created: {error}.")]
    checks = [_passed("proof", f"{label} is a well-formed DataIntegrityProof.")]

    if proof["cryptosuite"] != SUPPORTED_CRYPTOSUITE:
        checks.append(
            Check(
                "cryptosuite",
                "cryptosuite_unsupported",
                f"{label} uses cryptosuite {proof['cryptosuite']!r}; only "
                f"{SUPPORTED_CRYPTOSUITE} is supported.",
            )
        )
        return checks
    checks.append(_passed("cryptosuite", f"{label} uses {SUPPORTED_CRYPTOSUITE}."))

    method = proof["verificationMethod"]
    try:
        key_bytes = resolve_key(method)
    except Exception as error:  # a resolver failure is a failed check
        key_bytes = None
        reason = f" ({error})"
    else:
        reason = ""
    if key_bytes is None or len(key_bytes) != 32:
        checks.append(
            Check(
                "key",
                "key_unresolved",
                f"No trusted Ed25519 public key is known for {method}{reason}.",
            )
        )
        return checks
    checks.append(_passed("key", f"Resolved the public key of {method}."))

    if not canonical_ok:
        return checks
    try:
        signature = _decode_multibase_base58btc(proof["proofValue"])
    except ValueError as error:
        checks.append(Check("signature", "proof_value_malformed", f"{label}: {error}."))
        return checks
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    options["@context"] = copy.deepcopy(document["@context"])
    try:
        hash_data = _sha256(_rdfc10(options)) + _sha256(_rdfc10(unsecured))
    except Exception as error:
        refused = refused_context(error)
        if refused is not None:
            checks.append(Check("signature", "context_refused", str(refused)))
        else:
            checks.append(
                Check("signature", "canonicalization_failed", f"Cannot canonicalize: {error}")
            )
        return checks
    try:
        Ed25519PublicKey.from_public_bytes(key_bytes).verify(signature, hash_data)
    except (InvalidSignature, ValueError):
        checks.append(
            Check(
                "signature",
                "signature_invalid",
                f"The signature in {label.lower()} does not match: the credential was altered "
                "after signing, or was signed with another key.",
            )
        )
        return checks
    checks.append(_passed("signature", f"The signature in {label.lower()} is valid."))
    return checks


def _proof_checks(document: Any, resolve_key: KeyResolver) -> list[Check]:
    if not isinstance(document, dict):
        return [Check("proof", "proof_malformed", "The credential is not a JSON object.")]
    proofs = document.get("proof")
    if proofs is None or proofs == []:
        return [Check("proof", "proof_missing", "The credential has no proof: it is unsigned.")]
    context = _context_check(document)
    checks = [context]
    canonical_ok = context.ok
    if canonical_ok:
        terms = _terms_check(document)
        checks.append(terms)
        canonical_ok = terms.code != "jsonld_invalid"
    proofs = _as_list(proofs)
    for number, proof in enumerate(proofs, start=1):
        label = "The proof" if len(proofs) == 1 else f"Proof {number}"
        checks.extend(_one_proof_checks(document, proof, label, resolve_key, canonical_ok))
    return checks


def verify_proof(document: Any, *, resolve_key: KeyResolver) -> VerificationResult:
    """The Data Integrity layer alone: contexts, defined terms, proof shape, cryptosuite,
    key and signature. It says nothing about who issued the document or whether it is
    still valid; ``verify_credential`` adds that."""
    return VerificationResult(_proof_checks(document, resolve_key))


# --- Issuer, validity, status, schema -------------------------------------------------


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _issuer_check(document: Any) -> Check:
    if not isinstance(document, dict):
        return Check("issuer", "issuer_missing", "The credential is not a JSON object.")
    issuer = _issuer_id(document)
    if issuer is None:
        return Check("issuer", "issuer_missing", "The credential names no issuer id.")
    methods = [
        proof.get("verificationMethod")
        for proof in _as_list(document.get("proof") or [])
        if isinstance(proof, dict)
    ]
    if not methods:
        return Check("issuer", "issuer_mismatch", "No proof names a key of the issuer.")
    for method in methods:
        controller = method.split("#", 1)[0] if isinstance(method, str) else None
        if controller != issuer:
            return Check(
                "issuer",
                "issuer_mismatch",
                f"The proof was made with key {method!r}, which belongs to {controller!r}, "
                f"but the credential claims to be issued by {issuer!r}.",
            )
    return _passed("issuer", f"The proof names a key controlled by the issuer {issuer}.")


def _validity_check(document: Any, now: datetime) -> Check:
    if not isinstance(document, dict):
        return Check("validity", "validity_malformed", "The credential is not a JSON object.")
    try:
        valid_from = _parse_datetime(document["validFrom"]) if "validFrom" in document else None
        valid_until = _parse_datetime(document["validUntil"]) if "validUntil" in document else None
    except ValueError as error:
        return Check("validity", "validity_malformed", f"Validity dates: {error}.")
    if valid_from and valid_until and valid_until < valid_from:
        return Check("validity", "validity_malformed", "validUntil is before validFrom.")
    if valid_from and now < valid_from:
        return Check("validity", "not_yet_valid", f"Not valid until {document['validFrom']}.")
    if valid_until and now > valid_until:
        return Check("validity", "expired", f"Expired on {document['validUntil']}.")
    return _passed("validity", "Within its validity period.")


def _decode_status_bits(encoded: Any) -> bytes:
    """Multibase base64url (no padding, prefix 'u') of a GZIP-compressed bitstring."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url (no 'u' prefix)")
    body = encoded[1:]
    compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    bits = inflater.decompress(compressed, MAX_STATUS_LIST_BYTES + 1)
    if len(bits) > MAX_STATUS_LIST_BYTES:
        raise ValueError("the bitstring is larger than any status list we accept")
    if not inflater.eof:
        raise ValueError("the GZIP data is truncated")
    return bits


def _status_list_failures(
    status_list: Any, url: str, resolve_key: KeyResolver, now: datetime
) -> list[str]:
    if not isinstance(status_list, dict):
        return ["it is not a JSON object"]
    problems = [
        check.message
        for check in [
            *_proof_checks(status_list, resolve_key),
            _issuer_check(status_list),
            _validity_check(status_list, now),
        ]
        if not check.ok
    ]
    if status_list.get("id") != url:
        problems.append(f"its id {status_list.get('id')!r} is not {url!r}")
    if "BitstringStatusListCredential" not in _as_list(status_list.get("type")):
        problems.append("it is not a BitstringStatusListCredential")
    return problems


def _one_status_check(
    entry: Any,
    issuer: str | None,
    resolve_key: KeyResolver,
    resolve_status_list: StatusListResolver,
    now: datetime,
) -> Check:
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        kind = entry.get("type") if isinstance(entry, dict) else entry
        return Check(
            "status",
            "status_unsupported",
            f"credentialStatus of type {kind!r} cannot be checked; only "
            "BitstringStatusListEntry is supported.",
        )
    purpose = entry.get("statusPurpose")
    index_text = entry.get("statusListIndex")
    url = entry.get("statusListCredential")
    if (
        purpose not in ("revocation", "suspension")
        or not isinstance(index_text, str)
        or not index_text.isdigit()
        or not isinstance(url, str)
        or entry.get("statusSize", 1) != 1
    ):
        return Check(
            "status",
            "status_entry_malformed",
            "credentialStatus needs statusPurpose revocation or suspension, a decimal "
            "statusListIndex string, a statusListCredential URL and a status size of 1.",
        )
    try:
        status_list = resolve_status_list(url)
    except Exception as error:
        return Check("status", "status_list_unavailable", f"Cannot get {url}: {error}.")
    if status_list is None:
        return Check("status", "status_list_unavailable", f"The status list {url} is unknown.")
    problems = _status_list_failures(status_list, url, resolve_key, now)
    if problems:
        return Check(
            "status",
            "status_list_invalid",
            f"The status list {url} cannot be trusted: {'; '.join(problems)}.",
        )
    if _issuer_id(status_list) != issuer:
        return Check(
            "status",
            "status_list_issuer_mismatch",
            f"The status list {url} was issued by {_issuer_id(status_list)!r}, not by the "
            f"credential's issuer {issuer!r}.",
        )
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        return Check("status", "status_list_malformed", f"{url} holds no BitstringStatusList.")
    if subject.get("statusPurpose") != purpose:
        return Check(
            "status",
            "status_purpose_mismatch",
            f"The status list {url} records {subject.get('statusPurpose')!r}, not {purpose!r}.",
        )
    try:
        bits = _decode_status_bits(subject.get("encodedList"))
    except (ValueError, zlib.error) as error:
        return Check("status", "status_list_malformed", f"{url}: {error}.")
    if len(bits) * 8 < MIN_STATUS_LIST_BITS:
        return Check(
            "status",
            "status_list_malformed",
            f"{url} holds {len(bits) * 8} bits, fewer than the {MIN_STATUS_LIST_BITS} "
            "the Bitstring Status List specification requires.",
        )
    index = int(index_text)
    if index >= len(bits) * 8:
        return Check(
            "status",
            "status_index_out_of_range",
            f"Index {index} is outside the {len(bits) * 8}-bit status list {url}.",
        )
    # Index 0 is the left-most (most significant) bit of the first byte.
    if bits[index // 8] >> (7 - index % 8) & 1:
        code = "revoked" if purpose == "revocation" else "suspended"
        return Check("status", code, f"The issuer has {code} this credential.")
    state = "revoked" if purpose == "revocation" else "suspended"
    return _passed("status", f"Not {state}: index {index} of {url} is clear.")


def _status_checks(
    document: Any,
    resolve_key: KeyResolver,
    resolve_status_list: StatusListResolver,
    now: datetime,
) -> list[Check]:
    if not isinstance(document, dict) or "credentialStatus" not in document:
        return [_passed("status", "The credential has no status entry to check.")]
    issuer = _issuer_id(document)
    return [
        _one_status_check(entry, issuer, resolve_key, resolve_status_list, now)
        for entry in _as_list(document["credentialStatus"])
    ]


@cache
def _schema_validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def _schema_check(document: Any) -> Check:
    errors = sorted(_schema_validator().iter_errors(document), key=lambda e: e.json_path)
    if errors:
        details = "; ".join(f"{error.json_path}: {error.message}" for error in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        return Check(
            "schema",
            "schema_invalid",
            f"Not a valid Open Badges 3.0 AchievementCredential: {details}{more}.",
        )
    return _passed("schema", "Valid against the Open Badges 3.0 AchievementCredential schema.")


def verify_credential(
    document: Any,
    *,
    resolve_key: KeyResolver,
    resolve_status_list: StatusListResolver,
    now: datetime | None = None,
) -> VerificationResult:
    """Every check a relying party needs: the proof (see ``verify_proof``), that the key
    belongs to the issuer, the validity period, the revocation status (whose list must
    itself be signed by the same issuer) and the Open Badges 3.0 JSON schema."""
    moment = now or datetime.now(UTC)
    return VerificationResult(
        [
            *_proof_checks(document, resolve_key),
            _issuer_check(document),
            _validity_check(document, moment),
            *_status_checks(document, resolve_key, resolve_status_list, moment),
            _schema_check(document),
        ]
    )
