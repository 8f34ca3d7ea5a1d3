"""Real-name identity for subsidies: GB 11643, one number one account, encrypted at rest,
masked on every page, and the learner's own page, from the side of who is refused."""

import datetime as dt
import sys

from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import RequestFactory
from django.utils import timezone, translation
from django.views.debug import ExceptionReporter

import pytest
from cryptography.fernet import Fernet, InvalidToken

from lms.accounts import views as account_views
from lms.accounts.identity import (
    id_number_reveal,
    identity_declare,
    identity_groups,
    redact_id_numbers,
)
from lms.accounts.models import GroupMembership, Organisation, RealNameIdentity, User
from tests.factories import InstructorFactory, OrganisationFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/identity/"


def gb11643(first_17: str) -> str:
    """The whole number for 17 digits, computed the way the standard writes it (ISO 7064
    MOD 11-2: weights 2^(17-i) mod 11), independently of the code under test."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first_17))
    check = (12 - total % 11) % 11
    return first_17 + ("X" if check == 10 else str(check))


# The standard's own example, whose check character is X.
WITH_X = "11010519491231002X"
WITH_DIGIT = gb11643("44030819900307123")
OTHER = gb11643("32010619850712045")


def declare(user, number=WITH_X, *, name="张三", groups=("gig_worker",)):
    return identity_declare(user=user, real_name=name, id_number=number, groups=list(groups))


@pytest.fixture
def english(client):
    """A browser that chose English with the language switch (the site opens in Chinese)."""
    client.cookies["django_language"] = "en"
    return client


def hr_officer():
    office = OrganisationFactory(name="深圳市人社局", kind=Organisation.Kind.HR_OFFICE, city="深圳")
    return UserFactory(role=User.Role.HR_OFFICER, organisation=office, phone=None)


# --- GB 11643.


def test_the_independent_check_agrees_with_the_standards_example():
    assert gb11643(WITH_X[:17]) == WITH_X


def test_a_valid_number_ending_in_x_is_stored_encrypted_and_masked():
    learner = UserFactory()
    identity = declare(learner, WITH_X)
    identity.refresh_from_db()
    assert identity.id_number_masked == "110***********002X"
    assert identity.birth_date == dt.date(1949, 12, 31)
    assert id_number_reveal(identity=identity) == WITH_X
    assert learner.real_name == "张三"
    assert identity_groups(identity) == {"gig_worker"}


def test_a_lower_case_x_is_stored_as_a_capital_and_is_the_same_number():
    first, second = UserFactory(), UserFactory()
    identity = declare(first, WITH_X.lower())
    assert id_number_reveal(identity=identity) == WITH_X
    with pytest.raises(ValidationError) as refused:
        declare(second, WITH_X)
    assert refused.value.code == "taken"


def test_a_number_typed_in_full_width_digits_or_groups_is_the_same_number():
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    full_width = WITH_DIGIT.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    identity = declare(first, full_width)
    assert id_number_reveal(identity=identity) == WITH_DIGIT
    for user, written in (
        (second, WITH_DIGIT),
        (third, f"{WITH_DIGIT[:6]} {WITH_DIGIT[6:14]} {WITH_DIGIT[14:]}"),
    ):
        with pytest.raises(ValidationError) as refused:
            declare(user, written)
        assert refused.value.code == "taken"
    assert RealNameIdentity.objects.count() == 1


REFUSED = [
    pytest.param(
        WITH_X[:17] + "5",
        "checksum",
        "This ID number's last character does not match",
        id="wrong check digit",
    ),
    pytest.param(
        gb11643("11010519990230001"),
        "birth_date",
        "The date of birth in this ID number does not exist.",
        id="impossible date 19990230",
    ),
    pytest.param(
        gb11643(f"110105{timezone.localdate().year + 1}0101001"),
        "birth_date",
        "The date of birth in this ID number is not possible.",
        id="future date",
    ),
    pytest.param(
        WITH_X[:17],
        "shape",
        "A resident ID number has 18 characters: 17 digits, then a digit or X.",
        id="17 characters",
    ),
    pytest.param(
        "11010519491231ABCD",
        "shape",
        "A resident ID number has 18 characters: 17 digits, then a digit or X.",
        id="letters",
    ),
    pytest.param("", "required", "Enter your resident ID number.", id="empty"),
]


@pytest.mark.parametrize(("number", "code", "message"), REFUSED)
def test_a_malformed_number_is_refused_with_its_reason_and_nothing_is_stored(number, code, message):
    learner = UserFactory(real_name="")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        declare(learner, number)
    assert refused.value.code == code
    assert refused.value.messages[0].startswith(message)
    assert not RealNameIdentity.objects.exists() and not GroupMembership.objects.exists()
    learner.refresh_from_db()
    assert learner.real_name == ""


@pytest.mark.parametrize(("number", "code", "message"), REFUSED)
def test_the_page_says_why_a_number_is_refused_and_stores_nothing(english, number, code, message):
    client = english
    learner = UserFactory()
    client.force_login(learner)
    response = client.post(URL, {"real_name": "张三", "id_number": number})
    assert response.status_code == 200
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not RealNameIdentity.objects.exists()


def test_an_empty_name_and_an_unknown_group_are_refused():
    learner = UserFactory()
    with pytest.raises(ValidationError) as no_name:
        declare(learner, WITH_X, name="  ")
    assert no_name.value.code == "name"
    with pytest.raises(ValidationError) as bad_group:
        declare(learner, WITH_X, groups=["astronaut"])
    assert bad_group.value.code == "group"
    assert not RealNameIdentity.objects.exists()


def test_staff_cannot_declare_an_identity():
    with pytest.raises(ValidationError) as refused:
        declare(InstructorFactory(), WITH_X)
    assert refused.value.code == "role"
    assert not RealNameIdentity.objects.exists()


# --- One number, one account; corrections.


def test_the_same_number_on_a_second_account_is_refused_and_changes_nothing():
    first, second = UserFactory(), UserFactory(real_name="李四")
    declare(first, WITH_X)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        declare(second, WITH_X, name="冒名")
    assert refused.value.messages == ["This ID number is already registered to another account."]
    assert RealNameIdentity.objects.get().user == first
    second.refresh_from_db()
    assert second.real_name == "李四"


def test_a_correction_replaces_ciphertext_digest_mask_and_groups_and_frees_the_old_number():
    learner, other = UserFactory(), UserFactory()
    before = declare(learner, WITH_X, groups=["gig_worker", "rural_migrant"])
    old = RealNameIdentity.objects.values().get(pk=before.pk)
    after = declare(learner, WITH_DIGIT, name="张三丰", groups=["job_seeker"])
    new = RealNameIdentity.objects.values().get(pk=before.pk)
    assert after.pk == before.pk and RealNameIdentity.objects.count() == 1
    for field in ("id_number_ciphertext", "id_number_digest", "id_number_masked", "birth_date"):
        assert new[field] != old[field], field
    assert new["id_number_masked"] == WITH_DIGIT[:3] + "*" * 11 + WITH_DIGIT[-4:]
    assert new["declared_at"] == old["declared_at"] and new["updated_at"] > old["updated_at"]
    assert id_number_reveal(identity=after) == WITH_DIGIT
    assert identity_groups(after) == {"job_seeker"}
    declare(other, WITH_X)  # the number given up is free for its owner's real account
    assert RealNameIdentity.objects.count() == 2


def test_no_stored_column_holds_the_number_or_its_first_17_digits():
    learner = UserFactory()
    identity = declare(learner, WITH_DIGIT)
    row = RealNameIdentity.objects.values().get(pk=identity.pk)
    stored = " ".join(str(value) for value in row.values())
    assert WITH_DIGIT not in stored and WITH_DIGIT[:17] not in stored
    assert WITH_DIGIT[6:14] not in row["id_number_ciphertext"]  # nor the date of birth


def test_two_declarations_of_one_number_give_different_ciphertexts_but_one_digest():
    learner = UserFactory()
    first = declare(learner, WITH_X).id_number_ciphertext
    identity = declare(learner, WITH_X)
    assert identity.id_number_ciphertext != first  # Fernet is randomised: no equality leaks


def test_key_rotation_old_numbers_still_decrypt_after_a_new_key_is_put_first(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.IDENTITY_ENCRYPTION_KEYS = [old_key]
    early = declare(UserFactory(), WITH_X)
    settings.IDENTITY_ENCRYPTION_KEYS = [new_key, old_key]
    late = declare(UserFactory(), WITH_DIGIT)
    early.refresh_from_db()
    assert id_number_reveal(identity=early) == WITH_X
    assert id_number_reveal(identity=late) == WITH_DIGIT
    assert Fernet(new_key).decrypt(late.id_number_ciphertext.encode()).decode() == WITH_DIGIT
    with pytest.raises(InvalidToken):
        Fernet(old_key).decrypt(late.id_number_ciphertext.encode())
    settings.IDENTITY_ENCRYPTION_KEYS = [new_key]  # the old key dropped too soon
    with pytest.raises(ImproperlyConfigured):
        id_number_reveal(identity=early)


def test_the_digest_is_keyed_so_a_leaked_table_cannot_be_searched_without_the_key(settings):
    learner = UserFactory()
    settings.IDENTITY_DIGEST_KEY = "k" * 40
    first = declare(learner, WITH_X).id_number_digest
    settings.IDENTITY_DIGEST_KEY = "j" * 40
    assert declare(learner, WITH_X).id_number_digest != first


def test_masking_in_running_text_covers_every_way_a_number_is_written():
    text = (
        f"a {WITH_X} b ID{WITH_X.lower()} c {WITH_DIGIT[:6]} {WITH_DIGIT[6:14]} {WITH_DIGIT[14:]}"
        f" 身份证{OTHER}号"
    )
    masked = redact_id_numbers(text)
    for number in (WITH_X, WITH_DIGIT[:17], WITH_DIGIT[6:14], OTHER):
        assert number not in masked and number.lower() not in masked
    assert "110***********002X" in masked and f"身份证{OTHER[:3]}" in masked
    assert redact_id_numbers(f"{WITH_DIGIT}7") == f"{WITH_DIGIT}7"  # 19 digits are not one


# --- The page, from the side of who is refused.


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(URL, {"real_name": "张三", "id_number": WITH_X}).status_code == 302
    assert not RealNameIdentity.objects.exists()


@pytest.mark.parametrize("make_staff", [InstructorFactory, hr_officer, ReviewerFactory])
def test_staff_get_a_404_and_cannot_post(client, make_staff):
    client.force_login(make_staff())
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"real_name": "张三", "id_number": WITH_X}).status_code == 404
    assert not RealNameIdentity.objects.exists()


def test_a_learner_sees_only_their_own_details(client):
    first, second = UserFactory(), UserFactory()
    declare(first, WITH_X, name="张三")
    client.force_login(second)
    page = client.get(URL).content.decode()
    assert "110***********002X" not in page and "张三" not in page
    client.post(URL, {"real_name": "李四", "id_number": WITH_DIGIT})
    page = client.get(URL).content.decode()
    assert WITH_DIGIT[:3] + "*" * 11 + WITH_DIGIT[-4:] in page
    assert "110***********002X" not in page
    assert id_number_reveal(identity=RealNameIdentity.objects.get(user=first)) == WITH_X


def test_after_saving_the_page_shows_the_masked_number_only_and_offers_a_correction(english):
    client = english
    learner = UserFactory()
    client.force_login(learner)
    response = client.post(
        URL,
        {"real_name": "张三", "id_number": WITH_X, "groups": ["gig_worker", "rural_migrant"]},
    )
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL).content.decode()
    assert "110***********002X" in page and WITH_X not in page and WITH_X[:17] not in page
    assert "Correct my details" in page and "Rural migrant worker" in page
    response = client.post(URL, {"real_name": "张三", "id_number": WITH_DIGIT})
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert WITH_DIGIT[-4:] in page and "110***********002X" not in page
    assert identity_groups(RealNameIdentity.objects.get()) == set()


def test_saving_returns_to_the_page_that_asked_and_never_to_another_site(client):
    client.force_login(UserFactory())
    asked = client.post(
        f"{URL}?next=/hours/", {"real_name": "张三", "id_number": WITH_X, "next": "/hours/"}
    )
    assert asked["Location"] == "/hours/"
    elsewhere = client.post(
        URL, {"real_name": "张三", "id_number": WITH_X, "next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == URL
    assert '"/hours/"' in client.get(f"{URL}?next=/hours/").content.decode()


def test_a_number_on_another_account_is_refused_on_the_page(english):
    client = english
    declare(UserFactory(), WITH_X)
    client.force_login(UserFactory())
    page = client.post(URL, {"real_name": "李四", "id_number": WITH_X})
    assert "This ID number is already registered to another account." in page.content.decode()
    assert RealNameIdentity.objects.count() == 1


def test_the_page_reads_in_chinese_by_default_and_in_english_on_request(client):
    client.force_login(UserFactory())
    chinese = client.get(URL).content.decode()
    assert "实名信息" in chinese and "为什么需要" in chinese and 'lang="zh-hans"' in chinese
    client.cookies["django_language"] = "en"
    english = client.get(URL).content.decode()
    assert "Real-name details" in english and "Why we ask" in english
    assert "实名信息" not in english


def test_home_and_my_hours_lead_to_the_page(english):
    client = english
    learner = UserFactory()
    client.force_login(learner)
    assert URL in client.get("/").content.decode()
    assert f"{URL}?next=/hours/" in client.get("/hours/").content.decode()
    declare(learner, WITH_X)
    home = client.get("/").content.decode()
    assert "Real name confirmed" in home and "110***********002X" in home
    assert WITH_X not in home


# --- Django's error reports.


def test_an_error_report_of_the_page_carries_no_number(monkeypatch, settings):
    """Both the DEBUG page's report (the values of every frame and the POST) and the e-mail to
    the administrators leave the number out."""

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(RealNameIdentity, "save", broken_save)
    learner = UserFactory()
    request = RequestFactory().post(URL, {"real_name": "张三", "id_number": WITH_X})
    request.user = learner
    try:
        account_views.identity(request)
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info())
        text, html = report.get_traceback_text(), report.get_traceback_html()
    else:
        pytest.fail("the broken save did not raise")
    assert "identity_declare" in text and "the database went away" in text
    for body in (text, html):
        assert WITH_X not in body and WITH_X[:17] not in body

    settings.ADMINS = [("Ops", "ops@nightschool.example")]
    settings.DEBUG = False
    from django.test import Client

    browser = Client(raise_request_exception=False)
    browser.force_login(learner)
    response = browser.post(URL, {"real_name": "张三", "id_number": WITH_X})
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    sent = mail.outbox[0].subject + mail.outbox[0].body
    assert "Internal Server Error" in sent
    assert WITH_X not in sent and WITH_X[:17] not in sent


def test_rotating_the_keys_re_encrypts_every_number_so_the_old_key_can_go(settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.IDENTITY_ENCRYPTION_KEYS = [old_key]
    first, second = declare(UserFactory(), WITH_X), declare(UserFactory(), WITH_DIGIT)
    digests = set(RealNameIdentity.objects.values_list("id_number_digest", flat=True))
    settings.IDENTITY_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(CommandError):  # the old key is not listed: nothing can be read
        call_command("identity_rotate_keys")
    settings.IDENTITY_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("identity_rotate_keys")
    settings.IDENTITY_ENCRYPTION_KEYS = [new_key]  # the old key retired
    for identity, number in ((first, WITH_X), (second, WITH_DIGIT)):
        identity.refresh_from_db()
        assert id_number_reveal(identity=identity) == number
    assert set(RealNameIdentity.objects.values_list("id_number_digest", flat=True)) == digests
