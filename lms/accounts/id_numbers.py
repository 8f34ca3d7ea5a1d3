"""Resident ID numbers as text: the GB 11643 check, the masked form, masking in running text.

Nothing here touches the database, so logging (configured before the apps load) can use
``redact_id_numbers``; ``lms.accounts.identity`` keeps them encrypted.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# ASCII digits only: Python's \d also takes full-width and other scripts' digits, which would
# give one person a second, differently written number (and a second digest).
SHAPE = re.compile(r"^[1-9][0-9]{5}([0-9]{4})([0-9]{2})([0-9]{2})[0-9]{3}[0-9X]$")
# Anything in running text that looks like an ID number: 17 digits and a digit or X, in ASCII or
# full-width digits, written whole or in its 6-8-4 groups with a space or hyphen between. Letters
# around it do not protect it ("ID110105..." is still a number); digits do (a longer run of
# digits is something else).
_DIGIT = "[0-9\uff10-\uff19]"
_GAP = "[ \\-\u3000]?"
ID_NUMBER_IN_TEXT = re.compile(
    rf"(?<![0-9\uff10-\uff19])[1-9\uff11-\uff19]{_DIGIT}{{5}}{_GAP}{_DIGIT}{{8}}{_GAP}"
    rf"{_DIGIT}{{3}}[0-9\uff10-\uff19Xx\uff38\uff58](?![0-9\uff10-\uff19])"
)


@sensitive_variables()
def id_number_check_character(first_17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def _normalised(value: str) -> str:
    """Full-width digits and letters as ASCII (phone keyboards type them), no spaces or
    hyphens between the groups, capital X."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or "")).upper()


@sensitive_variables()
def id_number_clean(value: str) -> str:
    """The ID number in its one stored form (18 characters, capital X), or a ValidationError
    that says what is wrong with it."""
    number = _normalised(value)
    if not number:
        raise ValidationError(_("Enter your resident ID number."), code="required")
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


@sensitive_variables()
def id_number_birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@sensitive_variables()
def id_number_mask(number: str) -> str:
    """What every page shows: the first three and the last four characters."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def redact_id_numbers(text: str) -> str:
    """Running text with every ID number masked: for log lines and messages."""
    return ID_NUMBER_IN_TEXT.sub(lambda match: id_number_mask(_normalised(match.group(0))), text)
