"""Bulk update [In großer Menge aktualisieren] of find results or a selection, as a job."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from boards.selections import selection_for_user, selection_members
from contacts import search, services
from contacts.errors import ContactError
from contacts.forms import BulkUpdateForm
from contacts.views.common import int_param
from jobs.runner import BROKER_DOWN_MESSAGE
from jobs.selectors import job_for_user
from leads.bulk.actions import JOB_KIND as LEAD_BULK_JOB_KIND


def _source(request):
    """(target, queryset, description, back url) from a selection id or from find criteria."""
    params = request.POST if request.method == "POST" else request.GET
    selection_id = int_param(params.get("selection"))
    if selection_id:
        selection = selection_for_user(pk=selection_id, user=request.user)
        if selection is None or selection.target not in search.TARGETS:
            raise Http404(_("Diese Selektion gibt es nicht oder sie ist nicht sichtbar."))
        back = reverse("boards:selection_detail", args=[selection.pk])
        return (
            selection.target,
            selection_members(selection),
            _("Selektion „%s“") % selection.name,
            back,
            [("selection", selection.pk)],
        )
    target = search.parse_target(params.get("target"))
    criteria, _errors = search.parse_criteria(params)
    active = [c for c in criteria if c["values"]]
    pairs = [("target", target)] + search.criteria_to_query(active)
    back = reverse("contacts:find") + "?" + urlencode(pairs)
    description = "; ".join(search.describe(active)) or _("alle Datensätze")
    return target, search.apply_criteria(target, active), description, back, pairs


@role_required()
def bulk_update(request):
    target, qs, description, back, hidden = _source(request)
    form = BulkUpdateForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.bulk_update_start(
                user=request.user,
                target=target,
                ids=services.bulk_update_ids(qs),
                action=form.cleaned_data["action"],
                value_id=form.value.pk,
            )
        except ContactError as exc:
            form.add_error(None, str(exc))
        else:
            if getattr(job, "queued", None) is False:  # broker away: the re-scan starts it
                messages.warning(request, BROKER_DOWN_MESSAGE)
            return redirect("boards:bulk_job", job_id=job.pk)
    return render(
        request,
        "boards/bulk_update.html",
        {
            "form": form,
            "target": target,
            "description": description,
            "back": back,
            "hidden_pairs": hidden,
            "sample": list(qs[:5]),
        },
    )


@role_required()
def bulk_job(request, job_id: int):
    # only the user's own bulk jobs, not even staff sees another user's here
    job = job_for_user(job_id=job_id, user=request.user, staff=False)
    if job is not None and job.kind not in (services.BULK_JOB_KIND, LEAD_BULK_JOB_KIND):
        job = None
    if job is None:
        raise Http404(_("Diesen Auftrag gibt es nicht."))
    template = "boards/bulk_job.html"
    if request.htmx:
        template = "boards/_bulk_progress.html"
    return render(request, template, {"job": job})
