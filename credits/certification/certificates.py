"""Certificates as Open Badges 3.0 credentials: issued, served, and their status list.

The pure credential layer lives in ``credits.certification.credentials``; this module gives it
what the database knows: programmes, certificates and revocations.
"""

import datetime as dt
import re
import uuid
from decimal import Decimal

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from courses.models import Attendance
from credits.study.models import WatchSession
from lms.accounts.models import Organisation

from .credentials import keys
from .credentials.builder import (
    AchievementDefinition,
    achievement_document,
    build_achievement_credential,
    hashed_identity,
    issuer_url,
    publishes_identity_salt,
    status_list_url,
)
from .credentials.multikey import verification_method_id
from .credentials.signing import sign_credential
from .credentials.status_list import MIN_BITS, build_status_list_credential
from .models import Certificate, CertificationProgramme

# One status list per issuer and block of 131,072 certificates.
LIST_SIZE = MIN_BITS


def status_list_id_for(index: int) -> int:
    return index // LIST_SIZE + 1


def _achievement(programme: CertificationProgramme) -> AchievementDefinition:
    occupation = programme.occupation
    criteria = (
        f"{programme.class_hours_required} class hours of study "
        f"({programme.minutes_per_class_hour} minutes each) within {programme.window_months} "
        f"months, recorded in the Night School ledger and checked by {programme.issuer.name}"
    )
    if occupation:
        criteria += f"; occupation {occupation.code} {occupation.name_zh}"
    return AchievementDefinition(
        slug=f"programme-{programme.pk}",
        name=f"{programme.name_zh} / {programme.name_en}"
        if programme.name_en
        else programme.name_zh,
        description=programme.description or programme.name_zh,
        criteria=criteria,
        class_hours_required=Decimal(programme.class_hours_required),
    )


def activity_period(
    *, learner_id: int, entries: list[dict]
) -> tuple[dt.datetime, dt.datetime] | None:
    """When the study counted toward a certificate happened: from the start of the first
    activity to the end of the last (``entries`` as an application's snapshot froze them).

    A lesson ran from the learner's first watch session of it to the moment it banked; a
    classroom attendance from check-in to check-out, within the session's times (as it was
    credited); a passed quiz, a transfer or an adjustment is the moment it was entered. None
    when nothing was counted.
    """
    if not entries:
        return None
    lesson_ids = {e["lesson"] for e in entries if e["kind"] == "lesson" and e.get("lesson")}
    first_watch = dict(
        WatchSession.objects.filter(learner_id=learner_id, lesson_id__in=lesson_ids)
        .values("lesson_id")
        .annotate(first=Min("started_at"))
        .values_list("lesson_id", "first")
    )
    attendances = {
        a.pk: a
        for a in Attendance.objects.filter(
            pk__in=[e["attendance"] for e in entries if e.get("attendance")]
        ).select_related("session")
    }
    starts, ends = [], []
    for entry in entries:
        banked = dt.datetime.fromisoformat(entry["created_at"])
        attendance = attendances.get(entry.get("attendance"))
        if entry["kind"] == "classroom" and attendance and attendance.checked_out_at:
            session = attendance.session
            starts.append(max(attendance.checked_in_at, session.starts_at))
            ends.append(min(attendance.checked_out_at, session.ends_at))
            continue
        watched_from = first_watch.get(entry.get("lesson")) if entry["kind"] == "lesson" else None
        starts.append(min(watched_from, banked) if watched_from else banked)
        ends.append(banked)
    return min(starts), max(ends)


def certificate_sign(*, certificate: Certificate) -> dict:
    """Build and sign the certificate's credential with the platform key."""
    programme = certificate.programme
    base = keys.base_url()
    issued = certificate.issued_at
    period = activity_period(
        learner_id=certificate.learner_id,
        entries=certificate.application.snapshot.get("entries", []),
    )
    activity_start, activity_end = period or (issued, issued)
    local_list = status_list_id_for(certificate.status_index)
    document = build_achievement_credential(
        base_url=base,
        public_id=certificate.public_id,
        org_id=programme.issuer_id,
        issuer_name=programme.issuer.name,
        achievement=_achievement(programme),
        minutes=certificate.minutes,
        minutes_per_class_hour=programme.minutes_per_class_hour,
        activity_start=activity_start,
        activity_end=activity_end,
        valid_from=issued,
        valid_until=certificate.valid_until,
        subject_id=f"urn:uuid:{uuid.uuid4()}",
        recipient_name=certificate.learner.real_name or None,
        salt=keys.holder_salt(certificate.public_id),
        status_list=status_list_url(base, programme.issuer_id, local_list),
        status_index=certificate.status_index % LIST_SIZE,
        name=f"{programme.name_zh} · {certificate.number}",
    )
    issuer = issuer_url(base, programme.issuer_id)
    return sign_credential(
        document,
        private_key=keys.signing_key(),
        verification_method=keys.verification_method(issuer),
        created=issued,
    )


def holder_identity(*, certificate: Certificate) -> dict | None:
    """For the holder only: what proves the certificate's name hash is theirs (their name
    and the secret salt), to share with a verifier when they choose. None for a credential
    whose salt is already in it (issued before subject privacy) or with no name hash."""
    credential = certificate.credential or {}
    if publishes_identity_salt(credential):
        return None
    subject = credential.get("credentialSubject") or {}
    names = [i for i in subject.get("identifier", []) if i.get("identityType") == "name"]
    if not names or not certificate.learner.real_name:
        return None
    # The salt of the key that signed it, which may be an earlier key on the ring.
    candidates = (
        hashed_identity(certificate.learner.real_name, identity_type="name", salt=salt)
        for salt in keys.holder_salts(certificate.public_id)
    )
    identity = next((i for i in candidates if i["identityHash"] == names[0]["identityHash"]), None)
    if identity is None:
        return None  # signed under a key no longer on the ring: no salt would prove anything
    salt = identity["salt"]
    return {
        "credential": credential.get("id"),
        "credentialSubject": subject.get("id"),
        "identityType": "name",
        "name": certificate.learner.real_name,
        "salt": salt,
        "identityHash": identity["identityHash"],
        "howToCheck": (
            "sha256$ + hex(SHA-256(name + salt)) equals the identityHash of the credential's "
            "credentialSubject.identifier. Share this file only with someone you want to "
            "show that the certificate is yours."
        ),
    }


def credential_is_public(*, certificate: Certificate) -> bool:
    """Whether anyone may fetch the signed credential by its URL. One issued before subject
    privacy carries the salt of its name hash, which with the masked name on the public
    page lets the name be guessed; it cannot be changed without breaking its signature, so
    it is served to its holder and the issuer's reviewers only."""
    return not publishes_identity_salt(certificate.credential or {})


def issuer_profile(*, org: Organisation) -> dict:
    """The issuer's public profile, with every key that verifies its credentials: the one
    that signs now first, then those that signed before a rotation."""
    issuer = issuer_url(keys.base_url(), org.pk)
    methods = [
        {
            "id": verification_method_id(issuer, public),
            "type": "Multikey",
            "controller": issuer,
            "publicKeyMultibase": public,
        }
        for public in keys.public_multikeys()
    ]
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://w3id.org/security/multikey/v1",
        ],
        "id": issuer,
        "type": ["Profile"],
        "name": org.name,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def verification_url(*, public_id: str) -> str:
    """The public verification page a certificate prints (its QR code): under the credential
    base URL like everything the certificate names, whatever host it was downloaded from."""
    return keys.base_url() + reverse("verify", args=[public_id])


def programme_achievement(*, programme: CertificationProgramme) -> dict:
    """The achievement a programme's credentials name, as served at its URL."""
    return achievement_document(
        base_url=keys.base_url(),
        achievement=_achievement(programme),
        minutes_per_class_hour=programme.minutes_per_class_hour,
    )


def status_list_allocated(*, org_id: int, list_id: int) -> bool:
    """Whether any certificate of this issuer has its bit in this list: only such a list
    exists. Any other number is not a list, not an all-clear one."""
    if list_id < 1:
        return False
    first = (list_id - 1) * LIST_SIZE
    return Certificate.objects.filter(
        programme__issuer_id=org_id, status_index__gte=first, status_index__lt=first + LIST_SIZE
    ).exists()


def status_list_credential(*, org_id: int, list_id: int, now: dt.datetime | None = None) -> dict:
    """The signed revocation list for one issuer, as of now."""
    first = (list_id - 1) * LIST_SIZE
    revoked = Certificate.objects.filter(
        programme__issuer_id=org_id,
        revoked_at__isnull=False,
        status_index__gte=first,
        status_index__lt=first + LIST_SIZE,
    ).values_list("status_index", flat=True)
    base = keys.base_url()
    issuer = issuer_url(base, org_id)
    # Valid from a little before now, so a verifier whose clock runs slightly behind ours
    # does not reject a list made this very second.
    since = (now or timezone.now()).replace(microsecond=0) - dt.timedelta(minutes=5)
    document = build_status_list_credential(
        url=status_list_url(base, org_id, list_id),
        issuer_id=issuer,
        set_indexes=[index - first for index in revoked],
        valid_from=since,
    )
    return sign_credential(
        document,
        private_key=keys.signing_key(),
        verification_method=keys.verification_method(issuer),
        created=since,
    )


STATUS_URL = re.compile(r"/credentials/issuers/(?P<org>\d+)/status/(?P<list>\d+)$")


def resolve_status_list(url: str) -> dict | None:
    """For verification on this platform: our own status lists, straight from the database."""
    if not url.startswith(keys.base_url() + "/"):
        return None
    match = STATUS_URL.search(url)
    if match is None:
        return None
    org_id, list_id = int(match["org"]), int(match["list"])
    if not status_list_allocated(org_id=org_id, list_id=list_id):
        return None
    return status_list_credential(org_id=org_id, list_id=list_id)
