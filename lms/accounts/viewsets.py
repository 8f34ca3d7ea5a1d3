from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .forms import StaffUserCreationForm, StaffUserEditForm
from .identity import identity_of
from .models import Organisation
from .selectors import organisations_user_may_manage


def identity_status(user) -> str:
    """What the admin shows of a person's real-name identity: the masked number, never more."""
    identity = identity_of(user)
    if identity is None:
        return ""
    return f"{_('Real name confirmed')} · {identity.id_number_masked}"


class UserIndexView(WagtailUserIndexView):
    @cached_property
    def columns(self):
        return [
            *super().columns,
            Column(
                "identity",
                accessor=identity_status,
                label=_("Real-name identity"),
                classname="identity",
                width="20%",
            ),
        ]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("identity")


class UserEditView(WagtailUserEditView):
    """The person's identity is shown (masked) beside their account; it is never a field of
    the form, so the admin cannot change the stored number: only the learner can correct it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["identity"] = identity_of(self.object)
        return context


class UserViewSet(WagtailUserViewSet):
    index_view_class = UserIndexView
    edit_view_class = UserEditView

    def get_form_class(self, for_update=False):
        return StaffUserEditForm if for_update else StaffUserCreationForm


class OrganisationPermissionPolicy(ModelPermissionPolicy):
    """Administrators manage every organisation; an instructor keeps their own school's profile.

    Model permissions from groups still apply on top; what an instructor may touch is narrowed
    to the one organisation they belong to.
    """

    INSTRUCTOR_ACTIONS = {"view", "change"}

    def user_has_permission(self, user, action):
        if organisations_user_may_manage(user).exists() and action in self.INSTRUCTOR_ACTIONS:
            return True
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if user.is_active and user.is_superuser:
            return True
        if action not in self.INSTRUCTOR_ACTIONS:
            return super().user_has_permission_for_instance(user, action, instance)
        return organisations_user_may_manage(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if user.is_active and user.is_superuser:
            return Organisation.objects.all()
        return organisations_user_may_manage(user)


class _OwnOrganisationOnly:
    """Wagtail's edit and history views check the action, not the instance; this adds it."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        ):
            raise PermissionDenied
        return obj


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    edit_view_class = type("EditView", (_OwnOrganisationOnly, SnippetViewSet.edit_view_class), {})
    history_view_class = type(
        "HistoryView", (_OwnOrganisationOnly, SnippetViewSet.history_view_class), {}
    )
    usage_view_class = type(
        "UsageView", (_OwnOrganisationOnly, SnippetViewSet.usage_view_class), {}
    )

    def get_queryset(self, request):
        return organisations_user_may_manage(request.user).select_related("parent")
