from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import Organisation
from .viewsets import OrganisationPermissionPolicy, OrganisationViewSet

register_permission_policy(Organisation, OrganisationPermissionPolicy(Organisation))
register_snippet(OrganisationViewSet)


# wagtail.org's release notes and editor guide: English pages on an outside host.
OUTSIDE_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("construct_help_menu")
def keep_help_menu_inside(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(OUTSIDE_HELP_ITEMS)]
