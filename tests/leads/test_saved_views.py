"""Saved views of the lead list: CRUD, one default per user, shared views, query counts."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import ListPreference
from leads.errors import LeadError
from leads.models import SavedView
from leads.services import saved_views as services
from tests import factories as f


def create(user, name="Meine heißen", query="follow_up_by=me&sort=-score&cursor=x", **kw):
    return services.saved_view_create(
        user=user,
        name=name,
        querystring=query,
        columns=kw.pop("columns", ["number", "score", "nonsense"]),
        shared=kw.pop("shared", False),
        is_default=kw.pop("is_default", False),
    )


@pytest.mark.django_db
def test_create_keeps_filters_sort_and_known_columns(rep):
    view = create(rep)
    assert view.querystring == "follow_up_by=me&sort=-score"  # not the page cursor
    assert view.columns == ["number", "score"]
    with pytest.raises(LeadError):
        create(rep)  # same name twice
    with pytest.raises(LeadError):
        create(rep, name="  ")


@pytest.mark.django_db
def test_one_default_per_user(rep, teammate):
    first = create(rep, name="A", is_default=True)
    second = create(rep, name="B", is_default=True)
    first.refresh_from_db()
    assert not first.is_default and second.is_default
    services.saved_view_set_default(view=first, user=rep, is_default=True)
    second.refresh_from_db()
    assert not second.is_default
    assert create(teammate, name="A", is_default=True).is_default  # per user
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedView.objects.create(owner=rep, name="C", is_default=True)


@pytest.mark.django_db
def test_shared_views_visible_but_not_editable_by_others(rep, teammate, teammate_client):
    shared = create(rep, name="Team", shared=True)
    private = create(rep, name="Privat")
    visible = set(services.saved_views_for(teammate))
    assert shared in visible and private not in visible
    for action in ("rename", "delete", "default"):
        response = teammate_client.post(
            reverse("leads:view_change", args=[shared.pk]), {"action": action, "name": "X"}
        )
        assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.name == "Team" and not shared.is_default
    assert teammate_client.get(reverse("leads:view_open", args=[private.pk])).status_code == 404
    response = teammate_client.get(reverse("leads:view_open", args=[shared.pk]))
    assert response.status_code == 302 and "sort=-score" in response["Location"]


@pytest.mark.django_db
def test_views_through_the_screens(rep, rep_client):
    response = rep_client.post(
        reverse("leads:view_save"),
        {"name": "Überfällig", "query": "overdue=on&sort=-score", "is_default": "on"},
    )
    view = SavedView.objects.get(owner=rep)
    assert response.status_code == 302 and view.is_default
    # the plain list opens the default view, its columns become the user's
    ListPreference.objects.filter(user=rep).delete()
    response = rep_client.get(reverse("leads:list"))
    assert response["Location"] == reverse("leads:view_open", args=[view.pk])
    response = rep_client.get(response["Location"])
    assert response["Location"] == reverse("leads:list") + "?overdue=on&sort=-score"
    assert rep_client.get(reverse("leads:list") + "?view=none").status_code == 200
    rep_client.post(
        reverse("leads:view_change", args=[view.pk]),
        {"action": "rename", "name": "Neu", "shared": "on"},
    )
    view.refresh_from_db()
    assert view.name == "Neu" and view.shared
    rep_client.post(reverse("leads:view_change", args=[view.pk]), {"action": "delete"})
    assert not SavedView.objects.filter(pk=view.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [{"name": ""}, {"name": "x" * 500}, {"name": "ok", "query": "%%%&&=\x00" * 900}]
)
def test_bad_input_no_500(rep_client, data):
    response = rep_client.post(reverse("leads:view_save"), data)
    assert response.status_code in (302, 400)  # 400: a NUL byte (ui.middleware)
    assert rep_client.get(reverse("leads:view_open", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_outsider_refused(outsider_client, rep):
    view = create(rep, shared=True)
    assert outsider_client.get(reverse("leads:view_open", args=[view.pk])).status_code in (
        302,
        403,
    )
    outsider_client.post(reverse("leads:view_save"), {"name": "x"})
    assert SavedView.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("views", [0, 6])
def test_list_queries_do_not_grow_with_views(
    rep, teammate, rep_client, django_assert_num_queries, views
):
    for _i in range(3):
        f.LeadFactory()
    for i in range(views):
        create(rep, name=f"Meine {i}")
        create(teammate, name=f"Team {i}", shared=True)
    from tests.leads.test_leads_list import LIST_QUERIES

    with django_assert_num_queries(LIST_QUERIES):
        response = rep_client.get(reverse("leads:list"), {"sort": "-score"})
    assert response.status_code == 200
    assert response.content.decode().count('href="/leads/ansichten/') == 2 * views
