"""The opportunity page, its edit form (optimistic locking) and the status buttons."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import role_required
from opportunities import selectors, services
from opportunities.errors import ConflictError, OpportunityError
from opportunities.forms import OpportunityForm
from opportunities.history import history_rows
from opportunities.models import Opportunity, OpportunityStatus
from opportunities.permissions import can_edit_opportunity


def get_opportunity(request: HttpRequest, pk: int) -> Opportunity:
    try:
        return selectors.opportunity_detail(pk=pk, user=request.user)
    except Opportunity.DoesNotExist:
        raise Http404(_("Diese Verkaufschance gibt es nicht (mehr).")) from None


def form_error(form, exc: OpportunityError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_http_methods(["GET"])
@role_required()
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity(request, pk)
    context = {
        "opportunity": opportunity,
        "can_edit": can_edit_opportunity(request.user, opportunity),
        "history": history_rows(opportunity),
        "statuses": OpportunityStatus,
    }
    return render(request, "opportunities/opportunity_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required()
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity(request, pk)
    if not can_edit_opportunity(request.user, opportunity):
        raise PermissionDenied(_("Sie dürfen diese Verkaufschance nicht bearbeiten."))
    form = OpportunityForm(
        request.POST or None,
        instance=opportunity,
        company=opportunity.company,
        initial={"version": opportunity.version},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.opportunity_update(
                opportunity=opportunity,
                data=data,
                user=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ConflictError as exc:
            conflict = exc
            form.add_error(None, exc.message)
        except OpportunityError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Die Verkaufschance wurde gespeichert."))
            return redirect(opportunity.get_absolute_url())
    status = 409 if conflict else (400 if form.errors else 200)
    context = {"form": form, "opportunity": opportunity, "conflict": conflict}
    return render(request, "opportunities/opportunity_form.html", context, status=status)


@require_POST
@role_required()
def opportunity_status(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity(request, pk)
    if not can_edit_opportunity(request.user, opportunity):
        raise PermissionDenied(_("Sie dürfen diese Verkaufschance nicht bearbeiten."))
    version = request.POST.get("version", "")
    try:
        updated = services.opportunity_set_status(
            opportunity=opportunity,
            status=request.POST.get("status", "")[:10],
            user=request.user,
            expected_version=int(version) if version.isdecimal() and len(version) < 10 else 0,
        )
    except OpportunityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Die Verkaufschance ist jetzt „%(status)s“.")
            % {"status": updated.get_status_display()},
        )
    return redirect(opportunity.get_absolute_url())
