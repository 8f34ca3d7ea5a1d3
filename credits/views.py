import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from .ledger.services import attendance_bank_closed
from .selectors import learner_hours
from .xapi.exports import statements_for_learner


@login_required
def my_hours(request):
    attendance_bank_closed(learner=request.user)  # a class that ended is banked by now
    return render(request, "credits/my_hours.html", learner_hours(learner=request.user))


@login_required
def my_statements(request):
    statements = statements_for_learner(learner=request.user)
    response = HttpResponse(
        json.dumps(statements, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="night-school-xapi.json"'
    return response
