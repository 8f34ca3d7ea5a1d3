import factory

from lms.accounts.models import Organisation, User


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
