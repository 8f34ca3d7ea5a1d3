"""Resident ID numbers: checked against GB 11643, kept encrypted, shown masked.

An ID number is stored three ways and never in clear: Fernet ciphertext under the keys of
``IDENTITY_ENCRYPTION_KEYS`` (the first encrypts, all decrypt, so keys can be rotated), a
keyed SHA-256 digest under ``IDENTITY_DIGEST_KEY`` (one ID number backs one account), and a
masked form for every page and list. Only ``id_number_reveal`` gives the clear number back;
its one caller is the claim file an HR office is entitled to.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .id_numbers import (
    id_number_birth_date,
    id_number_check_character,
    id_number_clean,
    id_number_mask,
    redact_id_numbers,
)
from .models import GroupMembership, RealNameIdentity, User

__all__ = [
    "id_number_birth_date",
    "id_number_check_character",
    "id_number_clean",
    "id_number_digest",
    "id_number_mask",
    "id_number_reveal",
    "identity_declare",
    "identity_groups",
    "identity_of",
    "redact_id_numbers",
]


def _derived(label: bytes) -> bytes:
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("IDENTITY_ENCRYPTION_KEYS or SECRET_KEY must be set.")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        settings.SECRET_KEY.encode()
    )


def _cipher() -> MultiFernet:
    keys = list(getattr(settings, "IDENTITY_ENCRYPTION_KEYS", []) or [])
    if not keys:  # one machine: a key derived from SECRET_KEY; production requires its own
        keys = [base64.urlsafe_b64encode(_derived(b"nightschool identity encryption"))]
    return MultiFernet([Fernet(key) for key in keys])


def _digest_key() -> bytes:
    key = getattr(settings, "IDENTITY_DIGEST_KEY", "") or ""
    return key.encode() if key else _derived(b"nightschool identity digest")


@sensitive_variables()
def id_number_digest(number: str) -> str:
    return hmac.new(_digest_key(), number.encode(), hashlib.sha256).hexdigest()


def id_number_reveal(*, identity: RealNameIdentity) -> str:
    """The clear ID number. Only the claim file an HR office is entitled to calls this."""
    try:
        return _cipher().decrypt(identity.id_number_ciphertext.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An ID number cannot be decrypted with IDENTITY_ENCRYPTION_KEYS: a key was lost."
        ) from None


def identity_of(user: User) -> RealNameIdentity | None:
    try:
        return user.identity
    except RealNameIdentity.DoesNotExist:
        return None


def identity_groups(identity: RealNameIdentity | None) -> set[str]:
    if identity is None:
        return set()
    return set(identity.groups.values_list("group", flat=True))


@sensitive_variables()  # every frame below too: Django's error reports show none of their values
def identity_declare(
    *, user: User, real_name: str, id_number: str, groups: list[str]
) -> RealNameIdentity:
    """Record (or correct) a learner's real name, ID number and groups.

    A malformed number, a number another account already holds, an empty name, an unknown
    group or an account that is not a learner's is refused with a ValidationError (its
    ``code`` says which) and changes nothing. A correction replaces the ciphertext, digest and
    masked form together.
    """
    if user.role != User.Role.LEARNER:
        raise ValidationError(
            _("Only learners declare a real-name identity for a subsidy."), code="role"
        )
    real_name = (real_name or "").strip()
    if not real_name:
        raise ValidationError(_("Give your real name as on your ID card."), code="name")
    number = id_number_clean(id_number)
    known = set(User.LearnerGroup.values)
    unknown = [group for group in groups if group not in known]
    if unknown:
        raise ValidationError(
            _("Unknown learner group: %(groups)s.") % {"groups": ", ".join(unknown)},
            code="group",
        )
    digest = id_number_digest(number)
    if RealNameIdentity.objects.filter(id_number_digest=digest).exclude(user=user).exists():
        raise ValidationError(
            _("This ID number is already registered to another account."), code="taken"
        )
    now = timezone.now()
    with transaction.atomic():  # a block, not a decorator: its frame would hold the arguments
        identity = identity_of(user) or RealNameIdentity(user=user, declared_at=now)
        identity.real_name = real_name
        identity.id_number_ciphertext = _cipher().encrypt(number.encode()).decode()
        identity.id_number_digest = digest
        identity.id_number_masked = id_number_mask(number)
        identity.birth_date = id_number_birth_date(number)
        identity.updated_at = now
        try:
            with transaction.atomic():
                identity.save()
        except IntegrityError:  # a concurrent declaration of the same number won the race
            if identity.pk is None:
                user._state.fields_cache.pop("identity", None)
            raise ValidationError(
                _("This ID number is already registered to another account."), code="taken"
            ) from None
        identity.groups.exclude(group__in=groups).delete()
        for group in sorted(set(groups)):
            GroupMembership.objects.get_or_create(identity=identity, group=group)
        if user.real_name != real_name:
            user.real_name = real_name
            user.save(update_fields=["real_name"])
    return identity


def identity_keys_rotate(*, batch_size: int = 500) -> int:
    """Encrypt every stored ID number again under the first key of IDENTITY_ENCRYPTION_KEYS,
    so the keys after it can be retired. Returns how many were re-encrypted. The digest and
    the masked form do not change; a row no listed key decrypts stops it, changing nothing
    more (ImproperlyConfigured)."""
    cipher = _cipher()
    done = 0
    ids = list(RealNameIdentity.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            rows = RealNameIdentity.objects.select_for_update().filter(
                pk__in=ids[start : start + batch_size]
            )
            for identity in rows:
                try:
                    token = cipher.rotate(identity.id_number_ciphertext.encode())
                except InvalidToken:
                    raise ImproperlyConfigured(
                        f"The ID number of identity {identity.pk} cannot be decrypted with "
                        "IDENTITY_ENCRYPTION_KEYS: keep the key it was encrypted with listed."
                    ) from None
                RealNameIdentity.objects.filter(pk=identity.pk).update(
                    id_number_ciphertext=token.decode()
                )
                done += 1
    return done
