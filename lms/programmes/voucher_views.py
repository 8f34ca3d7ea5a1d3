"""Training vouchers: the learner's page (claim, use on enrolment) and the HR office's desk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.accounts.identity import identity_of
from lms.accounts.models import User

from . import vouchers as services
from .models import TrainingVoucher
from .scope import hr_officer_required

IDENTITY_PATH = "/accounts/identity/"


def _learner_only(request) -> None:
    if not (request.user.is_active and request.user.role == User.Role.LEARNER):
        raise Http404


def _course_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _back_to_mine(course_id: int | None):
    url = reverse("programmes:vouchers")
    return redirect(f"{url}?course={course_id}" if course_id else url)


@login_required
def mine(request):
    """我的培训券: every voucher with its history, and what a claimed one can pay for now."""
    _learner_only(request)
    vouchers = services.vouchers_of(learner=request.user)
    wanted = services.course_open(course_id=_course_id(request.GET.get("course")))
    rows = []
    for voucher in vouchers:
        row = {"voucher": voucher, "courses": [], "wanted_refusal": None}
        if voucher.state == TrainingVoucher.State.CLAIMED:
            row["courses"] = services.voucher_courses_now(voucher=voucher, learner=request.user)
            if wanted is not None:
                row["wanted_refusal"] = services.voucher_course_refusal(
                    voucher=voucher, learner=request.user, course=wanted
                )
        rows.append(row)
    return render(
        request,
        "programmes/voucher_mine.html",
        {
            "rows": rows,
            "wanted": wanted,
            "has_identity": identity_of(request.user) is not None,
            "identity_path": IDENTITY_PATH,
        },
    )


@login_required
@require_POST
def claim(request, number):
    _learner_only(request)
    voucher = services.voucher_of_holder(learner=request.user, number=number)
    if voucher is None:  # another person's number, or none: the same answer
        raise Http404
    try:
        services.voucher_claim(voucher=voucher, learner=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Voucher %(number)s is yours to use.") % {"number": number})
    return _back_to_mine(_course_id(request.POST.get("course")))


@login_required
@require_POST
def redeem(request, number):
    _learner_only(request)
    voucher = services.voucher_of_holder(learner=request.user, number=number)
    if voucher is None:
        raise Http404
    course_id = _course_id(request.POST.get("course"))
    course = services.course_open(course_id=course_id)
    if course is None:
        raise Http404
    try:
        services.voucher_redeem(voucher=voucher, learner=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_mine(course_id)
    messages.success(
        request,
        _("You joined %(course)s with voucher %(number)s.")
        % {"course": course.title, "number": number},
    )
    return redirect(course.url)


# --- The HR office's desk.


@hr_officer_required
def desk_list(request, *, office):
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    vouchers = services.vouchers_of_office(office=office, state=state, kind=kind)
    return render(
        request,
        "programmes/voucher_desk_list.html",
        {
            "office": office,
            "vouchers": vouchers[:500],
            "count": vouchers.count(),
            "states": TrainingVoucher.State.choices,
            "kinds": TrainingVoucher.Kind.choices,
            "selected": {"state": state, "kind": kind},
        },
    )


@hr_officer_required
def desk_issue(request, *, office):
    fields = dict.fromkeys(services.CSV_HEADER, "")
    error = None
    if request.method == "POST":
        fields = {name: request.POST.get(name, "").strip() for name in services.CSV_HEADER}
        try:
            voucher = services.voucher_issue_from_fields(
                office=office, fields=fields, actor=request.user
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("Voucher %(number)s issued.") % {"number": voucher.number})
            return redirect("programmes:voucher_desk_detail", number=voucher.number)
    return render(
        request,
        "programmes/voucher_desk_issue.html",
        {
            "office": office,
            "fields": fields,
            "error": error,
            "kinds": TrainingVoucher.Kind.choices,
            "groups": User.LearnerGroup.choices,
            "months": services.valid_months(),
        },
        status=400 if error else 200,
    )


@hr_officer_required
def desk_import(request, *, office):
    error = None
    text = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            try:
                text = upload.read(2_000_000).decode("utf-8-sig")
            except UnicodeDecodeError:
                error = _("Save the file as UTF-8 CSV and try again.")
        else:
            text = request.POST.get("text", "")
        if error is None:
            try:
                report = services.vouchers_issue_csv(office=office, text=text, actor=request.user)
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            else:
                return render(
                    request,
                    "programmes/voucher_desk_import_report.html",
                    {
                        "office": office,
                        "report": report,
                        "issued": sum(1 for row in report if row.issued),
                        "refused": sum(1 for row in report if not row.issued),
                    },
                )
    return render(
        request,
        "programmes/voucher_desk_import.html",
        {"office": office, "error": error, "text": text, "header": ",".join(services.CSV_HEADER)},
        status=400 if error else 200,
    )


@hr_officer_required
def desk_detail(request, number, *, office):
    voucher = services.voucher_of_office(office=office, number=number)
    if voucher is None:  # another city's voucher looks like none at all
        raise Http404
    return render(
        request,
        "programmes/voucher_desk_detail.html",
        {"office": office, "voucher": voucher, "revocable": voucher.state in services.ACTIVE},
    )


@hr_officer_required
@require_POST
def desk_revoke(request, number, *, office):
    voucher = services.voucher_of_office(office=office, number=number)
    if voucher is None:
        raise Http404
    try:
        services.voucher_revoke(
            voucher=voucher, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Voucher %(number)s revoked.") % {"number": number})
    return redirect("programmes:voucher_desk_detail", number=number)
