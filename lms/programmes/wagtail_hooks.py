"""The school's side of the programme in the admin: its classes and its subsidy claims."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import application_views, claim_views
from .applications import school_of


@hooks.register("register_admin_urls")
def class_application_urls():
    return [
        path("classes/", application_views.school_classes, name="programmes_school_classes"),
        path(
            "classes/apply/<int:cycle_id>/",
            application_views.school_apply,
            name="programmes_school_apply",
        ),
        path("classes/<int:pk>/", application_views.school_class, name="programmes_school_class"),
        path(
            "classes/<int:pk>/claim/",
            claim_views.school_claim_file,
            name="programmes_school_claim_file",
        ),
    ]


class _SchoolStaffMenuItem(MenuItem):
    """Shown to the instructors and leads of a training school."""

    def is_shown(self, request):
        return school_of(request.user) is not None


@hooks.register("register_admin_menu_item")
def classes_menu_item():
    return _SchoolStaffMenuItem(
        _("Classes and claims"),
        reverse("programmes_school_classes"),
        name="classes-and-claims",
        icon_name="clipboard-list",
        order=260,
    )
