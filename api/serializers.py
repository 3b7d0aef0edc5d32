"""Shapes of the API resources. Serializers validate and shape; they never save: the views
hand `validated_data` to the services (leads.services.lead, opportunities.services, …)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from activities.models import Activity
from contacts.models import Company, LeadStatus, Person
from leads.fields import mask_fields
from leads.models import Campaign, Interest, Lead, LeadSource, LeadType, LostReason
from notifications.kinds import render
from notifications.models import Notification
from opportunities.models import Opportunity, OpportunityKind

# What a client may write on a lead: the mask's fields (the field catalogue), no upload.
LEAD_WRITE_FIELDS = tuple(name for name in mask_fields() if name != "business_card")
LEAD_READ_ONLY = (
    "id",
    "number",
    "score",
    "version",
    "capture_channel",
    "created_at",
    "updated_at",
    "closed_at",
)


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True},
    component_name="LostReason",
)
class LostReasonField(serializers.RelatedField):
    """A Verlustgrund by id or by name (case-insensitive); shown as its id. An unknown
    value is a 400 naming the field; whether it is needed, and active, the lifecycle
    decides (`leads.services.lifecycle.settle_lost_reason`)."""

    default_error_messages = {
        "unknown": _("Unbekannter Verlustgrund „{value}“."),
        "invalid": _("Bitte die Id oder den Namen eines Verlustgrunds angeben."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", LostReason.objects.all())
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        text = str(data).strip()[:80]
        found = None
        if text.isdecimal() and len(text) < 10:
            found = self.get_queryset().filter(pk=int(text)).first()
        if found is None and text:
            found = self.get_queryset().filter(name__iexact=text).first()
        if found is None:
            self.fail("unknown", value=text)
        return found

    def to_representation(self, value):
        return value.pk


class LeadSerializer(serializers.ModelSerializer):
    interests = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Interest.objects.all(), required=False
    )
    lost_reason = LostReasonField()

    class Meta:
        model = Lead
        fields = (*LEAD_READ_ONLY, *LEAD_WRITE_FIELDS, "interests")
        read_only_fields = LEAD_READ_ONLY
        # the service decides what a lead needs (Lead.identity_errors, default status)
        extra_kwargs = {name: {"required": False} for name in LEAD_WRITE_FIELDS}
        validators: list = []  # the service checks the lead's rules (one place)


class LeadStatusChangeSerializer(serializers.Serializer):
    status = serializers.PrimaryKeyRelatedField(queryset=LeadStatus.objects.all())
    # needed for Disqualifiziert and Geschlossen (the lifecycle refuses the change without)
    lost_reason = LostReasonField()
    lost_note = serializers.CharField(
        required=False, allow_blank=True, max_length=Lead._meta.get_field("lost_note").max_length
    )


class ConversionCompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = (
            "name",
            "category",
            "street",
            "postal_code",
            "city",
            "country",
            "phone",
            "email",
            "website",
        )
        validators: list = []


class ConversionPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ("salutation", "first_name", "last_name", "function", "email", "phone")
        validators: list = []


class ConversionOpportunitySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OpportunityKind.choices)
    title = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    expected_close = serializers.DateField(required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class LeadConversionSerializer(serializers.Serializer):
    """The wizard's three steps in one request: an existing Geschäftspartner or the data of
    a new one, an existing Ansprechpartner of it or a new one, optionally an opportunity."""

    company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(), required=False, allow_null=True
    )
    company_data = ConversionCompanySerializer(required=False, allow_null=True)
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True
    )
    person_data = ConversionPersonSerializer(required=False, allow_null=True)
    opportunity = ConversionOpportunitySerializer(required=False, allow_null=True)


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = (
            "id",
            "company",
            "salutation",
            "first_name",
            "last_name",
            "function",
            "email",
            "phone",
            "mobile",
            "lead_status",
            "version",
        )
        read_only_fields = ("id", "lead_status", "version")
        validators: list = []


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = (
            "id",
            "name",
            "category",
            "street",
            "postal_code",
            "city",
            "country",
            "phone",
            "email",
            "website",
            "owner",
            "version",
        )
        read_only_fields = ("id", "version")
        validators: list = []


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = (
            "id",
            "kind",
            "subject",
            "body",
            "start",
            "end",
            "status",
            "person",
            "company",
            "delegated_by",
            "delegated_to",
        )
        read_only_fields = fields


class OpportunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Opportunity
        fields = "__all__"
        read_only_fields = (
            "id",
            "version",
            "status",
            "closed_at",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
            "activities",
        )


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "kind", "priority", "title", "text", "url", "created_at", "read_at")
        read_only_fields = fields

    def get_title(self, obj) -> str:
        return render(obj)[0]

    def get_text(self, obj) -> str:
        return render(obj)[1]


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class StatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeadStatus
        fields = ("id", "name", "phase", "rank", "colour", "active")
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ("id", "username", "name", "email")
        read_only_fields = fields


LIST_MODELS = {
    "sources": LeadSource,
    "types": LeadType,
    "interests": Interest,
    "campaigns": Campaign,
}
