from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from . import questions
from .models import LessonAnswer, LessonQuestion
from .occupations import occupations_import_csv
from .selectors import courses_user_teaches

MAX_CSV_BYTES = 2 * 1024 * 1024


class OccupationImportForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: code, name_zh, name_en, lists, flags. Lists and flags are separated by |."
        ),
    )

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is larger than 2 MB; is it really the catalogue?"))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("Save the file as UTF-8 CSV and try again.")) from exc


def import_occupations(request):
    if not request.user.has_perm("courses.add_occupation"):
        raise PermissionDenied
    report = None
    form = OccupationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = occupations_import_csv(text=form.cleaned_data["csv_file"])
        except ValidationError as exc:
            form.add_error("csv_file", exc.messages[0])
    return render(
        request, "courses/admin/import_occupations.html", {"form": form, "report": report}
    )


# --- Learners' questions: the instructor's queue and the page to answer or hide one.


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": LessonAnswer.MAX_CHARS}),
        help_text=_("Plain text. The learner sees it under the lesson, with your name."),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for hiding"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": questions.HIDE_REASON_MAX_CHARS}),
        help_text=_("Kept with the record; the learner who wrote it sees it."),
    )


def question_queue(request):
    """The questions under the lessons this instructor teaches that wait for an answer."""
    if not courses_user_teaches(user=request.user).exists():
        raise PermissionDenied
    return TemplateResponse(
        request,
        "courses/admin/question_queue.html",
        {
            "page_title": _("Learners' questions"),
            "header_icon": "help",
            "header_title": _("Learners' questions"),
            "items": questions.questions_unanswered_for(instructor=request.user),
        },
    )


def question_detail(request, question_id: int):
    """One question: answer it, hide it, or hide one of its answers. A refusal shows the
    form again with the reason; a success goes back to the queue or to this page."""
    try:
        context = questions.question_for_instructor(
            question_id=question_id, instructor=request.user
        )
    except LessonQuestion.DoesNotExist as exc:
        raise Http404 from exc
    question = context["question"]
    action = request.POST.get("action") if request.method == "POST" else None
    answer_form = AnswerForm(request.POST if action == "answer" else None)
    hide_form = HideForm(request.POST if action == "hide" else None, prefix="hide")
    answer_hide_form = HideForm(
        request.POST if action == "hide-answer" else None, prefix="hide-answer"
    )
    if action:
        try:
            if action == "answer" and answer_form.is_valid():
                questions.question_answer(
                    question=question,
                    instructor=request.user,
                    text=answer_form.cleaned_data["text"],
                )
                messages.success(request, _("Your answer is published under the lesson."))
                return redirect("courses_question_queue")
            if action == "hide" and hide_form.is_valid():
                questions.question_hide(
                    question=question, by=request.user, reason=hide_form.cleaned_data["reason"]
                )
                messages.success(request, _("The question is hidden."))
                return redirect("courses_question_queue")
            if action == "hide-answer" and answer_hide_form.is_valid():
                answer = next(
                    (a for a in context["answers"] if str(a.pk) == request.POST.get("answer")),
                    None,
                )
                if answer is None:
                    raise Http404
                questions.answer_hide(
                    answer=answer, by=request.user, reason=answer_hide_form.cleaned_data["reason"]
                )
                messages.success(request, _("The answer is hidden."))
                return redirect("courses_question", question_id=question.pk)
        except ValidationError as exc:
            form = {"answer": answer_form, "hide": hide_form}.get(action, answer_hide_form)
            form.add_error(None, exc.messages[0])
            if action == "hide-answer":
                context["failed_answer"] = request.POST.get("answer")
    return TemplateResponse(
        request,
        "courses/admin/question_detail.html",
        {
            **context,
            "page_title": _("Question on %(lesson)s") % {"lesson": question.lesson.title},
            "header_icon": "help",
            "header_title": _("Learners' questions"),
            "answer_form": answer_form,
            "hide_form": hide_form,
            "answer_hide_form": answer_hide_form,
        },
    )
