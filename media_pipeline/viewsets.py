"""The chooser for lesson videos, and who may use the video screens of the admin."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from .models import VideoAsset

ADMIN_ACCESS = "wagtailadmin.access_admin"


class VideoAssetPermissionPolicy(BasePermissionPolicy):
    """Whoever may enter the admin (instructors, administrators) may upload and choose videos.

    Videos are a shared library like Wagtail's images; narrowing it per school can come
    with a model permission later. Anyone else is refused, whatever groups they are in.
    """

    def user_has_permission(self, user, action):
        return bool(user.is_authenticated and user.is_active and user.has_perm(ADMIN_ACCESS))

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_permission(user, None):
            return VideoAsset.objects.all()
        return VideoAsset.objects.none()


class VideoAssetChooserViewSet(ChooserViewSet):
    model = VideoAsset
    icon = "media"
    choose_one_text = _("Choose a lesson video")
    choose_another_text = _("Choose another video")
    edit_item_text = _("Open video")
    form_fields = None
    creation_form_class = None


video_asset_chooser_viewset = VideoAssetChooserViewSet(
    "video_asset_chooser", url_prefix="video-chooser"
)
