"""Bell (HTMX fragment), notification list, mark read, and the job progress page.

The job pages live here (under /benachrichtigungen/auftraege/) because they are part of
the bell's world for the user; the job row and its rules belong to `jobs`, one layer below.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from jobs import runner as job_runner
from jobs import selectors as job_selectors
from notifications import selectors, services
from notifications.forms import NotificationFilterForm
from notifications.kinds import PRIORITY_HELP, Priority
from notifications.models import Notification


def _safe_url(request: HttpRequest, url: str, fallback: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


@role_required()
def bell(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/bell.html", selectors.bell_for_user(request.user))


@role_required()
def notification_list(request: HttpRequest) -> HttpResponse:
    form = NotificationFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.notifications_for_list(
        request.user, unread=bool(filters.get("unread")), kind=filters.get("kind") or ""
    )
    page = Paginator(qs, 50, allow_empty_first_page=True).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "priorities": [(value, label, PRIORITY_HELP[value]) for value, label in Priority.choices],
    }
    return render(request, "notifications/list.html", context)


@role_required()
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification: mark it read and go to its entity."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification, user=request.user)
    return redirect(_safe_url(request, notification.url, "notifications:list"))


@require_POST
@role_required()
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification, user=request.user)
    if request.htmx:
        return bell(request)
    return redirect(_safe_url(request, request.POST.get("next", ""), "notifications:list"))


@require_POST
@role_required()
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    if request.htmx:
        return bell(request)
    return redirect(_safe_url(request, request.POST.get("next", ""), "notifications:list"))


@role_required()
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_selectors.job_for_user(job_id=job_id, user=request.user)
    if job is None:
        raise Http404
    # HTMX polls get the partial; a plain visit (link, reload, no JS) gets a whole page
    template = "notifications/_job_progress.html" if request.htmx else "notifications/job_page.html"
    return render(request, template, {"job": job})


@require_POST
@role_required()
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_selectors.job_for_user(job_id=job_id, user=request.user)
    if job is None:
        raise Http404
    job_runner.job_request_cancel(job=job)
    if request.htmx:
        return render(request, "notifications/_job_progress.html", {"job": job})
    return redirect("notifications:job_status", job_id=job.pk)
