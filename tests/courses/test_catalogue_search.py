"""Whatever anyone types into the catalogue's search and filters, the page answers, and it
answers with what the words mean rather than what the search index's syntax would make of them.
"""

from django.core.management import call_command
from django.test import Client

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.selectors import search_words
from courses.text import plain_text
from tests.helpers import make_course

pytestmark = pytest.mark.django_db

ODD_QUERIES = [
    '"',
    '""',
    'a"b',
    "'",
    "*",
    "-",
    "-安全",
    "^骑行",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(安全 骑行)",
    "安全 AND",
    "OR 骑行",
    "(",
    "())",
    "title:安全",
    "{a b}",
    "a:b",
    "\\",
    "%s",
    "100%",
    "_",
    "x" * 5000,
    "安全" * 3000,
    "a\x00b",
    "\x00",
    "\x01\x1f\x7f",
    "\u200b\u200d",
    "😀",
    "🚴\u200d♂️ 骑行",
    "\ud7ff",
    "+",
]


@pytest.fixture
def catalogue_url(school, occupation):
    make_course(school, occupation, title="电动车安全骑行", lessons=1)
    make_course(school, occupation, title="客户沟通技巧", lessons=1)
    call_command("update_index", verbosity=0)
    return school.get_parent().url


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_catalogue_answers_any_query(client, catalogue_url, query):
    response = client.get(catalogue_url, {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ODD_QUERIES)
def test_catalogue_answers_any_filter_value(client, catalogue_url, value):
    response = client.get(catalogue_url, {"occupation": value, "demand": value, "q": value})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        '"安全骑行"',
        "安全骑行*",
        "(安全骑行)",
        "-安全骑行",
        "安全骑行 AND",
        "安全骑行\x00",
        " 安全骑行 ",
    ],
)
def test_search_syntax_around_words_still_finds_the_course(client, catalogue_url, query):
    page = client.get(catalogue_url, {"q": query}).content.decode()
    assert "电动车安全骑行" in page
    assert "客户沟通技巧" not in page


def test_an_operator_word_alone_is_looked_for_as_a_word(client, catalogue_url):
    page = client.get(catalogue_url, {"q": "NOT"}).content.decode()
    assert "电动车安全骑行" not in page and "客户沟通技巧" not in page


def test_query_shown_back_is_cleaned_and_escaped(client, catalogue_url):
    page = client.get(catalogue_url, {"q": '<b>"x"\x00</b>'}).content.decode()
    assert "\x00" not in page
    assert '<b>"x"' not in page


def test_plain_text_drops_control_characters_and_keeps_words():
    assert plain_text("a\x00b\tc\u200bd 😀", max_chars=100) == "a b c d 😀"
    assert plain_text("x" * 500, max_chars=100) == "x" * 100


def test_search_words_keep_only_words():
    assert search_words('"安全" AND (骑行*) -x') == ["安全", "骑行", "x"]
    assert search_words("NOT") == ["NOT"]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.text(max_size=300),
    occupation=st.text(max_size=40),
    demand=st.text(max_size=40),
)
def test_no_catalogue_input_from_anyone_gets_a_server_error(catalogue_url, q, occupation, demand):
    anonymous = Client(raise_request_exception=False)
    response = anonymous.get(catalogue_url, {"q": q, "occupation": occupation, "demand": demand})
    assert response.status_code == 200, (q, occupation, demand)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.binary(max_size=200))
def test_no_raw_query_string_gets_a_server_error(catalogue_url, raw):
    """Bytes as they come off the wire, percent-encoded or not, valid UTF-8 or not."""
    from urllib.parse import quote_from_bytes

    anonymous = Client(raise_request_exception=False)
    response = anonymous.get(f"{catalogue_url}?q={quote_from_bytes(raw)}")
    assert response.status_code == 200
