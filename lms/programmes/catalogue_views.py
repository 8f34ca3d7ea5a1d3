"""The HR office's demand catalogue: its programme years, their import, entries and publishing."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.demand import (
    CATALOGUE_COLUMNS,
    catalogue_by_sub_list,
    catalogue_import_csv,
    programme_year_copy,
    programme_year_create,
    programme_year_of,
    programme_year_publish,
    programme_years_of,
)

from .scope import hr_officer_required

MAX_CSV_BYTES = 2 * 1024 * 1024


class ProgrammeYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts_on = forms.DateField(
        label=gettext_lazy("Starts on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: 1 January."),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: 31 December."),
    )


class CatalogueUploadForm(forms.Form):
    csv_file = forms.FileField(label=gettext_lazy("Catalogue CSV file"))

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("Save the file as UTF-8 CSV.")) from exc


class CopyYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("New year"), min_value=2000, max_value=2100)


def _year_or_404(office, pk):
    programme_year = programme_year_of(office=office, pk=pk)
    if programme_year is None:
        raise Http404
    return programme_year


@hr_officer_required
def catalogue_years(request, *, office):
    form = ProgrammeYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme_year = programme_year_create(
                hr_office=office, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The %(year)s programme year was created.") % {"year": programme_year.year},
            )
            return redirect("programmes:catalogue_year", pk=programme_year.pk)
    return render(
        request,
        "programmes/catalogue_years.html",
        {"office": office, "years": programme_years_of(office=office), "form": form},
    )


def _year_page(request, *, office, programme_year, upload_form=None, report=None, status=200):
    return render(
        request,
        "programmes/catalogue_year.html",
        {
            "office": office,
            "programme_year": programme_year,
            "groups": catalogue_by_sub_list(programme_year=programme_year),
            "upload_form": upload_form or CatalogueUploadForm(),
            "copy_form": CopyYearForm(initial={"year": programme_year.year + 1}),
            "report": report,
            "columns": ",".join(CATALOGUE_COLUMNS),
        },
        status=status,
    )


@hr_officer_required
def catalogue_year(request, pk, *, office):
    programme_year = _year_or_404(office, pk)
    return _year_page(request, office=office, programme_year=programme_year)


@hr_officer_required
def catalogue_import(request, pk, *, office):
    programme_year = _year_or_404(office, pk)
    if request.method != "POST":
        return redirect("programmes:catalogue_year", pk=programme_year.pk)
    form = CatalogueUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _year_page(
            request, office=office, programme_year=programme_year, upload_form=form, status=400
        )
    try:
        report = catalogue_import_csv(
            programme_year=programme_year, text=form.cleaned_data["csv_file"], actor=request.user
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _year_page(
            request, office=office, programme_year=programme_year, upload_form=form, status=400
        )
    return _year_page(request, office=office, programme_year=programme_year, report=report)


@hr_officer_required
def catalogue_publish(request, pk, *, office):
    programme_year = _year_or_404(office, pk)
    if request.method != "POST":
        return redirect("programmes:catalogue_year", pk=programme_year.pk)
    try:
        programme_year_publish(programme_year=programme_year, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The %(year)s catalogue is published.") % {"year": programme_year.year}
        )
    return redirect("programmes:catalogue_year", pk=programme_year.pk)


@hr_officer_required
def catalogue_copy(request, pk, *, office):
    programme_year = _year_or_404(office, pk)
    if request.method != "POST":
        return redirect("programmes:catalogue_year", pk=programme_year.pk)
    form = CopyYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new year as a number, e.g. 2027."))
        return redirect("programmes:catalogue_year", pk=programme_year.pk)
    try:
        new = programme_year_copy(
            programme_year=programme_year, year=form.cleaned_data["year"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("programmes:catalogue_year", pk=programme_year.pk)
    messages.success(
        request, _("The %(year)s programme year was started from a copy.") % {"year": new.year}
    )
    return redirect("programmes:catalogue_year", pk=new.pk)
