"""Who may see what of a programme: an HR officer acts for one HR office, in one city."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404

from lms.accounts.models import Organisation, User


def hr_office_of(user: User) -> Organisation | None:
    """The HR office an active HR officer acts for; None for everyone else."""
    if not (user.is_authenticated and user.is_active and user.role == User.Role.HR_OFFICER):
        return None
    office = user.organisation
    if office is None or office.kind != Organisation.Kind.HR_OFFICE:
        return None
    return office


def schools_in_scope(*, office: Organisation) -> QuerySet[Organisation]:
    """The training schools of the office's city: the only ones whose classes, claims and
    learners it sees."""
    return Organisation.objects.filter(kind=Organisation.Kind.TRAINING_SCHOOL, city=office.city)


def hr_officer_required(view):
    """Let only HR officers in; everyone else gets a 404, so the desk does not show it exists.
    The view receives the officer's office as ``office``."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        office = hr_office_of(request.user)
        if office is None:
            raise Http404
        return view(request, *args, office=office, **kwargs)

    return wrapper
