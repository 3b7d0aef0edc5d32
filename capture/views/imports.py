"""Import screens: upload → column mapping with preview → value mapping of the choice
columns → progress, cancel, resume, report."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from capture.imports import files as import_files
from capture.imports import run as import_runner
from capture.imports import values as import_values_module
from capture.imports.values import CHOICE_TARGETS
from jobs.runner import BROKER_DOWN_MESSAGE, job_can_resume
from leads.models import Campaign, DuplicateMode, LeadImport, LeadSource
from leads.permissions import IMPORT_ROLES

LIST_LIMIT = 30
ISSUE_LIMIT = 20


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Datei (CSV oder Excel .xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".csv,.txt,.xlsx"}
        ),
    )


class StartForm(forms.Form):
    duplicate_mode = forms.ChoiceField(
        label=_lazy("Dubletten (gleiche E-Mail oder Telefonnummer)"),
        choices=DuplicateMode.choices,
        widget=forms.RadioSelect,
        initial=DuplicateMode.SKIP,
    )
    campaign = forms.ModelChoiceField(
        label=_lazy("Kampagne"),
        queryset=Campaign.objects.all(),
        required=False,
        empty_label=_lazy("– keine –"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    source = forms.ModelChoiceField(
        label=_lazy("Quelle (wenn die Datei keine hat)"),
        queryset=LeadSource.objects.filter(active=True),
        required=False,
        empty_label=_lazy("– keine –"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _imports(request: HttpRequest):
    """The imports the user may open, cancel, resume and read the error report of (it holds
    personal data): their own; the Vertriebsleitung and superusers see all."""
    user = request.user
    if user.is_superuser or user.has_role(Role.SALES_MANAGER):
        return LeadImport.objects.all()
    return LeadImport.objects.filter(created_by=user)


def _queued_message(request: HttpRequest, job, text: str) -> None:
    """The success message, or the outage notice when the broker refused the job (it stays
    pending; the beat re-scan starts it)."""
    if getattr(job, "queued", None) is False:
        messages.warning(request, BROKER_DOWN_MESSAGE)
    else:
        messages.success(request, text)


@require_http_methods(["GET", "POST"])
@role_required(*IMPORT_ROLES)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead_import = import_files.import_upload(
                upload=form.cleaned_data["file"], user=request.user
            )
        except import_files.ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("capture:import_mapping", pk=lead_import.pk)
    recent = (
        _imports(request).select_related("job", "created_by").order_by("-created_at")[:LIST_LIMIT]
    )
    return render(
        request,
        "capture/imports/upload.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*IMPORT_ROLES)
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: a target field per column and the options; with choice columns mapped, the
    value mapping (step 3) follows, else the import starts."""
    lead_import = get_object_or_404(_imports(request), pk=pk)
    if lead_import.job_id:
        return redirect("capture:import_detail", pk=lead_import.pk)
    initial = {
        "duplicate_mode": lead_import.duplicate_mode,
        "campaign": lead_import.campaign_id,
        "source": lead_import.source_id,
    }
    form = StartForm(request.POST or None, initial=initial)
    mapping = dict(lead_import.mapping)
    error = ""
    if request.method == "POST":
        mapping = {
            header: request.POST.get(f"map_{i}", "")
            for i, header in enumerate(lead_import.headers)
            if request.POST.get(f"map_{i}", "")
        }
        if form.is_valid():
            try:
                import_files.import_configure(
                    lead_import=lead_import,
                    mapping=mapping,
                    duplicate_mode=form.cleaned_data["duplicate_mode"],
                    campaign=form.cleaned_data["campaign"],
                    source=form.cleaned_data["source"],
                )
                if lead_import.choice_values:
                    return redirect("capture:import_values", pk=lead_import.pk)
                job = import_files.import_start(lead_import=lead_import, user=request.user)
            except import_files.ImportFileError as exc:
                error = exc.message
            else:
                _queued_message(request, job, _("Der Import läuft im Hintergrund."))
                return redirect("capture:import_detail", pk=lead_import.pk)
    preview = import_files.preview(lead_import)
    columns = [
        {
            "index": i,
            "header": h,
            "target": mapping.get(h, ""),
            "samples": [row[i] for row in preview if i < len(row) and row[i]][:3],
        }
        for i, h in enumerate(lead_import.headers)
    ]
    context = {
        "lead_import": lead_import,
        "form": form,
        "columns": columns,
        "targets": [(key, label) for key, (label, _m, _s) in import_files.FIELDS.items()],
        "choice_targets": [
            str(import_files.FIELDS[t][0]) for t in CHOICE_TARGETS if t in import_files.FIELDS
        ],
        "preview_rows": len(preview),
        "error": error,
    }
    return render(request, "capture/imports/mapping.html", context, status=400 if error else 200)


def _submitted_values(request: HttpRequest, lead_import: LeadImport) -> dict:
    """{target: {value: key}} from the selects `value_<target>_<n>` (n: the value's place
    in the scanned list, so no file value ever becomes a field name)."""
    return {
        target: {
            value: request.POST.get(f"value_{target}_{n}", "")
            for n, (value, _count) in enumerate(scanned["values"])
        }
        for target, scanned in lead_import.choice_values.items()
    }


@require_http_methods(["GET", "POST"])
@role_required(*IMPORT_ROLES)
def import_values(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: each distinct value of a mapped choice column → an existing value (the
    closest one preselected) or "ignorieren"; confirming starts the import."""
    lead_import = get_object_or_404(_imports(request), pk=pk)
    if lead_import.job_id:
        return redirect("capture:import_detail", pk=lead_import.pk)
    if not lead_import.choice_values:
        return redirect("capture:import_mapping", pk=lead_import.pk)
    error = ""
    if request.method == "POST":
        try:
            job = import_files.import_start(
                lead_import=lead_import,
                user=request.user,
                value_mapping=_submitted_values(request, lead_import),
            )
        except import_files.ImportFileError as exc:
            error = exc.message
        else:
            _queued_message(request, job, _("Der Import läuft im Hintergrund."))
            return redirect("capture:import_detail", pk=lead_import.pk)
    context = {
        "lead_import": lead_import,
        "sections": import_values_module.proposal(lead_import),
        "ignore": import_values_module.IGNORE,
        "error": error,
    }
    return render(request, "capture/imports/values.html", context, status=400 if error else 200)


@role_required(*IMPORT_ROLES)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead_import = get_object_or_404(_imports(request).select_related("job", "created_by"), pk=pk)
    issues = lead_import.issues.order_by("row_number", "id")[:ISSUE_LIMIT]
    job = lead_import.job
    context = {
        "lead_import": lead_import,
        "job": job,
        "issues": issues,
        "can_resume": job is not None and job_can_resume(job=job),
    }
    return render(request, "capture/imports/detail.html", context)


@require_POST
@role_required(*IMPORT_ROLES)
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    lead_import = get_object_or_404(_imports(request).select_related("job"), pk=pk)
    if lead_import.job_id:
        import_files.import_cancel(lead_import=lead_import)
        messages.info(request, _("Der Import wird nach dem laufenden Block abgebrochen."))
    return redirect("capture:import_detail", pk=pk)


@require_POST
@role_required(*IMPORT_ROLES)
def import_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-run a failed, cancelled or stuck import from the last committed row."""
    lead_import = get_object_or_404(_imports(request).select_related("job"), pk=pk)
    if import_files.import_resume(lead_import=lead_import):
        _queued_message(
            request,
            lead_import.job,
            _("Der Import wird ab Zeile %(n)d fortgesetzt.") % {"n": lead_import.next_row},
        )
    return redirect("capture:import_detail", pk=pk)


@role_required(*IMPORT_ROLES)
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    lead_import = get_object_or_404(_imports(request), pk=pk)
    response = HttpResponse(
        import_runner.error_report_csv(lead_import), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="importfehler-{lead_import.pk}.csv"'
    return response
