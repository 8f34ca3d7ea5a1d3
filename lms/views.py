from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.static import serve

from courses.models import Attendance, ClassroomSession, LessonPage
from courses.selectors import learner_tonight, lesson_view
from courses.services import attendance_check_out, quiz_submit
from credits.ledger.services import ledger_credit_assessment, ledger_credit_attendance
from credits.selectors import learner_hours_summary

from .accounts.identity import identity_of
from .accounts.models import User

FAVICON = Path(__file__).parent / "static" / "lms" / "favicon.ico"


def favicon(request):
    """``/favicon.ico``, which browsers and feed readers ask for whatever the page says; pages
    name the SVG icon. Answered from here, so a missing icon never shows a debug page."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response


def missing_file(request, name: str = ""):
    """A static or media file that is not there: a short 404 in every mode, never a debug page
    a phone would download in its place (static files that exist never reach a view)."""
    return HttpResponseNotFound(
        _("This file does not exist."), content_type="text/plain; charset=utf-8"
    )


def media_file(request, name: str):
    """Uploaded files under `make run` (DEBUG); nginx or the bucket serves them in production."""
    try:
        return serve(request, name, document_root=settings.MEDIA_ROOT)
    except Http404:
        return missing_file(request, name)


def home(request):
    """The learner's front door: tonight's work for a signed-in learner, a welcome otherwise."""
    context = {}
    if request.user.is_authenticated:
        context["tonight"] = learner_tonight(user=request.user)
        context["hours"] = learner_hours_summary(learner=request.user)
        if request.user.role == User.Role.LEARNER:
            context["identity"] = identity_of(request.user)
    return render(request, "lms/home.html", context)


@require_POST
@login_required
def classroom_check_out(request, session_id: int):
    """Check out of a classroom session and bank the time present: an act across courses and
    credits, so it lives here, above both. Routed ahead of the courses URL of the same path."""
    session = get_object_or_404(ClassroomSession, pk=session_id)
    try:
        attendance = attendance_check_out(learner=request.user, session=session)
    except Attendance.DoesNotExist:
        messages.error(request, _("You are not checked in to this session."))
    else:
        entry = ledger_credit_attendance(attendance=attendance)
        if attendance.status == Attendance.Status.PENDING:
            messages.success(
                request,
                _(
                    "You are checked out. Your time in class is banked once your instructor "
                    "confirms you were there."
                ),
            )
        elif entry is not None:
            messages.success(
                request,
                _("You are checked out. %(minutes)s minutes in class are banked.")
                % {"minutes": entry.minutes},
            )
        else:
            messages.success(request, _("You are checked out. Your time in class is recorded."))
    return redirect("courses:classroom", session_id=session.pk)


@require_POST
@login_required
def quiz(request, lesson_id: int, block_id: str):
    """Grade a lesson's quiz and bank its class-hour credit on a first pass: an act across
    courses and credits, so it lives here, above both."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    if not lesson_view(lesson=lesson, user=request.user)["may_study"]:
        raise PermissionDenied
    answers = {}
    for key, value in request.POST.items():
        if key.startswith("q") and key[1:].isdigit() and value.isdigit():
            answers[int(key[1:])] = int(value)
    try:
        attempt = quiz_submit(
            learner=request.user, lesson=lesson, block_id=block_id, answers=answers
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if attempt.passed:
            entry = ledger_credit_assessment(attempt=attempt)
            if entry is not None:
                messages.success(
                    request,
                    _("Passed with %(score)s%%. %(minutes)s minutes are banked.")
                    % {"score": attempt.score, "minutes": entry.minutes},
                )
            else:
                messages.success(request, _("Passed with %(score)s%%.") % {"score": attempt.score})
        else:
            messages.error(
                request,
                _("%(score)s%%: not yet. You need %(mark)s%%; read the lesson again and retry.")
                % {"score": attempt.score, "mark": attempt.pass_mark},
            )
    return redirect(f"{lesson.url}#quiz-{block_id}")
