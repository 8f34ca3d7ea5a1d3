from django.shortcuts import render

from courses.selectors import learner_tonight


def home(request):
    """The learner's front door: tonight's work for a signed-in learner, a welcome otherwise."""
    context = {}
    if request.user.is_authenticated:
        context["tonight"] = learner_tonight(user=request.user)
    return render(request, "lms/home.html", context)
