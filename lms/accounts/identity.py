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
import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .models import GroupMembership, RealNameIdentity, User

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
SHAPE = re.compile(r"^[1-9]\d{5}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$")
# Anything in running text that looks like an ID number: 17 digits and a digit or X.
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")


def id_number_check_character(first_17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def id_number_clean(value: str) -> str:
    """The ID number in its one stored form (18 characters, capital X), or a ValidationError
    that says what is wrong with it."""
    number = (value or "").strip().replace(" ", "").upper()
    match = SHAPE.match(number)
    if not match:
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits, then a digit or X."),
            code="shape",
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        born = date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("The date of birth in this ID number does not exist."), code="birth_date"
        ) from None
    if born > timezone.localdate() or year < 1900:
        raise ValidationError(
            _("The date of birth in this ID number is not possible."), code="birth_date"
        )
    if id_number_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID number's last character does not match: please check every digit."),
            code="checksum",
        )
    return number


def id_number_birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_number_mask(number: str) -> str:
    """What every page shows: the first three and the last four characters."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def redact_id_numbers(text: str) -> str:
    """Running text with every ID number masked: for log lines and messages."""
    return ID_NUMBER_IN_TEXT.sub(lambda match: id_number_mask(match.group(0).upper()), text)


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


@transaction.atomic
def identity_declare(
    *, user: User, real_name: str, id_number: str, groups: list[str]
) -> RealNameIdentity:
    """Record (or correct) a learner's real name, ID number and groups.

    A malformed number, a number another account already holds, an empty name or an unknown
    group is refused with a ValidationError and changes nothing.
    """
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
