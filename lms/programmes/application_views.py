"""Class-opening applications: the school's pages in the admin, the HR office's on the desk."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courses.lesson_facts import cycle_learner_ids
from courses.models import Cycle
from courses.selectors import courses_user_teaches
from lms.accounts.models import User

from . import applications, claims
from .models import ClassApplication, SubsidyClaim
from .scope import hr_officer_required

# --- The school, in the admin.


class ClassApplicationForm(forms.Form):
    teaching_plan = forms.CharField(
        label=gettext_lazy("Teaching plan"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Lessons, their order and hours, online and in the classroom."),
    )
    instructors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Instructors"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    venue = forms.CharField(label=gettext_lazy("Venue"), max_length=300)
    assessment_plan = forms.CharField(
        label=gettext_lazy("Assessment plan"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructors"].queryset = applications.school_instructors(school=school)


def _school_or_refuse(request):
    school = applications.school_of(request.user)
    if school is None:
        raise PermissionDenied
    return school


def school_classes(request):
    """The school's applications with their state, and the cycles it may still apply for."""
    school = _school_or_refuse(request)
    return TemplateResponse(
        request,
        "programmes/application_school_list.html",
        {
            "page_title": _("Classes and claims"),
            "header_icon": "clipboard-list",
            "school": school,
            "applications": applications.school_applications(school=school),
            "open_cycles": applications.cycles_open_for_application(user=request.user),
        },
    )


def school_apply(request, cycle_id: int):
    school = _school_or_refuse(request)
    open_cycles = dict(applications.cycles_open_for_application(user=request.user))
    cycle = next((c for c in open_cycles if c.pk == cycle_id), None)
    if cycle is None:
        taught = courses_user_teaches(user=request.user)
        if not Cycle.objects.filter(pk=cycle_id, course__in=taught).exists():
            raise PermissionDenied
        messages.error(
            request,
            _(
                "This cycle cannot be applied for: it has ended, was applied for already, or "
                "its course is not on the current catalogue."
            ),
        )
        return redirect("programmes_school_classes")
    form = ClassApplicationForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            application = applications.class_application_submit(
                cycle=cycle, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Application sent to the HR office."))
            return redirect("programmes_school_class", application.pk)
    return TemplateResponse(
        request,
        "programmes/application_school_form.html",
        {
            "page_title": _("Apply to open a subsidised class"),
            "header_icon": "clipboard-list",
            "cycle": cycle,
            "entry": open_cycles[cycle],
            "form": form,
            "roster": User.objects.filter(pk__in=cycle_learner_ids(cycle=cycle)).order_by(
                "real_name"
            ),
        },
    )


def school_class(request, pk: int):
    """One application: its state and reason, and once approved and ended, the claim."""
    application = applications.school_application(user=request.user, pk=pk)
    claim = SubsidyClaim.objects.filter(application=application).first()
    refusal = claims.claim_refusal_reason(application=application) if claim is None else ""
    return TemplateResponse(
        request,
        "programmes/application_school_detail.html",
        {
            "page_title": str(application),
            "header_icon": "clipboard-list",
            "application": application,
            "roster": applications.application_roster(application=application),
            "claim": claim,
            "claim_lines": claims.claim_lines(claim=claim) if claim else [],
            "claim_refusal": refusal,
            "dossier": claims.claim_compute(application=application) if not refusal else None,
        },
    )


# --- The HR office, on the desk.


@hr_officer_required
def office_queue(request, *, office):
    state = request.GET.get("state", "")
    if state not in ClassApplication.State.values:
        state = ""
    return render(
        request,
        "programmes/application_queue.html",
        {
            "office": office,
            "applications": applications.office_applications(office=office, state=state),
            "state": state,
            "states": ClassApplication.State.choices,
        },
    )


@hr_officer_required
def office_detail(request, pk: int, *, office):
    application = applications.office_application(office=office, pk=pk)
    if application is None:
        raise Http404
    return render(
        request,
        "programmes/application_detail.html",
        {
            "office": office,
            "application": application,
            "instructors": list(application.instructors.order_by("real_name")),
            "roster": applications.application_roster(application=application),
        },
    )


@require_POST
@hr_officer_required
def office_decide(request, pk: int, *, office):
    application = applications.office_application(office=office, pk=pk)
    if application is None:
        raise Http404
    action = request.POST.get("action")
    if action not in {"approve", "refuse"}:
        messages.error(request, _("Choose to approve or to refuse."))
        return redirect("programmes:application", pk)
    try:
        applications.class_application_decide(
            application=application,
            office=office,
            actor=request.user,
            approve=action == "approve",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("Class approved.") if action == "approve" else _("Class refused.")
        )
    return redirect("programmes:application", pk)
