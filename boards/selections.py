"""Saved selections [Selektionen] of persons, companies and leads: services and selectors.

A dynamic selection stores the Find criteria and re-evaluates them on open; a static one
freezes the members found when it was saved. Private selections are seen by their owner
only, shared ones by everybody; only the owner renames or deletes. Lead selections are
static and made elsewhere (the demo data); here they are listed and opened, not created.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from boards.models import Selection, SelectionKind, SelectionTarget
from contacts import search
from contacts.models import Company, Person
from leads import permissions as lead_permissions
from leads.models import Lead
from leads.selectors import list_queryset

STATIC_MAX = 20_000


class SelectionError(Exception):
    """A German message for the user."""


def selection_for_user(*, pk: int, user) -> Selection | None:
    return Selection.objects.visible_to(user).select_related("owner").filter(pk=pk).first()


def selections_visible(*, user) -> QuerySet[Selection]:
    return Selection.objects.visible_to(user).select_related("owner").order_by("name", "id")


def selection_members(selection: Selection) -> QuerySet:
    """Members of a selection: dynamic criteria re-evaluated, static frozen.

    The person board, the selection list and the bulk update all call this. A lead
    selection is static only (its leads were picked, e.g. by the demo data): the criteria
    are about persons and companies, so a dynamic lead selection has no members.
    """
    if selection.target == SelectionTarget.LEAD:
        if selection.kind != SelectionKind.STATIC:
            return Lead.objects.none()
        return Lead.objects.filter(pk__in=selection.leads.values("pk"))
    model = Person if selection.target == SelectionTarget.PERSON else Company
    if selection.kind == SelectionKind.STATIC:
        members = selection.persons if model is Person else selection.companies
        return model.objects.for_list().filter(pk__in=members.values("pk"))
    return search.apply_criteria(selection.target, selection.criteria or [])


def selection_leads(selection: Selection, *, user, columns) -> QuerySet:
    """The leads of a lead selection that `user` may see, newest first, with the relations
    the shown lead list `columns` need (one query per page)."""
    members = selection_members(selection).values("pk")
    visible = lead_permissions.visible_leads(user).filter(pk__in=members)
    return list_queryset(visible, columns).order_by("-created_at", "-id")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise SelectionError(_("Bitte einen Namen für die Selektion eingeben."))
    if len(name) > 120:
        raise SelectionError(_("Der Name darf höchstens 120 Zeichen lang sein."))
    return name


@transaction.atomic
def selection_create(
    *, user, name: str, target: str, kind: str, criteria: list[dict], shared: bool
) -> Selection:
    name = _clean_name(name)
    if target not in (SelectionTarget.PERSON, SelectionTarget.COMPANY):
        raise SelectionError(_("Ungültiges Ziel der Selektion."))
    if kind not in SelectionKind.values:
        raise SelectionError(_("Ungültige Art der Selektion."))
    cleaned = []
    for raw in criteria:
        crit, error = search.clean_criterion(raw)
        if error:
            raise SelectionError(error)
        if crit and crit["values"]:
            cleaned.append(crit)
    if Selection.objects.filter(owner=user, name=name).exists():
        raise SelectionError(_("Sie haben schon eine Selektion mit dem Namen „%s“.") % name)
    try:
        with transaction.atomic():
            selection = Selection.objects.create(
                name=name, owner=user, target=target, kind=kind, criteria=cleaned, shared=shared
            )
    except IntegrityError:
        raise SelectionError(
            _("Sie haben schon eine Selektion mit dem Namen „%s“.") % name
        ) from None
    if kind == SelectionKind.STATIC:
        ids = list(
            search.apply_criteria(target, cleaned).values_list("pk", flat=True)[: STATIC_MAX + 1]
        )
        if len(ids) > STATIC_MAX:
            raise SelectionError(
                _("Eine statische Selektion kann höchstens %d Mitglieder haben.") % STATIC_MAX
            )
        members = selection.persons if target == SelectionTarget.PERSON else selection.companies
        members.set(ids)
    return selection


def _own(selection: Selection, user) -> None:
    if selection.owner_id != user.pk:
        raise SelectionError(_("Nur der Besitzer kann diese Selektion ändern oder löschen."))


@transaction.atomic
def selection_rename(*, selection: Selection, name: str, shared: bool | None, user) -> Selection:
    _own(selection, user)
    name = _clean_name(name)
    if Selection.objects.filter(owner=user, name=name).exclude(pk=selection.pk).exists():
        raise SelectionError(_("Sie haben schon eine Selektion mit dem Namen „%s“.") % name)
    selection.name = name
    if shared is not None:
        selection.shared = shared
    selection.save(update_fields=["name", "shared", "updated_at"])
    return selection


@transaction.atomic
def selection_delete(*, selection: Selection, user) -> None:
    _own(selection, user)
    selection.delete()
