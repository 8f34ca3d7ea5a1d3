"""Log records leave the process with every resident ID number masked.

``RedactIdNumbers`` sits on every handler in ``LOGGING`` (lms.settings.base), so whatever
logger a record comes from, and whichever handler writes or sends it, the message (after its
arguments are put in), the exception's traceback text and the stack are masked first.
"""

import logging

from .id_numbers import redact_id_numbers


class RedactIdNumbers(logging.Filter):
    """Mask ID numbers in a record in place; it passes every record on.

    The exception is formatted and masked into ``exc_text``, and ``exc_info`` is dropped: a
    handler that formats the live exception itself (the admin e-mail's report, with the
    values of every frame) would otherwise print the number again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: keep both, masked
            message = f"{record.msg} {record.args!r}"
        record.msg = redact_id_numbers(str(message))
        record.args = ()
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact_id_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_id_numbers(record.stack_info)
        return True
