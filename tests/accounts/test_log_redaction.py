"""No resident ID number reaches a log: every handler of LOGGING masks it, whatever logger
the record comes from, in the message, its arguments and the exception's traceback."""

import io
import logging

from django.conf import settings as django_settings
from django.core import mail

import pytest

from lms.accounts.logging import RedactIdNumbers

NUMBER = "11010519491231002X"
MASKED = "110***********002X"


@pytest.fixture
def console():
    """The configured console handler (the root's), writing into a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_every_handler_in_the_logging_settings_masks_id_numbers():
    config = django_settings.LOGGING
    redacting = {
        name
        for name, spec in config["filters"].items()
        if spec.get("()") == "lms.accounts.logging.RedactIdNumbers"
    }
    assert redacting
    for name, handler in config["handlers"].items():
        assert redacting & set(handler.get("filters", [])), name


def test_the_live_handlers_carry_the_filter():
    handlers = list(logging.getLogger().handlers)
    for name in ("django", "django.server"):
        handlers += logging.getLogger(name).handlers
    ours = [h for h in handlers if h.get_name() in django_settings.LOGGING["handlers"]]
    assert {h.get_name() for h in ours} == {"console", "mail_admins", "django.server"}
    for handler in ours:  # (pytest adds capturing handlers of its own to the root)
        assert any(isinstance(f, RedactIdNumbers) for f in handler.filters), handler


def test_a_number_given_as_an_argument_is_masked_in_the_console(console):
    logging.getLogger("lms.programmes").warning("claim line for %s refused: %s", NUMBER, "late")
    logging.getLogger("courses").warning("learner %(id)s enrolled", {"id": NUMBER.lower()})
    written = console.getvalue()
    assert NUMBER not in written and NUMBER[:17] not in written
    assert f"claim line for {MASKED} refused: late" in written
    assert f"learner {MASKED} enrolled" in written


def test_an_exception_holding_a_number_is_masked_in_its_traceback(console):
    try:
        raise ValueError(f"no such person: {NUMBER}")
    except ValueError:
        logging.getLogger("credits").exception("import failed for %s", NUMBER)
    written = console.getvalue()
    assert "Traceback" in written and "ValueError: no such person: " + MASKED in written
    assert NUMBER not in written and NUMBER[:17] not in written


def test_a_stack_dump_is_masked(console):
    def deep(number):
        logging.getLogger("lms").warning("here", stack_info=True)

    deep(NUMBER)
    assert "Stack (most recent call last)" in console.getvalue()
    logging.getLogger("lms").warning(f"inline {NUMBER}")
    assert NUMBER not in console.getvalue()


def test_the_development_servers_request_lines_are_masked():
    handler = logging.getLogger("django.server").handlers[0]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /accounts/identity/?id={NUMBER} HTTP/1.1", "200", "512"
        )
    finally:
        handler.setStream(previous)
    assert f"/accounts/identity/?id={MASKED}" in buffer.getvalue()
    assert NUMBER not in buffer.getvalue()


def test_the_error_mail_to_administrators_is_masked(settings):
    settings.ADMINS = [("Ops", "ops@nightschool.example")]
    try:
        raise RuntimeError(f"cannot decrypt {NUMBER}")
    except RuntimeError:
        logging.getLogger("django.request").error("failed for %s", NUMBER, exc_info=True)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0].subject + mail.outbox[0].body
    assert MASKED in sent and NUMBER not in sent and NUMBER[:17] not in sent
