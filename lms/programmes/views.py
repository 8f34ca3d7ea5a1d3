"""The HR office's desk: its front page. Each area of the programme has its own views module."""

from django.shortcuts import render

from .desk import desk_summary
from .scope import hr_officer_required


@hr_officer_required
def desk(request, *, office):
    return render(
        request, "programmes/desk.html", {"office": office, "summary": desk_summary(office=office)}
    )
