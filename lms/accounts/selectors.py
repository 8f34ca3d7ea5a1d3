"""Reads of people and organisations."""

from django.db.models import QuerySet

from .models import Organisation, User

ADMIN_ROLES = {User.Role.INSTRUCTOR, User.Role.ADMIN}


def user_display_name(user: User) -> str:
    return str(user)


def user_can_use_admin(user: User) -> bool:
    """The Wagtail admin is for instructors and administrators; learners and reviewers stay out."""
    return bool(user.is_active and (user.is_superuser or user.role in ADMIN_ROLES))


def organisations_user_may_manage(user: User) -> QuerySet[Organisation]:
    if not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser or user.role == User.Role.ADMIN:
        return Organisation.objects.all()
    if user.role == User.Role.INSTRUCTOR and user.organisation_id:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.none()
