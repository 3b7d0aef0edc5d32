"""Business-card scan on "Neuer Lead": upload → job (OCR task) → progress → the mask.

The views are thin: `card_scan_start` checks and queues, the status view shows the job's
progress (htmx polls it) and, once done, sends the rep to the new-lead mask with
`?scan=<job>`; the mask (leads.views.mask) prefills from the job's result. A job is
visible only to its creator.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import role_required
from capture.cards.services import JOB_KIND, CardScanError, card_scan_start
from jobs.models import Job, JobState
from leads.permissions import can_create_lead


class CardScanForm(forms.Form):
    card = forms.FileField(label=_lazy("Visitenkarte (Foto, PDF oder vCard)"))


def _mask_url(job: Job) -> str:
    return reverse("leads:create") + f"?scan={job.pk}"


@require_POST
@role_required()
def card_scan(request: HttpRequest) -> HttpResponse:
    if not can_create_lead(request.user):
        raise PermissionDenied
    form = CardScanForm(request.POST, request.FILES)
    job = None
    if form.is_valid():
        try:
            job = card_scan_start(upload=form.cleaned_data["card"], user=request.user)
        except CardScanError as exc:
            form.add_error("card", exc.message)
    if job is None:
        if request.htmx:  # the form again, with its error, in place
            return render(request, "capture/cards/_scan_form.html", {"scan_form": form})
        for error in form.errors.get("card", []):
            messages.error(request, error)
        return redirect("leads:create")
    return _status_response(request, job)


def _status_response(request: HttpRequest, job: Job) -> HttpResponse:
    if job.state == JobState.DONE:
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = _mask_url(job)
            return response
        return redirect(_mask_url(job))
    template = (
        "capture/cards/_scan_status.html" if request.htmx else "capture/cards/scan_status.html"
    )
    return render(request, template, {"job": job, "scan_form": CardScanForm()})


@require_GET
@role_required()
def card_scan_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = Job.objects.filter(pk=pk, kind=JOB_KIND, created_by=request.user).first()
    if job is None:  # another user's scan is not even confirmed to exist
        raise Http404
    return _status_response(request, job)
