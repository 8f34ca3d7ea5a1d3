from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import admin_views, community, questions, services
from .lesson_facts import live_lessons_showing_video
from .models import ClassroomSession, CoursePage, Cycle, LessonPage
from .selectors import courses_user_teaches, user_may_teach_course


@hooks.register("after_create_user")
@hooks.register("after_edit_user")
def sync_instructor_groups(request, user):
    services.instructor_sync_groups(user=user)


@hooks.register("video_asset_published_usage")
def lessons_showing_video(asset):
    """Lets the video library refuse to delete a video a published lesson shows."""
    return live_lessons_showing_video(video_id=asset.pk)


class ClassroomSessionPermissionPolicy(ModelPermissionPolicy):
    """Instructors plan sessions for their own school's courses; administrators for all."""

    def user_has_permission(self, user, action):
        if user.is_active and user.is_superuser:
            return True
        return (
            action in {"add", "change", "view", "delete"}
            and courses_user_teaches(user=user).exists()
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and user_may_teach_course(
            user=user, course_id=instance.cycle.course_id
        )

    def instances_user_has_any_permission_for(self, user, actions):
        return ClassroomSession.objects.filter(cycle__course__in=courses_user_teaches(user=user))


class ClassroomSessionForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        courses = courses_user_teaches(user=for_user) if for_user else CoursePage.objects.none()
        self.fields["cycle"].queryset = Cycle.objects.filter(course__in=courses).select_related(
            "course"
        )
        within = Q(pk__in=[])
        for course in courses:
            within |= Q(path__startswith=course.path, depth=course.depth + 1)
        self.fields["lesson"].queryset = LessonPage.objects.filter(within)  # one query

    class Meta:
        model = ClassroomSession
        fields = [
            "cycle",
            "lesson",
            "venue",
            "venue_name",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
        ]

    def clean(self):
        cleaned = super().clean()
        cycle, lesson = cleaned.get("cycle"), cleaned.get("lesson")
        if cycle and lesson and lesson.get_parent().pk != cycle.course_id:
            self.add_error("lesson", _("This lesson is not part of the cycle's course."))
        return cleaned


class _OwnSessionsOnly:
    """Wagtail's object views check the action, not the instance; this adds the instance.

    Every view of the set that loads one session goes through ``get_object``: edit, delete,
    copy, history (and its results), usage and inspect."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not user_may_teach_course(user=self.request.user, course_id=obj.cycle.course_id):
            raise PermissionDenied
        return obj


def _own_sessions_only(view_class):
    return type(view_class.__name__, (_OwnSessionsOnly, view_class), {})


class _OwnSessionsIndex(ModelViewSet.index_view_class):
    def get_base_queryset(self):
        return ClassroomSession.objects.filter(
            cycle__course__in=courses_user_teaches(user=self.request.user)
        ).select_related("lesson")


class ClassroomSessionViewSet(ModelViewSet):
    model = ClassroomSession
    icon = "group"
    menu_label = _("Classroom sessions")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["lesson", "venue_name", "starts_at", "capacity"]
    index_view_class = _OwnSessionsIndex
    edit_view_class = _own_sessions_only(ModelViewSet.edit_view_class)
    delete_view_class = _own_sessions_only(ModelViewSet.delete_view_class)
    copy_view_class = _own_sessions_only(ModelViewSet.copy_view_class)
    history_view_class = _own_sessions_only(ModelViewSet.history_view_class)
    usage_view_class = _own_sessions_only(ModelViewSet.usage_view_class)
    inspect_view_class = _own_sessions_only(ModelViewSet.inspect_view_class)

    def get_form_class(self, for_update=False):
        # The form narrows cycles and lessons to the instructor's own courses.
        return ClassroomSessionForm


register_permission_policy(ClassroomSession, ClassroomSessionPermissionPolicy(ClassroomSession))


@hooks.register("register_admin_viewset")
def register_classroom_sessions():
    return ClassroomSessionViewSet("classroom_sessions")


@hooks.register("register_admin_menu_item")
def teaching_menu_item():
    return MenuItem(_("My learners"), reverse("courses:teaching"), icon_name="user", order=240)


class _QuestionsMenuItem(MenuItem):
    """Shown to those who teach a course, with how many questions wait for them."""

    def is_shown(self, request):
        return courses_user_teaches(user=request.user).exists()

    def render_component(self, request):
        waiting = questions.questions_unanswered_count(instructor=request.user)
        label = _("Learners' questions (%(n)s)") % {"n": waiting} if waiting else self.label
        return LinkMenuItemComponent(
            self.name, label, self.url, icon_name=self.icon_name, attrs=self.attrs
        )


@hooks.register("register_admin_menu_item")
def questions_menu_item():
    return _QuestionsMenuItem(
        _("Learners' questions"),
        reverse("courses_question_queue"),
        name="learners-questions",
        icon_name="help",
        order=245,
    )


@hooks.register("register_admin_urls")
def question_urls():
    return [
        path("questions/", admin_views.question_queue, name="courses_question_queue"),
        path(
            "questions/<int:question_id>/",
            admin_views.question_detail,
            name="courses_question",
        ),
    ]


@hooks.register("register_admin_urls")
def occupation_import_urls():
    return [
        path(
            "occupations/import/", admin_views.import_occupations, name="courses_import_occupations"
        )
    ]


class _ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("courses.add_occupation")


@hooks.register("register_settings_menu_item")
def occupation_import_menu_item():
    return _ImportMenuItem(
        _("Import occupations"),
        reverse("courses_import_occupations"),
        icon_name="upload",
        order=900,
    )


class _CommunityDemandMenuItem(MenuItem):
    """Shown to instructors of a training school: what community centres of its city ask for."""

    def is_shown(self, request):
        return community.school_of(request.user) is not None


@hooks.register("register_admin_menu_item")
def community_demand_menu_item():
    return _CommunityDemandMenuItem(
        _("Demand by place and topic"),
        reverse("courses:community_demand"),
        name="community-demand",
        icon_name="site",
        order=246,
    )
