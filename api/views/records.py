"""/api/v1/ persons, companies, activities, opportunities, notifications and the lists.

Reads use the screens' selectors; writes the same services as the forms; the object rule
is the HTML views' predicate (opportunities.permissions, the recipient check of
notifications.services)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from activities.selectors import activity_list
from api import serializers as s
from api.views.base import ApiViewSet, NewestFirst, expected_version, with_etag
from contacts.models import Company, LeadStatus, Person
from contacts.services import company_create, person_create
from leads.permissions import visible_leads
from notifications.selectors import notifications_for_list
from notifications.services import notification_mark_read
from opportunities.permissions import (
    can_edit_opportunity,
    visible_opportunities,
)
from opportunities.services import opportunity_create_from_lead, opportunity_update


class ReadCreateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    pagination_class = NewestFirst
    http_method_names = ["get", "post", "head", "options"]
    service = None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = type(self).service(data=dict(serializer.validated_data), user=request.user)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


class PersonViewSet(ReadCreateViewSet):
    serializer_class = s.PersonSerializer
    queryset = Person.objects.select_related("company")
    service = staticmethod(person_create)


class CompanyViewSet(ReadCreateViewSet):
    serializer_class = s.CompanySerializer
    queryset = Company.objects.all()
    service = staticmethod(company_create)


class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.ActivitySerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return activity_list(user=self.request.user, scope="all").order_by("-id")


class OpportunityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.OpportunitySerializer
    pagination_class = NewestFirst
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return visible_opportunities(self.request.user).prefetch_related("activities")

    def retrieve(self, request, *args, **kwargs):
        opportunity = self.get_object()
        return with_etag(Response(self.get_serializer(opportunity).data), opportunity)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lead = data.get("lead")
        if lead is None or not visible_leads(request.user).filter(pk=lead.pk).exists():
            raise exceptions.ValidationError({"lead": [_("Bitte einen Lead angeben.")]})
        opportunity = opportunity_create_from_lead(lead=lead, data=data, user=request.user)
        return with_etag(
            Response(self.get_serializer(opportunity).data, status=status.HTTP_201_CREATED),
            opportunity,
        )

    def partial_update(self, request, *args, **kwargs):
        opportunity = self.get_object()
        if not can_edit_opportunity(request.user, opportunity):
            raise exceptions.PermissionDenied(
                _("Sie dürfen diese Verkaufschance nicht bearbeiten.")
            )
        version = expected_version(request)
        serializer = self.get_serializer(opportunity, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("company", "lead")}
        opportunity = opportunity_update(
            opportunity=opportunity, data=data, user=request.user, expected_version=version
        )
        return with_etag(Response(self.get_serializer(opportunity).data), opportunity)


class NotificationViewSet(mixins.ListModelMixin, ApiViewSet):
    """The token user's own notifications; another user's are never found (404)."""

    serializer_class = s.NotificationSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        unread = self.request.query_params.get("unread") in ("1", "true")
        return notifications_for_list(self.request.user, unread=unread).order_by("-id")

    @extend_schema(request=None, parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    @action(detail=True, methods=["post"], url_path="read")
    def mark_read(self, request, pk=None):
        notification = self.get_queryset().filter(pk=pk).first()
        if notification is None:
            raise Http404
        notification = notification_mark_read(notification=notification, user=request.user)
        return Response(self.get_serializer(notification).data)


class ListViewSet(mixins.ListModelMixin, ApiViewSet):
    """A list maintained in the admin (read-only), ordered as in the masks."""

    pagination_class = None
    serializer_class = s.NamedSerializer
    model = None

    def get_queryset(self):
        return type(self).model.objects.all()


def list_viewset(key: str, model) -> type[ListViewSet]:
    return type(f"{model.__name__}ListViewSet", (ListViewSet,), {"model": model})


class StatusListViewSet(ListViewSet):
    serializer_class = s.StatusSerializer
    model = LeadStatus


class UserListViewSet(ListViewSet):
    serializer_class = s.UserSerializer

    def get_queryset(self):
        return User.objects.active()
