from django.shortcuts import render


def home(request):
    """The learner's front door: tonight's work for a signed-in learner, a welcome otherwise."""
    return render(request, "lms/home.html", {})
