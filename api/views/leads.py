"""/api/v1/leads/: the lead list with the list screen's filters, one lead, create, change
(optimistic locking with ETag/If-Match) and the status change.

Every write goes through the lead services (validation, duplicate-free numbering,
distribution, history, appointment sync, notifications) and is allowed by the same
predicates as the mask (leads.permissions)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.serializers import LeadConversionSerializer, LeadSerializer, LeadStatusChangeSerializer
from api.views.base import ApiViewSet, NewestFirst, expected_version, with_etag
from conversion.services import lead_convert
from leads.action_box import CONVERT, action_box_entry
from leads.filters import LeadFilter
from leads.models import Lead
from leads.permissions import (
    can_create_lead,
    can_edit_lead,
    can_qualify_lead,
    visible_leads,
)
from leads.selectors import without_needless_distinct
from leads.services.lead import lead_create, lead_update
from leads.services.lifecycle import lead_set_status

IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True, description="ETag der Version"
)
# fields only the qualifying roles may change on someone else's lead (as in the mask)
QUALIFY_FIELDS = frozenset({"status", "type", "lost_reason", "lost_note"})


class LeadViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ApiViewSet,
):
    serializer_class = LeadSerializer
    pagination_class = NewestFirst
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            visible_leads(self.request.user).select_related("status").prefetch_related("interests")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=str(f.label))
            for name, f in LeadFilter.base_filters.items()
        ]
    )
    def list(self, request, *args, **kwargs):
        filterset = LeadFilter(
            request.query_params or None, queryset=self.get_queryset(), user=request.user
        )
        if filterset.is_bound and not filterset.form.is_valid():
            raise exceptions.ValidationError(filterset.form.errors)
        qs = without_needless_distinct(filterset.qs)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _lead(self) -> Lead:
        lead = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if lead is None:
            raise Http404
        return lead

    def retrieve(self, request, *args, **kwargs):
        lead = self._lead()
        return with_etag(Response(self.get_serializer(lead).data), lead)

    def create(self, request, *args, **kwargs):
        if not can_create_lead(request.user):
            raise exceptions.PermissionDenied(_("Sie dürfen keine Leads anlegen."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        interests = data.pop("interests", ())
        result = lead_create(data=data, user=request.user, interests=interests)
        lead = self.get_queryset().get(pk=result.lead.pk)
        response = Response(self.get_serializer(lead).data, status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{lead.pk}/")
        return with_etag(response, lead)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        lead = self._lead()
        if not can_edit_lead(request.user, lead):
            raise exceptions.PermissionDenied(_("Sie dürfen diesen Lead nicht bearbeiten."))
        version = expected_version(request)
        serializer = self.get_serializer(lead, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if QUALIFY_FIELDS & set(data) and not can_qualify_lead(request.user, lead):
            raise exceptions.PermissionDenied(
                _("Status und Typ dieses Leads ändert die Vertriebsleitung oder der Vertrieb.")
            )
        interests = data.pop("interests", None)
        result = lead_update(
            lead=lead, data=data, user=request.user, expected_version=version, interests=interests
        )
        lead = self.get_queryset().get(pk=result.lead.pk)
        return with_etag(Response(self.get_serializer(lead).data), lead)

    @extend_schema(request=LeadStatusChangeSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        lead = self._lead()
        if not can_qualify_lead(request.user, lead):
            raise exceptions.PermissionDenied(_("Sie dürfen den Status dieses Leads nicht ändern."))
        version = expected_version(request)
        serializer = LeadStatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lead_set_status(
            lead=lead,
            status=serializer.validated_data["status"],
            user=request.user,
            expected_version=version,
            lost_reason=serializer.validated_data.get("lost_reason"),
            lost_note=serializer.validated_data.get("lost_note"),
        )
        lead = self.get_queryset().get(pk=lead.pk)
        return with_etag(Response(self.get_serializer(lead).data), lead)

    @extend_schema(request=LeadConversionSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], url_path="convert")
    def convert(self, request, pk=None):
        """The conversion wizard's rule (`leads.action_box`) decides whether it may run."""
        lead = self._lead()
        entry = action_box_entry(lead, request.user, CONVERT)
        if not entry["allowed"]:
            raise exceptions.PermissionDenied(entry["reason"] or None)
        if not entry["enabled"]:
            raise exceptions.ValidationError([entry["reason"]])
        version = expected_version(request)
        serializer = LeadConversionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = lead_convert(
            lead=lead,
            user=request.user,
            expected_version=version,
            company=data.get("company"),
            company_data=data.get("company_data"),
            person=data.get("person"),
            person_data=data.get("person_data"),
            opportunity_data=data.get("opportunity"),
        )
        lead = self.get_queryset().get(pk=result.lead.pk)
        body = {
            "lead": self.get_serializer(lead).data,
            "company": result.company.pk,
            "person": result.person.pk,
            "opportunity": result.opportunity.pk if result.opportunity else None,
        }
        return with_etag(Response(body), lead)
