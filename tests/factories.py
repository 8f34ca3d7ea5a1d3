"""Factories for the rows and pages tests build (factory_boy, wagtail-factories)."""

import datetime as dt

from django.utils.text import slugify

import factory
import wagtail_factories

from courses.models import CoursePage, LessonPage, LessonQuiz
from lms.accounts.models import Organisation, User
from media_pipeline.models import VideoAsset


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"培训学校 {n}")
    kind = Organisation.Kind.TRAINING_SCHOOL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"学员{n}")
    role = User.Role.LEARNER
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    phone_verified = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class InstructorFactory(UserFactory):
    role = User.Role.INSTRUCTOR
    phone = None
    email = factory.Sequence(lambda n: f"teacher{n}@school.example")
    organisation = factory.SubFactory(OrganisationFactory)


class ReviewerFactory(UserFactory):
    role = User.Role.REVIEWER
    phone = None
    email = factory.Sequence(lambda n: f"reviewer{n}@eval.example")
    organisation = factory.SubFactory(
        OrganisationFactory, kind=Organisation.Kind.EVALUATION, name="鉴定中心"
    )


LearnerFactory = UserFactory


class VideoAssetFactory(factory.django.DjangoModelFactory):
    """A video the pipeline has finished with (nothing is transcoded: no file is read)."""

    class Meta:
        model = VideoAsset

    title = factory.Sequence(lambda n: f"第{n}讲")
    original = "videos/original.mp4"
    status = VideoAsset.Status.READY
    published_run = 1
    duration = 600


class CoursePageFactory(wagtail_factories.PageFactory):
    """A course with every fact publishing asks for; build it with ``parent=`` a school
    page. ``publish=True`` (the default) publishes it the way an editor does."""

    class Meta:
        model = CoursePage
        skip_postgeneration_save = True

    title = "快递员（初级）职业技能提升"
    slug = factory.LazyAttribute(lambda page: slugify(page.title, allow_unicode=True))
    occupation = None
    level = "5"
    learning_outcomes = "安全派件\n客户沟通"
    workload_class_hours = 8
    assessment_type = "quiz"
    participation_form = "blended"
    schedule_weekdays = "024"
    first_cycle_starts = dt.date(2026, 11, 2)
    session_time = dt.time(20, 30)

    @factory.post_generation
    def publish(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            obj.save_revision().publish()


def quiz_questions(*questions: dict) -> list[tuple[str, dict]]:
    """A quiz's questions as its stream takes them, from plain question dicts."""
    return [("question", question) for question in questions]


class LessonQuizFactory(factory.django.DjangoModelFactory):
    """A quiz of a lesson. ``questions`` may be plain question dicts. Build it unsaved
    (``LessonQuizFactory.build()``) into a lesson's ``quizzes`` before the lesson is saved
    or published, so its revision holds the quiz too; ``key`` comes from the model."""

    class Meta:
        model = LessonQuiz

    title = "小测验"
    pass_mark = 60
    credit_minutes = 0
    questions = factory.LazyFunction(
        lambda: [{"question": "红灯时", "choices": ["停", "走"], "correct": 1}]
    )

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["questions"] = [
            q if isinstance(q, tuple) else ("question", q) for q in kwargs["questions"]
        ]
        return kwargs


class LessonPageFactory(wagtail_factories.PageFactory):
    """A lesson of a course (``parent=`` the course), published unless ``publish=False``.
    ``video=`` a VideoAsset and ``quizzes=[LessonQuizFactory.build(), ...]`` as on the model."""

    class Meta:
        model = LessonPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"第{n}课")
    slug = factory.LazyAttribute(lambda page: slugify(page.title, allow_unicode=True))
    duration_minutes = 15
    credit_minutes = 45

    @factory.post_generation
    def publish(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            obj.save_revision().publish()
