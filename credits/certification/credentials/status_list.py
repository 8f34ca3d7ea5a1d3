"""Build Bitstring Status List credentials (W3C VC Bitstring Status List v1.0), the
issuing side of revocation. Verifiers decode lists with their own code in
``verification.py``.

Each certificate gets an index in its issuer's list; revoking it sets that bit and the list
credential is re-signed and republished. The list is padded to the specification's minimum
of 131,072 entries so that, seen from outside, one certificate hides among many.
"""

import base64
import gzip
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
MIN_BITS = 131_072
STATUS_PURPOSES = ("revocation", "suspension")


def encode_bitstring(set_indexes: Iterable[int], *, size: int = MIN_BITS) -> str:
    """Multibase base64url (no padding, prefix ``u``) of the GZIP-compressed bitstring in
    which ``set_indexes`` are 1. Index 0 is the left-most bit of the first byte.

    GZIP's header timestamp is fixed at 0, so the same statuses always encode to the same
    string and an unchanged list re-signs to the same content.
    """
    if size < MIN_BITS or size % 8:
        raise ValueError(f"size must be a multiple of 8 and at least {MIN_BITS}")
    bits = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside a list of {size} entries")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def status_list_entry(*, status_list_url: str, index: int, purpose: str = "revocation") -> dict:
    """The ``credentialStatus`` a credential carries to point at its bit."""
    if purpose not in STATUS_PURPOSES or index < 0:
        raise ValueError("purpose must be revocation or suspension, and index not negative")
    return {
        "id": f"{status_list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": status_list_url,
    }


def build_status_list_credential(
    *,
    url: str,
    issuer_id: str,
    set_indexes: Iterable[int],
    valid_from: datetime,
    valid_until: datetime | None = None,
    purpose: str = "revocation",
    size: int = MIN_BITS,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential; sign it with ``sign_credential`` and the
    issuer's key, exactly like a certificate. Verifiers require its ``id`` to equal the
    ``statusListCredential`` URL and its issuer to be the certificate's issuer."""
    if purpose not in STATUS_PURPOSES:
        raise ValueError("purpose must be revocation or suspension")
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": _xsd_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = _xsd_datetime(valid_until)
    credential["credentialSubject"] = {
        "id": f"{url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encode_bitstring(set_indexes, size=size),
    }
    return credential


def _xsd_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("datetimes in credentials must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
