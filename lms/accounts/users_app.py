from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with the role, organisation and phone on its forms."""

    user_viewset = "lms.accounts.viewsets.UserViewSet"
