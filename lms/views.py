from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import Attendance, ClassroomSession
from courses.selectors import learner_tonight
from courses.services import attendance_check_out
from credits.selectors import learner_hours_summary
from credits.services import ledger_credit_attendance


def home(request):
    """The learner's front door: tonight's work for a signed-in learner, a welcome otherwise."""
    context = {}
    if request.user.is_authenticated:
        context["tonight"] = learner_tonight(user=request.user)
        context["hours"] = learner_hours_summary(learner=request.user)
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
        if entry is not None:
            messages.success(
                request,
                _("You are checked out. %(minutes)s minutes in class are banked.")
                % {"minutes": entry.minutes},
            )
        else:
            messages.success(request, _("You are checked out. Your time in class is recorded."))
    return redirect("courses:classroom", session_id=session.pk)
