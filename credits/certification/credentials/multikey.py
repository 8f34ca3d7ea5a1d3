"""Ed25519 keys as Multikey strings (``z6Mk…`` public, ``z3u2…`` private), for the issuing
side, settings and the command line. The verifier decodes its own inputs and does not
import this module.

Multibase base58btc is the ``z`` prefix followed by base58 in the Bitcoin alphabet, which
is what the ``base58`` package implements; Multikey adds a multicodec varint in front of
the raw key: 0xed 0x01 for ed25519-pub, 0x80 0x26 for ed25519-priv.
"""

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


class InvalidMultikey(ValueError):
    pass


def base58btc_encode(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def base58btc_decode(value: str) -> bytes:
    if not value.startswith("z"):
        raise InvalidMultikey("expected multibase base58btc (a value starting with 'z')")
    try:
        return base58.b58decode(value[1:])
    except ValueError as error:
        raise InvalidMultikey(f"not valid base58btc: {error}") from error


def _unwrap(value: str, prefix: bytes, what: str) -> bytes:
    raw = base58btc_decode(value)
    if not raw.startswith(prefix) or len(raw) != len(prefix) + 32:
        raise InvalidMultikey(f"not an Ed25519 {what} Multikey")
    return raw[len(prefix) :]


def public_key_to_multikey(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base58btc_encode(ED25519_PUB_PREFIX + raw)


def private_key_to_multikey(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base58btc_encode(ED25519_PRIV_PREFIX + raw)


def public_key_bytes_from_multikey(value: str) -> bytes:
    """The raw 32-byte key, the form the verifier's key resolver returns."""
    return _unwrap(value, ED25519_PUB_PREFIX, "public")


def private_key_from_multikey(value: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_unwrap(value, ED25519_PRIV_PREFIX, "private"))


def verification_method_id(issuer_id: str, public_multikey: str) -> str:
    """``{issuer_id}#{publicKeyMultibase}``: the issuer is the key's controller, and the
    fragment names the key itself, so a rotated key gets a new id with no counter to keep
    and old credentials keep pointing at the key that signed them."""
    return f"{issuer_id}#{public_multikey}"
