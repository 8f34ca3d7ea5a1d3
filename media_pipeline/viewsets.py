"""The chooser for lesson videos, and who may use the video screens of the admin."""

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from . import selectors
from .models import VideoAsset

ADMIN_ACCESS = "wagtailadmin.access_admin"


class VideoAssetPermissionPolicy(BasePermissionPolicy):
    """Whoever may enter the admin (instructors, administrators) may upload and choose
    videos, and only their own school's: ``instances_user_has_any_permission_for`` is
    narrowed by :func:`selectors.video_assets_for_user`. Anyone else is refused, whatever
    groups they are in.
    """

    def user_has_permission(self, user, action):
        return bool(user.is_authenticated and user.is_active and user.has_perm(ADMIN_ACCESS))

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            selectors.video_assets_for_user(user=user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_permission(user, None):
            return selectors.video_assets_for_user(user=user)
        return VideoAsset.objects.none()


class _OwnVideosList:
    """Every video of the school with its state in words; a failed one cannot be chosen,
    so its title is not a link and its reason says what to do."""

    def get_object_list(self):
        return selectors.video_assets_for_user(user=self.request.user)

    @property
    def columns(self):
        return [
            *super().columns,
            Column(
                "state",
                label=_("State"),
                accessor=lambda asset: selectors.video_asset_state_text(asset=asset),
            ),
        ]

    @property
    def title_column(self):
        if self.is_multiple_choice:
            return super().title_column
        return TitleColumn(
            "title",
            label=_("Title"),
            accessor=str,
            get_url=self._choose_url,
            link_attrs={"data-chooser-modal-choice": True},
        )

    def _choose_url(self, asset):
        if not selectors.video_asset_choosable(asset=asset):
            return None
        return self.append_preserved_url_parameters(
            reverse(self.chosen_url_name, args=(quote(asset.pk),))
        )


class _OwnVideoChosen:
    """Choosing by id (the chooser's last step) is refused for another school's video and
    for one that failed."""

    def get_object(self, pk):
        return selectors.video_assets_choosable(user=self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return selectors.video_assets_choosable(user=self.request.user).filter(pk__in=pks)


class VideoAssetChooserViewSet(ChooserViewSet):
    model = VideoAsset
    icon = "media"
    choose_one_text = _("Choose a lesson video")
    choose_another_text = _("Choose another video")
    edit_item_text = _("Open video")
    form_fields = None
    creation_form_class = None
    choose_view_class = type("ChooseView", (_OwnVideosList, chooser_views.ChooseView), {})
    choose_results_view_class = type(
        "ChooseResultsView", (_OwnVideosList, chooser_views.ChooseResultsView), {}
    )
    chosen_view_class = type("ChosenView", (_OwnVideoChosen, chooser_views.ChosenView), {})
    chosen_multiple_view_class = type(
        "ChosenMultipleView", (_OwnVideoChosen, chooser_views.ChosenMultipleView), {}
    )


video_asset_chooser_viewset = VideoAssetChooserViewSet(
    "video_asset_chooser", url_prefix="video-chooser"
)
