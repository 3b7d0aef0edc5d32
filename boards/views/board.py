"""The kanban boards: leads by status, and a dynamic person selection by lead status.

A board is one page; filters swap the `#board` fragment (hx-push-url keeps reload and back
working), each column pulls its further pages from `*_more`, and a card move posts to
`*_move` (Sortable.js on drop, or the status menu on the card without any JavaScript).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import role_required
from boards import selectors
from boards.cards import CardMoveForm, lead_card_movable, safe_next
from boards.filters import BOARD_FIELDS
from boards.lost_move import lost_move_step
from boards.models import Selection, SelectionKind, SelectionTarget
from boards.selections import selection_members
from contacts.errors import ContactError
from contacts.models import LeadStatus, Person, Phase
from contacts.services import person_set_lead_status
from leads.errors import ConflictError, LeadError
from leads.filters import LeadFilter
from leads.models import Lead
from leads.services.lifecycle import lead_set_status

DETAIL_URL_NAMES = {"lead": "leads:detail", "person": "contacts:person_detail"}
PAGING_PARAMS = ("expand", "after", "page")


# --- helpers -----------------------------------------------------------------------------
def _filter_query(request: HttpRequest) -> QueryDict:
    query = request.GET.copy()
    for key in PAGING_PARAMS:
        query.pop(key, None)
    return query


def _expanded(request: HttpRequest) -> set[int]:
    return {int(v) for v in request.GET.getlist("expand") if v.isdecimal() and len(v) < 10}


def _lead_filterset(request: HttpRequest):
    """The lead list's FilterSet (same parameters, same meaning) over the visible leads."""
    filterset = LeadFilter(
        _filter_query(request) or None,
        queryset=selectors.board_leads(request.user),
        request=request,
        user=request.user,
    )
    filterset.form.is_valid()  # invalid filters are shown on the form and ignored
    owner = filterset.form.fields.get("follow_up_by")
    if owner is not None and hasattr(owner, "empty_label"):
        owner.empty_label = _("Alle")
    for field in filterset.form.fields.values():
        widget = field.widget
        if getattr(widget, "input_type", "") == "checkbox":
            css = "form-check-input"
        elif getattr(widget, "input_type", "") == "select":
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs.setdefault("class", css)
    filterset.board_fields = [
        filterset.form[name] for name in BOARD_FIELDS if name in filterset.form.fields
    ]
    return filterset


def _board_url(base: str, filter_query: QueryDict, expanded: set[int]) -> str:
    query = filter_query.copy()
    query.setlist("expand", [str(pk) for pk in sorted(expanded)])
    encoded = query.urlencode()
    return f"{base}?{encoded}" if encoded else base


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if url and query else url


def _more_href(base: str, filter_query: QueryDict, cursor: str) -> str:
    query = filter_query.copy()
    query["after"] = cursor
    return f"{base}?{query.urlencode()}"


def _link_columns(columns, *, base, filter_query, expanded, more_base) -> None:
    for column in columns:
        column.toggle_url = _board_url(base, filter_query, expanded ^ {column.status.pk})
        if column.next_cursor:
            column.more_url = _more_href(
                more_base(column.status.pk), filter_query, column.next_cursor
            )


def _card_context(request: HttpRequest, kind: str, **extra) -> dict:
    return {
        "kind": kind,
        "statuses": selectors.board_statuses(),
        "today": timezone.localdate(),
        "detail_url_name": DETAIL_URL_NAMES[kind],
        **extra,
    }


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx swap of a page part (not a boosted link, not htmx restoring its history)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _render_board(request, *, template_context: dict) -> HttpResponse:
    template = "boards/board.html#board_swap" if wants_fragment(request) else "boards/board.html"
    response = render(request, template, template_context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- lead board --------------------------------------------------------------------------
@require_GET
@role_required()
def lead_board(request: HttpRequest) -> HttpResponse:
    filterset = _lead_filterset(request)
    expanded = _expanded(request)
    statuses = selectors.board_statuses()
    columns = selectors.lead_board(leads=filterset.qs, statuses=statuses, expanded=expanded)
    filter_query = _filter_query(request)
    base = reverse("boards:lead_board")
    _link_columns(
        columns,
        base=base,
        filter_query=filter_query,
        expanded=expanded,
        more_base=lambda status_id: reverse("boards:lead_board_more", args=[status_id]),
    )
    context = _card_context(
        request,
        "lead",
        columns=columns,
        filter=filterset,
        filter_query=filter_query.urlencode(),
        expanded=expanded,
        board_base=base,
        board_url=_board_url(base, filter_query, expanded),
        list_url=_with_query(reverse("leads:list"), filter_query.urlencode()),
        title=_("Lead-Board"),
    )
    context["statuses"] = statuses
    return _render_board(request, template_context=context)


@require_GET
@role_required()
def lead_board_more(request: HttpRequest, status_id: int) -> HttpResponse:
    status = get_object_or_404(LeadStatus, pk=status_id)
    filterset = _lead_filterset(request)
    cards, cursor = selectors.lead_board_page(
        leads=filterset.qs, status_id=status.pk, after=request.GET.get("after", "")
    )
    filter_query = _filter_query(request)
    base = reverse("boards:lead_board")
    context = _card_context(
        request,
        "lead",
        status=status,
        cards=cards,
        next_cursor=cursor,
        more_url=_more_href(
            reverse("boards:lead_board_more", args=[status.pk]), filter_query, cursor
        )
        if cursor
        else "",
        board_url=_board_url(base, filter_query, _expanded(request)),
        title=_("Lead-Board"),
    )
    if request.htmx:
        return render(request, "boards/board.html#more", context)
    return render(request, "boards/board_column.html", context)


@require_POST
@role_required()
def lead_move(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead.objects.for_board(), pk=pk)
    form = CardMoveForm(request.POST)
    fallback = reverse("boards:lead_board")
    next_url = safe_next(request, request.POST.get("next", ""), fallback)
    if not form.is_valid():
        messages.error(
            request,
            _("Der Lead konnte nicht verschoben werden: Bitte einen gültigen Status wählen."),
        )
        return _after_move(request, kind="lead", card=lead, form=form, next_url=next_url)
    status = form.cleaned_data["status"]
    if not lead_card_movable(request.user, lead):  # the card showed it locked, too
        messages.error(
            request,
            _("Sie dürfen den Status von Lead %(number)s nicht ändern.") % {"number": lead.number},
        )
    elif status.phase == Phase.CONVERTED and status.pk != lead.status_id:
        convert_url = reverse("conversion:convert", args=[lead.pk])
        if request.htmx:
            return HttpResponseClientRedirect(convert_url)
        return redirect(convert_url)
    elif (
        lost := lost_move_step(
            request, lead=lead, status=status, move=form.cleaned_data, next_url=next_url
        )
    ).response is not None:  # into a lost column: ask for the Verlustgrund first
        return lost.response
    elif lost.proceed:
        try:
            lead = lead_set_status(
                lead=lead,
                status=status,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                **lost.arguments,
            )
        except ConflictError as error:  # stale card: never overwrite silently
            messages.error(
                request,
                _(
                    "Lead %(number)s wurde inzwischen von %(who)s geändert. Die Karte zeigt "
                    "jetzt den aktuellen Stand; bitte bei Bedarf erneut verschieben."
                )
                % {
                    "number": lead.number,
                    "who": error.changed_by or _("einem anderen Benutzer"),
                },
            )
        except LeadError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Lead %(number)s ist jetzt „%(status)s“.")
                % {"number": lead.number, "status": status.name},
            )
    lead = Lead.objects.for_board().get(pk=lead.pk)
    return _after_move(request, kind="lead", card=lead, form=form, next_url=next_url)


def _after_move(request, *, kind: str, card, form: CardMoveForm, next_url: str) -> HttpResponse:
    """htmx: the fresh card (board.js puts it into the column of its real status) and the
    messages; without JavaScript: back to the board."""
    if not request.htmx:
        return redirect(next_url)
    from_status = getattr(form, "cleaned_data", {}).get("from_status")
    context = _card_context(
        request,
        kind,
        card=card,
        from_status=from_status or "",
        board_url=next_url,
        placed=True,
    )
    if kind == "person":
        context["selection"] = getattr(request, "_board_selection", None)
    return render(request, "boards/board_card.html#moved", context)


# --- person board ------------------------------------------------------------------------
def _person_selection(request: HttpRequest, pk: int) -> Selection:
    selection = get_object_or_404(
        Selection.objects.visible_to(request.user),
        pk=pk,
        target=SelectionTarget.PERSON,
        kind=SelectionKind.DYNAMIC,
    )
    request._board_selection = selection
    return selection


def _persons(selection: Selection) -> QuerySet[Person]:
    return selection_members(selection).with_lead_status_applicable()


@require_GET
@role_required()
def selection_board(request: HttpRequest, pk: int) -> HttpResponse:
    selection = _person_selection(request, pk)
    expanded = _expanded(request)
    statuses = selectors.board_statuses()
    columns = selectors.person_board(
        persons=selection_members(selection), statuses=statuses, expanded=expanded
    )
    base = reverse("boards:selection_board", args=[selection.pk])
    _link_columns(
        columns,
        base=base,
        filter_query=QueryDict(),
        expanded=expanded,
        more_base=lambda status_id: reverse(
            "boards:selection_board_more", args=[selection.pk, status_id]
        ),
    )
    context = _card_context(
        request,
        "person",
        columns=columns,
        selection=selection,
        filter=None,
        filter_query="",
        expanded=expanded,
        board_base=base,
        board_url=_board_url(base, QueryDict(), expanded),
        list_url=selection.get_absolute_url(),
        title=selection.name,
    )
    context["statuses"] = statuses
    return _render_board(request, template_context=context)


@require_GET
@role_required()
def selection_board_more(request: HttpRequest, pk: int, status_id: int) -> HttpResponse:
    selection = _person_selection(request, pk)
    status = get_object_or_404(LeadStatus, pk=status_id)
    cards, cursor = selectors.person_board_page(
        persons=_persons(selection), status_id=status.pk, after=request.GET.get("after", "")
    )
    context = _card_context(
        request,
        "person",
        selection=selection,
        status=status,
        cards=cards,
        next_cursor=cursor,
        more_url=_more_href(
            reverse("boards:selection_board_more", args=[selection.pk, status.pk]),
            QueryDict(),
            cursor,
        )
        if cursor
        else "",
        board_url=reverse("boards:selection_board", args=[selection.pk]),
        title=selection.name,
    )
    if request.htmx:
        return render(request, "boards/board.html#more", context)
    return render(request, "boards/board_column.html", context)


@require_POST
@role_required()
def selection_person_move(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    selection = _person_selection(request, pk)
    person = get_object_or_404(
        _persons(selection).select_related("company", "owner", "lead_status"), pk=person_pk
    )
    form = CardMoveForm(request.POST)
    fallback = reverse("boards:selection_board", args=[selection.pk])
    next_url = safe_next(request, request.POST.get("next", ""), fallback)
    if not form.is_valid():
        messages.error(
            request,
            _("Die Person konnte nicht verschoben werden: Bitte einen gültigen Status wählen."),
        )
    else:
        status = form.cleaned_data["status"]
        try:
            person = person_set_lead_status(
                person=person,
                status=status,
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ContactError as error:  # includes the stale-version ConflictError
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(person)s hat jetzt den Lead-Status „%(status)s“.")
                % {"person": person.full_name, "status": status.name},
            )
    person = Person.objects.select_related("company", "owner", "lead_status").get(pk=person.pk)
    return _after_move(request, kind="person", card=person, form=form, next_url=next_url)
