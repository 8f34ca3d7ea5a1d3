from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from . import admin_urls
from .models import VideoAsset
from .viewsets import VideoAssetPermissionPolicy, video_asset_chooser_viewset

register_permission_policy(VideoAsset, VideoAssetPermissionPolicy(VideoAsset))


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("videos/", include((admin_urls, "media_pipeline_admin")))]


@hooks.register("register_admin_menu_item")
def register_videos_menu_item():
    return MenuItem(
        _("Lesson videos"), reverse("media_pipeline_admin:index"), icon_name="media", order=250
    )


@hooks.register("register_admin_viewset")
def register_video_chooser():
    return video_asset_chooser_viewset
