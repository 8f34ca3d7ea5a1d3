"""Community micro-training (群众点餐、社区吹哨、学校上门): residents ask for a topic at a
community centre, others second it, the centre's organiser passes it on to the schools of
its city, a school takes it up and teaches classroom sessions there, attendees rate them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .classroom import ClassroomSession


class TopicRequest(models.Model):
    """A topic residents want taught at their community centre.

    open → passed_on (by the centre's organiser, to the schools of the centre's city) →
    taken_up (by one school) → scheduled (it has classroom sessions) → done; an open or
    passed-on request may be declined with a reason instead. The school and the sessions
    that fulfil it are fields of the request itself: one request, one school."""

    TOPIC_MAX_CHARS = 40
    DETAILS_MAX_CHARS = 500
    NOTE_MAX_CHARS = 300

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the organiser")
        PASSED_ON = "passed_on", _("Passed on to schools")
        TAKEN_UP = "taken_up", _("Taken up by a school")
        SCHEDULED = "scheduled", _("Sessions scheduled")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    centre = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("community centre"),
        on_delete=models.PROTECT,
        related_name="topic_requests",
        limit_choices_to={"kind": "community_centre"},
    )
    topic = models.CharField(_("topic"), max_length=TOPIC_MAX_CHARS)
    details = models.TextField(_("details"), max_length=DETAILS_MAX_CHARS, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="topic_requests",
    )
    created_at = models.DateTimeField(_("asked at"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    passed_on_at = models.DateTimeField(null=True, blank=True)
    passed_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note_to_schools = models.CharField(
        _("note to schools"), max_length=NOTE_MAX_CHARS, blank=True, default=""
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(
        _("reason for declining"), max_length=NOTE_MAX_CHARS, blank=True, default=""
    )
    school = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topic_requests_taken_up",
        limit_choices_to={"kind": "training_school"},
    )
    taken_up_at = models.DateTimeField(null=True, blank=True)
    taken_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sessions = models.ManyToManyField(
        ClassroomSession, verbose_name=_("sessions"), blank=True, related_name="topic_requests"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("topic request")
        verbose_name_plural = _("topic requests")
        constraints = [
            models.CheckConstraint(condition=~Q(topic=""), name="topic_request_has_topic"),
            models.CheckConstraint(
                condition=Q(
                    state__in=["open", "passed_on", "taken_up", "scheduled", "done", "declined"]
                ),
                name="topic_request_state_known",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined")
                | (Q(declined_at__isnull=False) & ~Q(decline_reason="")),
                name="topic_request_declined_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["taken_up", "scheduled", "done"])
                | Q(school__isnull=False, taken_up_at__isnull=False),
                name="topic_request_taken_up_by_a_school",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="topic_request_by_person"),
            models.Index(fields=["centre", "state"], name="topic_request_at_centre"),
        ]

    def __str__(self) -> str:
        return f"{self.centre} · {self.topic}"


class TopicSecond(models.Model):
    """Someone else wants the same topic taught: one second per person per request."""

    request = models.ForeignKey(TopicRequest, on_delete=models.CASCADE, related_name="seconds")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="topic_seconds"
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("second of a request")
        verbose_name_plural = _("seconds of requests")
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="second_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} + {self.request}"


class SessionRating(models.Model):
    """How an attendee rated a classroom session, once it had ended."""

    session = models.ForeignKey(ClassroomSession, on_delete=models.PROTECT, related_name="ratings")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="session_ratings"
    )
    stars = models.PositiveSmallIntegerField(_("stars"))
    comment = models.CharField(_("comment"), max_length=300, blank=True, default="")
    rated_at = models.DateTimeField()

    class Meta:
        ordering = ["-rated_at"]
        verbose_name = _("session rating")
        verbose_name_plural = _("session ratings")
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="rate_session_once"),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="rating_one_to_five_stars"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.session} · {self.stars}"
