"""Writes to people and organisations."""

from django.contrib.auth.hashers import identify_hasher
from django.db import transaction

from .models import Organisation, User
from .phones import normalize_phone


@transaction.atomic
def user_complete_learner_signup(*, user: User, real_name: str, learner_group: str) -> User:
    user.real_name = real_name.strip()
    user.learner_group = learner_group
    user.role = User.Role.LEARNER
    if user.pk:
        user.save(update_fields=["real_name", "learner_group", "role"])
    return user


@transaction.atomic
def organisation_get_or_create(*, name: str, kind: str, **details: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, **details}
    )
    return organisation


@transaction.atomic
def user_create(
    *,
    role: str,
    real_name: str,
    phone: str | None = None,
    email: str = "",
    password: str | None = None,
    password_hash: str | None = None,
    organisation: Organisation | None = None,
    learner_group: str = User.LearnerGroup.OTHER,
    employer: Organisation | None = None,
) -> User:
    """Create anyone; learners are keyed by phone, staff by email. Phones are normalised.

    ``password_hash`` is a password already hashed by ``make_password``, for accounts made
    in bulk that share one (the demo's): hashing is slow on purpose, so it is done once.
    """
    normalized = normalize_phone(phone) if phone else None
    username = email or normalized
    if not username:
        raise ValueError("A user needs a phone number or an email address.")
    user = User(
        username=username,
        email=email,
        phone=normalized,
        phone_verified=bool(normalized),
        real_name=real_name,
        role=role,
        organisation=organisation,
        learner_group=learner_group,
        employer=employer,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
    )
    if password:
        user.set_password(password)
    elif password_hash:
        identify_hasher(password_hash)  # a ValueError for anything make_password did not make
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if email:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=email.lower(), defaults={"verified": True, "primary": True}
        )
    return user
