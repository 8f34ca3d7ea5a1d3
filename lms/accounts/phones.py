"""Phone numbers as couriers type them ("138 0013 8000") turned into one stored form (E.164)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import phonenumbers


def normalize_phone(raw: str) -> str:
    """Return the number in E.164, or raise ValidationError in the reader's language."""
    try:
        number = phonenumbers.parse(raw, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("This is not a phone number."), code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This phone number is not valid. Check the digits and try again."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """Show enough of a number to recognise it, not enough to call it."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:-8]}****{phone[-4:]}"
