from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .occupations import occupations_import_csv

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
