"""Saved views of the lead list: create, change, delete, pick the default (owner only)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from leads import selectors
from leads.bulk.selection import clean_query
from leads.errors import LeadError
from leads.models import SavedView

VIEWS_MAX = 50  # per user: the menu stays a menu


def saved_views_for(user) -> QuerySet[SavedView]:
    """The views `user` may open: own first, then the shared ones of others (one query)."""
    return (
        SavedView.objects.visible_to(user)
        .select_related("owner")
        .order_by("position", "name", "id")
    )


def saved_view_for(*, pk: int, user) -> SavedView | None:
    return saved_views_for(user).filter(pk=pk).first()


def default_view(user) -> SavedView | None:
    return SavedView.objects.filter(owner=user, is_default=True).first()


def view_querystring(querystring: str) -> str:
    """What a view keeps of the list's querystring: filters and sort (not the page)."""
    sort = QueryDict(querystring or "").get("sort")
    params = QueryDict(clean_query(querystring), mutable=True)
    if sort and selectors.parse_sort(sort)[0].key == sort.lstrip("-"):
        params["sort"] = sort
    return params.urlencode()[:4000]


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise LeadError(_("Bitte einen Namen für die Ansicht eingeben."), field="name")
    if len(name) > 80:
        raise LeadError(_("Der Name darf höchstens 80 Zeichen lang sein."), field="name")
    return name


def _own(view: SavedView, user) -> None:
    if view.owner_id != user.pk:
        raise LeadError(_("Nur der Besitzer kann diese Ansicht ändern oder löschen."))


def _clear_default(user, keep: SavedView | None = None) -> None:
    qs = SavedView.objects.filter(owner=user, is_default=True)
    if keep is not None:
        qs = qs.exclude(pk=keep.pk)
    qs.update(is_default=False)


def _taken(user, name: str) -> LeadError:
    return LeadError(_("Sie haben schon eine Ansicht mit dem Namen „%s“.") % name, field="name")


@transaction.atomic
def saved_view_create(
    *, user, name: str, querystring: str, columns: list[str], shared: bool, is_default: bool
) -> SavedView:
    name = _clean_name(name)
    own = SavedView.objects.select_for_update().filter(owner=user)
    if own.count() >= VIEWS_MAX:
        raise LeadError(_("Höchstens %d Ansichten pro Benutzer.") % VIEWS_MAX)
    if own.filter(name=name).exists():
        raise _taken(user, name)
    if is_default:
        _clear_default(user)
    position = (own.aggregate(m=Max("position"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=user,
                name=name,
                shared=bool(shared),
                querystring=view_querystring(querystring),
                columns=[k for k in columns if k in selectors.COLUMNS_BY_KEY],
                is_default=bool(is_default),
                position=position,
            )
    except IntegrityError:
        raise _taken(user, name) from None


@transaction.atomic
def saved_view_update(*, view: SavedView, user, name: str, shared: bool) -> SavedView:
    _own(view, user)
    name = _clean_name(name)
    if SavedView.objects.filter(owner=user, name=name).exclude(pk=view.pk).exists():
        raise _taken(user, name)
    view.name, view.shared = name, bool(shared)
    view.save(update_fields=["name", "shared"])
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, user) -> None:
    _own(view, user)
    view.delete()


@transaction.atomic
def saved_view_set_default(*, view: SavedView, user, is_default: bool) -> SavedView:
    """Make `view` the owner's default (the previous one loses it) or clear it."""
    _own(view, user)
    SavedView.objects.select_for_update().filter(owner=user).exists()  # serialise per owner
    if is_default:
        _clear_default(user, keep=view)
    view.is_default = bool(is_default)
    view.save(update_fields=["is_default"])
    return view
