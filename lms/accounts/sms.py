"""The one door through which text messages leave Night School.

A provider plugs in by naming a class with a ``send(phone, text)`` method in the
``SMS_SENDER`` setting. The default writes to the log, which is where `make run` shows codes.
"""

import logging
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("lms.sms")


class SmsSender(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleSmsSender:
    """Prints each message, so a developer can log in without a provider."""

    def send(self, *, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)
        print(f"[SMS to {phone}] {text}", flush=True)  # noqa: T201


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str


class MemorySmsSender:
    """Keeps messages in ``outbox`` for the test suite, like Django's locmem mail backend."""

    outbox: list[SentSms] = []

    def send(self, *, phone: str, text: str) -> None:
        MemorySmsSender.outbox.append(SentSms(phone=phone, text=text))


@cache
def _sender_class(path: str) -> type:
    return import_string(path)


def get_sms_sender() -> SmsSender:
    return _sender_class(settings.SMS_SENDER)()


def send_sms(*, phone: str, text: str) -> None:
    get_sms_sender().send(phone=phone, text=text)
