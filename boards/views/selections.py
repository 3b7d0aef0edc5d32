"""Selection screens: list, open (members table), save from Find, rename, delete."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from boards import selections as svc
from boards.models import SelectionKind, SelectionTarget
from contacts import search, selectors
from contacts.views.common import decorate_persons, int_param, query_without_page, table_context
from leads import selectors as lead_selectors


def _get(request, pk: int):
    selection = svc.selection_for_user(pk=pk, user=request.user)
    if selection is None:
        raise Http404(_("Diese Selektion gibt es nicht oder sie ist nicht sichtbar."))
    return selection


def _board_url(selection) -> str:
    if selection.target != "person" or selection.kind != SelectionKind.DYNAMIC:
        return ""
    return reverse("boards:selection_board", args=[selection.pk])


@role_required()
def selection_list(request):
    rows = list(svc.selections_visible(user=request.user))
    return render(request, "boards/selection_list.html", {"selections": rows})


@role_required()
def selection_detail(request, pk: int):
    selection = _get(request, pk)
    page = int_param(request.GET.get("page"), 1)
    context = {
        "selection": selection,
        "target": selection.target,
        "described": search.describe(selection.criteria or []),
        "is_owner": selection.owner_id == request.user.pk,
    }
    if selection.target == SelectionTarget.LEAD:
        columns = lead_selectors.list_columns(request.user)
        qs = svc.selection_leads(selection, user=request.user, columns=columns)
        context.update(
            pager=selectors.page_of(qs, page=page),
            columns=columns,
            column_keys=[c.key for c in columns],
            all_columns=lead_selectors.COLUMNS,
            base_query=query_without_page(request),
            today=timezone.localdate(),
        )
        return render(request, "boards/selection_detail.html", context)
    key = "find_persons" if selection.target == SelectionTarget.PERSON else "find_companies"
    context.update(
        pager=selectors.page_of(svc.selection_members(selection), page=page),
        board_url=_board_url(selection),
        find_url=reverse("contacts:find")
        + "?"
        + urlencode(
            [("target", selection.target)] + search.criteria_to_query(selection.criteria or [])
        ),
        **table_context(request, key=key),
    )
    if selection.target == SelectionTarget.PERSON:
        decorate_persons(context["pager"]["rows"], context["columns"])
    return render(request, "boards/selection_detail.html", context)


@require_POST
@role_required()
def selection_create(request):
    target = search.parse_target(request.POST.get("target"))
    criteria, errors = search.parse_criteria(request.POST)
    back = (
        reverse("contacts:find")
        + "?"
        + urlencode(
            [("target", target)] + search.criteria_to_query([c for c in criteria if c["values"]])
        )
    )
    if errors:
        for error in errors:
            messages.error(request, error)
        return redirect(back)
    try:
        selection = svc.selection_create(
            user=request.user,
            name=request.POST.get("name", ""),
            target=target,
            kind=request.POST.get("kind", SelectionKind.DYNAMIC),
            criteria=criteria,
            shared=request.POST.get("shared") in ("1", "on", "true"),
        )
    except svc.SelectionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("Die Selektion „%s“ wurde gespeichert.") % selection.name)
    return redirect("boards:selection_detail", pk=selection.pk)


@role_required()
def selection_rename(request, pk: int):
    selection = _get(request, pk)
    if request.method == "POST":
        try:
            svc.selection_rename(
                selection=selection,
                name=request.POST.get("name", ""),
                shared=request.POST.get("shared") in ("1", "on", "true"),
                user=request.user,
            )
        except svc.SelectionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Die Selektion wurde umbenannt."))
            return redirect("boards:selection_detail", pk=pk)
    return render(request, "boards/selection_rename.html", {"selection": selection})


@require_POST
@role_required()
def selection_delete(request, pk: int):
    selection = _get(request, pk)
    try:
        svc.selection_delete(selection=selection, user=request.user)
    except svc.SelectionError as exc:
        messages.error(request, str(exc))
        return redirect("boards:selection_detail", pk=pk)
    messages.success(request, _("Die Selektion wurde gelöscht."))
    return redirect("boards:selection_list")
