"""An appointment in the calendar: move it (form in place via htmx), invite, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import role_required
from activities.models import Activity, ActivityKind, ActivityStatus
from activities.selectors import can_edit
from activities.services import ActivityError
from agenda import services
from agenda.forms import CancelForm, MoveForm


def _appointment(request: HttpRequest, pk: int) -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("person", "company"), pk=pk, kind=ActivityKind.APPOINTMENT
    )
    if not can_edit(request.user, activity):
        raise PermissionDenied
    return activity


def _back(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return reverse("agenda:week")


def _done(request: HttpRequest) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(_back(request))
    return redirect(_back(request))


def _render(request, activity, form, cancel_form, *, status=200):
    context = {
        "activity": activity,
        "form": form,
        "cancel_form": cancel_form,
        "next": _back(request),
        "invited": services.was_invited(activity),
        "lead": services.owning_lead(activity),
    }
    template = "agenda/move.html#move_form" if request.htmx else "agenda/move.html"
    return render(request, template, context, status=status)


@role_required()
def appointment_move(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _appointment(request, pk)
    if not services.may_move(request.user, activity):
        raise PermissionDenied
    initial = {
        "start": timezone.localtime(activity.start) if activity.start else None,
        "end": timezone.localtime(activity.end) if activity.end else None,
        "location": activity.location,
        "version": activity.version,
    }
    form = MoveForm(request.POST or None, initial=initial, auto_id=f"move{activity.pk}_%s")
    cancel_form = CancelForm(initial={"version": activity.version, "send_cancellation": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.appointment_move(
                activity=activity,
                start=data["start"],
                end=data["end"],
                location=data["location"],
                user=request.user,
                expected_version=data["version"],
            )
            if data["send_invitation"]:
                services.invitation_send(appointment=moved, user=request.user)
        except ActivityError as exc:
            form.add_error(None, exc.message)
        else:
            text = _("Termin verschoben.")
            if data["send_invitation"]:
                text = _("Termin verschoben, Einladung wird gesendet.")
            messages.success(request, text)
            return _done(request)
    return _render(request, activity, form, cancel_form, status=200)


@require_POST
@role_required()
def appointment_invite(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _appointment(request, pk)
    try:
        services.invitation_send(appointment=activity, user=request.user)
    except ActivityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Einladung wird gesendet."))
    return _done(request)


@require_POST
@role_required()
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _appointment(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Die Absage konnte nicht verarbeitet werden."))
        return _done(request)
    if activity.status == ActivityStatus.CANCELLED:
        return _done(request)
    try:
        services.appointment_cancel_with_notice(
            appointment=activity,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            send_cancellation=form.cleaned_data["send_cancellation"],
        )
    except ActivityError as exc:
        messages.error(request, exc.message)
    else:
        text = _("Termin abgesagt.")
        if form.cleaned_data["send_cancellation"]:
            text = _("Termin abgesagt, die Absage wird gesendet.")
        messages.success(request, text)
    return _done(request)
