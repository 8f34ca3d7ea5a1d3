"""Permissions that follow from a person's role rather than from group membership."""

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import PermissionDenied

from .selectors import user_can_use_admin

ADMIN_ACCESS = "wagtailadmin.access_admin"


class RolePermissionBackend(BaseBackend):
    """Decides alone who may enter the Wagtail admin: instructors and administrators.

    It stands first in AUTHENTICATION_BACKENDS. For anyone else it raises PermissionDenied,
    which stops Django asking the other backends, so a learner or reviewer placed in a group
    that carries the admin permission by mistake still stays out. Groups keep deciding what
    an instructor may edit once inside.
    """

    def get_user(self, user_id):
        # Sessions may name this backend (it stands first); loading the user is ModelBackend's job.
        return ModelBackend().get_user(user_id)

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if perm != ADMIN_ACCESS:
            return False
        if user_can_use_admin(user_obj):
            return True
        raise PermissionDenied
