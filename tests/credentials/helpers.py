"""What the credential tests share besides fixtures: the test issuer, a certificate to
build, the vectors. Plain Python, no Django: the credential tests run under ``-p no:django``
too."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credits.certification.credentials.builder import (
    AchievementDefinition,
    build_achievement_credential,
    issuer_url,
    status_list_url,
)
from credits.certification.credentials.multikey import (
    public_key_bytes_from_multikey,
    public_key_to_multikey,
    verification_method_id,
)
from credits.certification.credentials.signing import sign_credential
from credits.certification.credentials.status_list import build_status_list_credential

VECTORS = Path(__file__).resolve().parent / "vectors"
BASE = "https://nightschool.example"
ORG = 7
ISSUER = issuer_url(BASE, ORG)
STATUS_LIST = status_list_url(BASE, ORG, 1)
STATUS_INDEX = 4242
SIGNED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)

FOOD_SAFETY = AchievementDefinition(
    slug="food-safety-for-couriers",
    name="Food safety for couriers",
    description="Safe handling, temperature and hygiene for delivering meals.",
    criteria="Study at least 12 class hours of the Food safety course and pass its quiz.",
    class_hours_required=Decimal("12"),
)


def load_vector(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


class Issuer:
    """An issuer with a real Ed25519 key, and the resolvers a verifier would be given."""

    def __init__(self, issuer_id: str = ISSUER) -> None:
        self.issuer_id = issuer_id
        self.private_key = Ed25519PrivateKey.generate()
        self.public_multikey = public_key_to_multikey(self.private_key.public_key())
        self.method = verification_method_id(issuer_id, self.public_multikey)
        self.status_lists: dict[str, dict[str, Any]] = {}

    def sign(self, document: dict[str, Any], method: str | None = None) -> dict[str, Any]:
        return sign_credential(
            document,
            private_key=self.private_key,
            verification_method=method or self.method,
            created=SIGNED_AT,
        )

    def resolve_key(self, method: str) -> bytes | None:
        if method != self.method:
            return None
        return public_key_bytes_from_multikey(self.public_multikey)

    def resolve_status_list(self, url: str) -> dict[str, Any] | None:
        return self.status_lists.get(url)

    def publish_status_list(self, revoked: set[int], url: str = STATUS_LIST) -> dict[str, Any]:
        status_list = self.sign(
            build_status_list_credential(
                url=url,
                issuer_id=self.issuer_id,
                set_indexes=revoked,
                valid_from=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        self.status_lists[url] = status_list
        return status_list


def build_certificate(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "base_url": BASE,
        "public_id": "c-8f3k2",
        "org_id": ORG,
        "issuer_name": "Night School Accra",
        "achievement": FOOD_SAFETY,
        "minutes": 560,
        "minutes_per_class_hour": 45,
        "activity_start": datetime(2026, 1, 5, 19, 0, tzinfo=UTC),
        "activity_end": datetime(2026, 2, 27, 21, 15, tzinfo=UTC),
        "valid_from": SIGNED_AT,
        "recipient_identifier": "learner-5521",
        "recipient_name": "Ama Mensah",
        "salt": "5f0c1d2e",
        "status_list": STATUS_LIST,
        "status_index": STATUS_INDEX,
    }
    arguments.update(overrides)
    return build_achievement_credential(**arguments)
