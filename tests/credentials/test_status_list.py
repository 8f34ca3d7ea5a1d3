"""The issuing side of Bitstring Status List: bit order, size and encoding as the W3C
specification fixes them."""

import base64
import gzip
from datetime import UTC, datetime

import pytest

from credits.certification.credentials.status_list import (
    MIN_BITS,
    build_status_list_credential,
    encode_bitstring,
)
from tests.credentials.helpers import STATUS_LIST, Issuer


def _bits(encoded: str) -> bytes:
    assert encoded.startswith("u")
    body = encoded[1:]
    assert "=" not in body
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_index_zero_is_the_left_most_bit():
    bits = _bits(encode_bitstring({0, 9, MIN_BITS - 1}))

    assert len(bits) * 8 == MIN_BITS
    assert bits[0] == 0b1000_0000
    assert bits[1] == 0b0100_0000
    assert bits[-1] == 0b0000_0001
    assert sum(bin(byte).count("1") for byte in bits) == 3


def test_encoding_is_deterministic_so_an_unchanged_list_re_signs_identically():
    assert encode_bitstring({5, 77}) == encode_bitstring([77, 5])


def test_the_spec_example_empty_list_decodes_to_131072_clear_bits():
    """encodedList of the Bitstring Status List v1.0 example credential."""
    example = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"

    assert _bits(example) == bytes(MIN_BITS // 8)
    assert _bits(encode_bitstring(set())) == _bits(example)


@pytest.mark.parametrize(("index", "size"), [(-1, MIN_BITS), (MIN_BITS, MIN_BITS), (0, 1024)])
def test_out_of_range_indexes_and_short_lists_are_refused(index, size):
    with pytest.raises(ValueError):
        encode_bitstring({index}, size=size)


def test_status_list_credential_is_signed_like_a_certificate_and_fully_defined(
    issuer: Issuer,
):
    credential = build_status_list_credential(
        url=STATUS_LIST,
        issuer_id=issuer.issuer_id,
        set_indexes={3},
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )

    signed = issuer.sign(credential)

    assert signed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert signed["credentialSubject"]["type"] == "BitstringStatusList"
    assert signed["credentialSubject"]["statusPurpose"] == "revocation"
    assert signed["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
