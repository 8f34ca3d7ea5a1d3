from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import Organisation
from .viewsets import OrganisationPermissionPolicy, OrganisationViewSet

register_permission_policy(Organisation, OrganisationPermissionPolicy(Organisation))
register_snippet(OrganisationViewSet)
