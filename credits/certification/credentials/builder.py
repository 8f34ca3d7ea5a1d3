"""Build the unsigned Open Badges 3.0 credential for a Night School certificate.

Two constraints shape it:

- Every property must be defined by the OB 3.0.3 or VC 2.0 context, or JSON-LD drops it
  and the signature does not cover it (``jsonld.undefined_terms`` checks this, and the
  signer refuses otherwise).
- Hours need a unit, and follow the platform's one rule (``credits.ledger.hours``: rounded
  down to one decimal place, the minutes beside them). OB's ``creditsEarned`` is a bare
  float that cannot say "class hours of 45 minutes", so the study time is carried as three
  ``Result``s, each pointing at a ``ResultDescription`` of the achievement that names its
  unit: class hours, minutes, and minutes per class hour. All of these terms are defined by
  the 3.0.3 context and signed.

The learner appears only as an opaque subject ``id`` (a random ``urn:uuid:``, never a
database id) and as salted SHA-256 hashes (OB ``IdentityObject``) whose salt is NOT in the
credential: the issuer hands the salt to the holder privately, and only someone the holder
gives it to can check a name against the badge. A salt published beside its hash would
let anyone test guesses: a short name, with the masked name on the public verification page,
falls to a few thousand hashes. OB 3.0 makes ``salt`` optional for exactly this reason.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from credits.certification.credentials.status_list import status_list_entry
from credits.ledger.hours import class_hours_text

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]

IdentityType = Literal["name", "identifier"]


@dataclass(frozen=True)
class AchievementDefinition:
    """What a programme's certificate attests, the same for every learner who earns it."""

    slug: str
    name: str
    description: str
    criteria: str
    achievement_type: str = "Certificate"
    class_hours_required: Decimal | None = None


def credential_url(base_url: str, public_id: str) -> str:
    return f"{base_url.rstrip('/')}/certificates/{public_id}/credential"


def issuer_url(base_url: str, org_id: str | int) -> str:
    return f"{base_url.rstrip('/')}/credentials/issuers/{org_id}"


def achievement_url(base_url: str, slug: str) -> str:
    return f"{base_url.rstrip('/')}/credentials/achievements/{slug}"


def status_list_url(base_url: str, org_id: str | int, list_id: str | int) -> str:
    """Under the issuer's URL: a verifier accepts only a status list issued by the
    certificate's own issuer."""
    return f"{issuer_url(base_url, org_id)}/status/{list_id}"


def hashed_identity(
    plaintext: str, *, identity_type: IdentityType, salt: str | None = None
) -> dict[str, Any]:
    """An OB ``IdentityObject`` with ``identityHash`` = ``sha256$`` + hex(SHA-256(plaintext
    + salt)), as OB 3.0 defines IdentityHash, salt included: what a holder discloses when
    they choose to prove the badge is theirs. A fresh random salt per identity stops anyone
    from recognising the same person across badges. ``public_identity`` is what a credential
    carries."""
    salt = salt if salt is not None else secrets.token_hex(16)
    digest = hashlib.sha256((plaintext + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": identity_type,
        "hashed": True,
        "salt": salt,
    }


def public_identity(identity: dict[str, Any]) -> dict[str, Any]:
    """The identity as a public credential carries it: the hash without its salt."""
    return {key: value for key, value in identity.items() if key != "salt"}


def publishes_identity_salt(credential: dict[str, Any]) -> bool:
    """Whether a credential (as issued before subject privacy) carries a name or identifier
    hash together with its salt, so that guesses can be tested against it."""
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    for one in subjects:
        identities = one.get("identifier", []) if isinstance(one, dict) else []
        identities = identities if isinstance(identities, list) else [identities]
        if any(isinstance(i, dict) and "salt" in i for i in identities):
            return True
    return False


def _xsd_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("datetimes in credentials must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hours_descriptions(
    achievement_id: str, achievement: AchievementDefinition, minutes_per_class_hour: int
) -> list[dict[str, Any]]:
    hours = {
        "id": f"{achievement_id}#class-hours",
        "type": ["ResultDescription"],
        "name": f"Class hours (1 class hour = {minutes_per_class_hour} minutes of study)",
        "description": (
            f"Study time counted towards this certificate, in class hours of "
            f"{minutes_per_class_hour} minutes each, rounded down to one decimal place "
            "(the exact minutes are the next result)."
        ),
        "resultType": "ext:ClassHours",
        "valueMin": "0",
    }
    if achievement.class_hours_required is not None:
        hours["requiredValue"] = f"{achievement.class_hours_required:f}"
    return [
        hours,
        {
            "id": f"{achievement_id}#minutes",
            "type": ["ResultDescription"],
            "name": "Minutes of study",
            "description": "Study time counted towards this certificate, in minutes.",
            "resultType": "ext:StudyMinutes",
            "valueMin": "0",
        },
        {
            "id": f"{achievement_id}#minutes-per-class-hour",
            "type": ["ResultDescription"],
            "name": "Minutes per class hour",
            "description": "How many minutes of study make one class hour.",
            "resultType": "ext:MinutesPerClassHour",
        },
    ]


def achievement_node(
    *, base_url: str, achievement: AchievementDefinition, minutes_per_class_hour: int
) -> dict[str, Any]:
    """The OB ``Achievement`` a credential embeds; served on its own (with ``@context``) at
    its id, so that the URL a credential names answers with what it describes."""
    achievement_id = achievement_url(base_url, achievement.slug)
    return {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
        "resultDescription": _hours_descriptions(
            achievement_id, achievement, minutes_per_class_hour
        ),
    }


def achievement_document(
    *, base_url: str, achievement: AchievementDefinition, minutes_per_class_hour: int
) -> dict[str, Any]:
    return {
        "@context": list(CONTEXTS),
        **achievement_node(
            base_url=base_url,
            achievement=achievement,
            minutes_per_class_hour=minutes_per_class_hour,
        ),
    }


def build_achievement_credential(
    *,
    base_url: str,
    public_id: str,
    org_id: str | int,
    issuer_name: str,
    achievement: AchievementDefinition,
    minutes: int,
    minutes_per_class_hour: int,
    activity_start: datetime,
    activity_end: datetime,
    valid_from: datetime,
    valid_until: datetime | None = None,
    recipient_identifier: str | None = None,
    recipient_name: str | None = None,
    salt: str | None = None,
    subject_id: str | None = None,
    status_list: str | None = None,
    status_index: int | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``OpenBadgeCredential`` for one learner's certificate.

    ``subject_id`` is the subject's opaque id (``urn:uuid:…``). ``recipient_identifier``
    and/or ``recipient_name`` are only ever stored hashed, and the ``salt`` they are hashed
    with is left out of the credential: pass it (and keep it for the holder) if anyone is
    ever to check a name; without it the salt is random and thrown away. ``status_list`` and
    ``status_index`` give the certificate its revocation bit.
    """
    if recipient_identifier is None and recipient_name is None and subject_id is None:
        raise ValueError("an AchievementSubject needs a subject id, identifier or name")
    if (status_list is None) != (status_index is None):
        raise ValueError("give both status_list and status_index, or neither")
    if activity_end < activity_start:
        raise ValueError("activity_end is before activity_start")

    achievement_id = achievement_url(base_url, achievement.slug)
    identities = [
        public_identity(hashed_identity(value, identity_type=kind, salt=salt))
        for kind, value in (("identifier", recipient_identifier), ("name", recipient_name))
        if value is not None
    ]
    descriptions = _hours_descriptions(achievement_id, achievement, minutes_per_class_hour)
    values = [
        class_hours_text(minutes, minutes_per_class_hour),
        str(minutes),
        str(minutes_per_class_hour),
    ]
    credential: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": credential_url(base_url, public_id),
        "type": list(CREDENTIAL_TYPES),
        "name": name or achievement.name,
        "issuer": {
            "id": issuer_url(base_url, org_id),
            "type": ["Profile"],
            "name": issuer_name,
        },
        "validFrom": _xsd_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = _xsd_datetime(valid_until)
    subject: dict[str, Any] = {"id": subject_id} if subject_id is not None else {}
    subject["type"] = ["AchievementSubject"]
    if identities:
        subject["identifier"] = identities
    credential["credentialSubject"] = {
        **subject,
        # OB 3.0's data model and JSON schema make these date-times, although the 3.0.3
        # context types them xsd:date; we follow the schema, which verifiers validate.
        "activityStartDate": _xsd_datetime(activity_start),
        "activityEndDate": _xsd_datetime(activity_end),
        "achievement": achievement_node(
            base_url=base_url,
            achievement=achievement,
            minutes_per_class_hour=minutes_per_class_hour,
        ),
        "result": [
            {"type": ["Result"], "resultDescription": description["id"], "value": value}
            for description, value in zip(descriptions, values, strict=True)
        ],
    }
    if status_list is not None and status_index is not None:
        credential["credentialStatus"] = status_list_entry(
            status_list_url=status_list, index=status_index
        )
    return credential
