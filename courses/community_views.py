"""Pages of community micro-training: residents ask and second, the centre's organiser passes
on or declines, schools take up, schedule and read the ratings. The rules are in
``courses.community``; these only gather input and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.accounts.models import Organisation

from . import community, community_selectors, services
from .community_forms import CommunitySessionForm
from .models import ClassroomSession, TopicRequest


def _topic_request(request_id: int) -> TopicRequest:
    try:
        return community_selectors.topic_request_get(request_id=request_id)
    except TopicRequest.DoesNotExist as exc:
        raise Http404 from exc


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, exc.messages[0])


@login_required
def community_index(request):
    """Community centres and what residents want taught at each."""
    return render(
        request,
        "courses/community_index.html",
        {
            "centres": community_selectors.centres_with_requests(user=request.user),
            "may_ask": community.may_ask(request.user),
        },
    )


@login_required
def community_ask(request, centre_id: int):
    try:
        centre = community_selectors.community_centre(centre_id=centre_id)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    if not community.may_ask(request.user):
        raise PermissionDenied
    context = {
        "centre": centre,
        "topic": "",
        "details": "",
        "topic_max": TopicRequest.TOPIC_MAX_CHARS,
        "details_max": TopicRequest.DETAILS_MAX_CHARS,
    }
    status = 200
    if request.method == "POST":
        context["topic"] = request.POST.get("topic", "")
        context["details"] = request.POST.get("details", "")
        try:
            made = community.topic_request_create(
                user=request.user,
                centre=centre,
                topic=context["topic"],
                details=context["details"],
            )
        except ValidationError as exc:
            context["error"] = exc.messages[0]
            status = 400
        else:
            messages.success(
                request,
                _("Your request is sent. The centre's organiser passes it on to schools."),
            )
            return redirect("courses:community_request", request_id=made.pk)
    return render(request, "courses/community_ask.html", context, status=status)


@login_required
def community_request(request, request_id: int):
    topic_request = _topic_request(request_id)
    return render(
        request,
        "courses/community_request.html",
        community_selectors.topic_request_view(request=topic_request, user=request.user),
    )


@require_POST
@login_required
def community_second(request, request_id: int):
    topic_request = _topic_request(request_id)
    try:
        community.topic_request_second(request=topic_request, user=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("Thank you: %(n)s people now want to learn this.") % {"n": topic_request.wanting + 1},
        )
    if request.POST.get("next") == "list":
        return redirect(f"{reverse('courses:community')}#request-{topic_request.pk}")
    return redirect("courses:community_request", request_id=topic_request.pk)


def _session_of(topic_request: TopicRequest, session_id: int) -> ClassroomSession:
    return get_object_or_404(
        ClassroomSession.objects.select_related("cycle__course", "lesson"),
        pk=session_id,
        topic_requests=topic_request,
    )


@require_POST
@login_required
def community_join(request, request_id: int, session_id: int):
    """Join the course a session belongs to; checking in is then as in any classroom."""
    topic_request = _topic_request(request_id)
    session = _session_of(topic_request, session_id)
    try:
        services.enrolment_join(learner=request.user, course=session.cycle.course)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("You joined %(course)s. At the session, scan the QR code on the screen to check in.")
            % {"course": session.cycle.course.title},
        )
    return redirect("courses:community_request", request_id=topic_request.pk)


@require_POST
@login_required
def community_rate(request, request_id: int, session_id: int):
    topic_request = _topic_request(request_id)
    session = _session_of(topic_request, session_id)
    try:
        community.session_rate(
            session=session,
            learner=request.user,
            stars=request.POST.get("stars"),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Thank you for rating the session."))
    return redirect("courses:community_request", request_id=topic_request.pk)


# --- The centre's organiser.


def _centre(request) -> Organisation:
    centre = community.centre_of(request.user)
    if centre is None:
        raise Http404
    return centre


def _organisers_request(request, request_id: int) -> TopicRequest:
    centre = _centre(request)
    topic_request = _topic_request(request_id)
    if topic_request.centre_id != centre.pk:
        raise Http404
    return topic_request


@login_required
def community_organiser(request):
    centre = _centre(request)
    return render(
        request,
        "courses/community_organiser.html",
        {"centre": centre, "requests": community_selectors.centre_requests(centre=centre)},
    )


@require_POST
@login_required
def community_pass_on(request, request_id: int):
    topic_request = _organisers_request(request, request_id)
    try:
        community.topic_request_pass_on(
            request=topic_request, organiser=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("Passed on to the schools of %(city)s.") % {"city": topic_request.centre.city},
        )
    return redirect("courses:community_organiser")


@require_POST
@login_required
def community_decline(request, request_id: int):
    topic_request = _organisers_request(request, request_id)
    try:
        community.topic_request_decline(
            request=topic_request, organiser=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The request is declined; the residents see your reason."))
    return redirect("courses:community_organiser")


# --- Schools.


def _school(request) -> Organisation:
    school = community.school_of(request.user)
    if school is None:
        raise Http404
    return school


@login_required
def community_demand(request):
    """Demand by place and topic in the school's city, and the requests the school took up."""
    school = _school(request)
    return render(
        request,
        "courses/community_demand.html",
        {
            "school": school,
            "groups": community_selectors.demand_by_place_and_topic(school=school),
            "taken": community_selectors.school_requests(school=school),
            "hours": community.session_hours_words(),
        },
    )


@require_POST
@login_required
def community_take_up(request, request_id: int):
    _school(request)
    topic_request = _topic_request(request_id)
    try:
        community.topic_request_take_up(request=topic_request, instructor=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("courses:community_demand")
    messages.success(request, _("Taken up: now schedule sessions at the centre."))
    return redirect("courses:community_school_request", request_id=topic_request.pk)


def _schools_request(request, request_id: int) -> TopicRequest:
    school = _school(request)
    topic_request = _topic_request(request_id)
    if topic_request.school_id != school.pk:
        raise Http404
    return topic_request


@login_required
def community_school_request(request, request_id: int):
    """A request the school took up: schedule sessions, read how they were rated."""
    topic_request = _schools_request(request, request_id)
    context = community_selectors.school_request_view(request=topic_request, user=request.user)
    form = CommunitySessionForm(request.POST or None, lessons=context["lessons"])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = community.topic_session_schedule(
                    request=topic_request, instructor=request.user, **form.schedule_arguments()
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(
                    request,
                    _("Session scheduled at %(venue)s.") % {"venue": session.venue_name},
                )
                return redirect("courses:community_school_request", request_id=topic_request.pk)
        status = 400
    return render(
        request, "courses/community_school_request.html", {**context, "form": form}, status=status
    )


@require_POST
@login_required
def community_complete(request, request_id: int):
    topic_request = _schools_request(request, request_id)
    try:
        community.topic_request_complete(request=topic_request, instructor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Marked done."))
    return redirect("courses:community_school_request", request_id=topic_request.pk)
