from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

import segno

from . import questions, services
from .checkin import (
    CODE_DIGITS,
    ROTATE_SECONDS,
    CheckInRefused,
    make_token,
    read_token,
    screen_code,
    seconds_to_next_window,
)
from .models import Attendance, ClassroomSession, CoursePage, Cycle, LessonPage
from .selectors import (
    courses_user_teaches,
    cycle_roster,
    session_attendance,
    teaching_overview,
    user_may_teach_course,
)


@require_POST
@login_required
def enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        services.enrolment_join(learner=request.user, course=course)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("You joined %(course)s.") % {"course": course.title})
    return redirect(course.url)


@require_POST
@login_required
def leave(request, course_id: int):
    course = get_object_or_404(CoursePage, pk=course_id)
    if services.enrolment_leave(learner=request.user, course=course):
        messages.success(
            request,
            _("You left %(course)s. Lessons you finished stay finished.")
            % {"course": course.title},
        )
    return redirect(course.url)


def _session(session_id: int) -> ClassroomSession:
    return get_object_or_404(
        ClassroomSession.objects.select_related("lesson", "cycle__course"), pk=session_id
    )


@login_required
def check_in(request, session_id: int):
    """Where the phone camera lands after scanning the QR code on the instructor's screen:
    the learner types the short code the screen shows beside it."""
    session = _session(session_id)
    token = request.POST.get("t") or request.GET.get("t", "")
    context = {"session": session, "token": token, "code_digits": CODE_DIGITS}
    try:
        read_token(token=token, session_id=session.pk)
        if request.method == "POST":
            attendance, created = services.classroom_check_in(
                learner=request.user,
                session=session,
                token=token,
                code=request.POST.get("code", ""),
            )
            if created:
                messages.success(
                    request, _("You are checked in. Your instructor will confirm you are here.")
                )
            else:
                messages.info(request, _("You were already checked in."))
            return redirect("courses:classroom", session_id=session.pk)
    except CheckInRefused as refused:
        context["refused"] = refused.message
        context["may_retry"] = refused.code == "wrong_code"
    except ValidationError as exc:
        context["refused"] = exc.messages[0]
    status = 403 if "refused" in context else 200
    return render(request, "courses/check_in.html", context, status=status)


@login_required
def classroom(request, session_id: int):
    session = _session(session_id)
    attendance = Attendance.objects.filter(session=session, learner=request.user).first()
    return render(request, "courses/classroom.html", {"session": session, "attendance": attendance})


@require_POST
@login_required
def check_out(request, session_id: int):
    session = _session(session_id)
    try:
        services.attendance_check_out(learner=request.user, session=session)
    except Attendance.DoesNotExist:
        messages.error(request, _("You are not checked in to this session."))
    else:
        messages.success(request, _("You are checked out. Your time in class is recorded."))
    return redirect("courses:classroom", session_id=session.pk)


def _taught_session(request, session_id: int) -> ClassroomSession:
    session = _session(session_id)
    if not user_may_teach_course(user=request.user, course_id=session.cycle.course_id):
        raise PermissionDenied
    return session


@login_required
def qr_screen(request, session_id: int):
    """The classroom screen: a QR code and a short code, both new every few seconds, and
    who has checked in."""
    session = _taught_session(request, session_id)
    url = request.build_absolute_uri(
        f"{request.path.rsplit('/qr/', 1)[0]}/check-in/?t={make_token(session_id=session.pk)}"
    )
    qr = segno.make(url, error="m")
    response = render(
        request,
        "courses/qr_screen.html",
        {
            "session": session,
            "qr_svg": qr.svg_inline(scale=8, border=2),
            "checkin_url": url,
            "code": screen_code(session_id=session.pk),
            "rotate_seconds": ROTATE_SECONDS,
            "refresh_seconds": seconds_to_next_window(),
            **session_attendance(session=session),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def attendance_roster(request, session_id: int):
    """The instructor's roster of one session: confirm who is in the room, remove who is not.
    Hours bank only for confirmed learners."""
    session = _taught_session(request, session_id)
    return render(
        request,
        "courses/attendance_roster.html",
        {"session": session, **session_attendance(session=session)},
    )


@require_POST
@login_required
def attendance_decide(request, session_id: int, attendance_id: int, decision: str):
    session = _taught_session(request, session_id)
    attendance = get_object_or_404(Attendance, pk=attendance_id, session=session)
    try:
        if decision == "confirm":
            services.attendance_confirm(attendance=attendance, by=request.user)
        else:
            services.attendance_remove(attendance=attendance, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("courses:attendance_roster", session_id=session.pk)


@require_POST
@login_required
def attendance_confirm_remaining(request, session_id: int):
    session = _taught_session(request, session_id)
    confirmed = services.attendance_confirm_remaining(session=session, by=request.user)
    messages.success(
        request,
        ngettext("%(n)s learner confirmed present.", "%(n)s learners confirmed present.", confirmed)
        % {"n": confirmed},
    )
    return redirect("courses:attendance_roster", session_id=session.pk)


@login_required
def roster(request, cycle_id: int):
    cycle = get_object_or_404(Cycle.objects.select_related("course"), pk=cycle_id)
    if not user_may_teach_course(user=request.user, course_id=cycle.course_id):
        raise PermissionDenied
    return render(
        request, "courses/roster.html", {"cycle": cycle, "rows": cycle_roster(cycle=cycle)}
    )


@login_required
def teaching(request):
    """An instructor's courses, their cycles, and the sessions to put on screen."""
    courses = list(courses_user_teaches(user=request.user))
    if not courses:
        raise PermissionDenied
    return render(request, "courses/teaching.html", teaching_overview(courses=courses))


@require_POST
@login_required
def ask_question(request, lesson_id: int):
    """A learner's question under a lesson; back to the lesson either way, with what
    happened in a message."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        questions.question_ask(
            learner=request.user, lesson=lesson, text=request.POST.get("text", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("Your question is sent. The course's instructors answer it here.")
        )
    return redirect(f"{lesson.url}#questions")
