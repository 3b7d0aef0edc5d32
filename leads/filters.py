"""The lead list's filters (django-filter). Sorting and paging live in leads/selectors.py."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import fields as df_fields

from contacts.models import LeadStatus, Phase
from leads.lookups import ChoiceLists, choice_lists, staff_users
from leads.models import Campaign, Interest, Lead, LeadSource, LeadType
from leads.response_sla import SlaState, state_q
from leads.search import search_leads
from ui.dates import SaneDateField

ME, NOBODY = "me", "nobody"
NOBODY_REASON = "none"
# single-choice filters whose options come from leads.lookups (filter name -> list kind)
_SELECTS = {
    "source": "source",
    "type": "type",
    "interest": "interest",
    "campaign": "campaign",
    "appointment_with": "user",
}


class _IdsField(df_fields.ModelMultipleChoiceField):
    """Ids beyond 64 bits are invalid choices (SQLite raises OverflowError on `__in`)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else [value]:
            text = str(pk).strip()
            if text.lstrip("-").isdecimal() and abs(int(text)) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class _IdsFilter(df.ModelMultipleChoiceFilter):
    field_class = _IdsField


class _DateFilter(df.DateFilter):
    """A date filter bounded to the sane range (ui/dates.py): year 9999 overflows."""

    field_class = SaneDateField


class LeadFilter(df.FilterSet):
    q = df.CharFilter(
        label=_("Suche"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("Nummer, Firma, Kontakt, E-Mail, Ort"), "type": "search"}
        ),
    )
    status = _IdsFilter(
        label=_("Status"), queryset=LeadStatus.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    phase = df.MultipleChoiceFilter(
        label=_("Phase"),
        field_name="status__phase",
        choices=Phase.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    source = df.ModelChoiceFilter(label=_("Quelle"), queryset=LeadSource.objects.all())
    type = df.ModelChoiceFilter(label=_("Typ"), queryset=LeadType.objects.all())
    interest = df.ModelChoiceFilter(
        label=_("Interesse"), field_name="interests", queryset=Interest.objects.all()
    )
    campaign = df.ModelChoiceFilter(label=_("Kampagne"), queryset=Campaign.objects.all())
    appointment_with = df.ModelChoiceFilter(
        label=_("Termin mit"), queryset=lambda request: staff_users(), method="filter_user"
    )
    follow_up_by = df.ChoiceFilter(
        label=_("Nachbetreuung durch"), choices=(), method="filter_follow_up_by"
    )
    score_min = df.NumberFilter(
        label=_("Score ab"),
        field_name="score",
        lookup_expr="gte",
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    score_max = df.NumberFilter(
        label=_("Score bis"),
        field_name="score",
        lookup_expr="lte",
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    engagement_min = df.NumberFilter(
        label=_("Engagement ab"),
        field_name="engagement_score",
        lookup_expr="gte",
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    engagement_max = df.NumberFilter(
        label=_("Engagement bis"),
        field_name="engagement_score",
        lookup_expr="lte",
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    # the dashboard's "Gründe für verlorene Leads" links here; "none" = lost without reason
    lost_reason = df.CharFilter(label=_("Verlustgrund"), max_length=20, method="filter_lost_reason")
    overdue = df.BooleanFilter(
        label=_("Nachbetreuung überfällig"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    stale = df.BooleanFilter(
        label=_("Veraltet"),
        method="filter_stale",
        widget=forms.CheckboxInput,
    )
    sla = df.ChoiceFilter(label=_("SLA"), choices=SlaState.choices, method="filter_sla")
    created_from = _DateFilter(
        label=_("Angelegt ab"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_to = _DateFilter(
        label=_("Angelegt bis"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    updated_from = _DateFilter(
        label=_("Geändert ab"),
        field_name="updated_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    updated_to = _DateFilter(
        label=_("Geändert bis"),
        field_name="updated_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Lead
        fields: list[str] = []

    def __init__(self, data=None, *args, user=None, lists: ChoiceLists | None = None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        # every choice list in one query; the fields' querysets only validate submitted ids
        self.lists = lists if lists is not None else choice_lists()
        users = self.lists.options("user")
        self.filters["follow_up_by"].extra["choices"] = [
            (ME, _("Ich")),
            (NOBODY, _("Niemand")),
            *users,
        ]
        form = self.form
        form.fields["status"].queryset = LeadStatus.objects.all()
        form.fields["appointment_with"].queryset = staff_users()
        form.fields["status"].widget.choices = self.lists.options("status")
        for name, kind in _SELECTS.items():
            form.fields[name].widget.choices = [("", _("Alle")), *self.lists.options(kind)]
        for name in ("score_min", "score_max", "engagement_min", "engagement_max"):
            form.fields[name].min_value = 0
            form.fields[name].max_value = 100
            form.fields[name].validators += [MinValueValidator(0), MaxValueValidator(100)]
        for field in form.fields.values():
            if (
                isinstance(field, forms.ModelChoiceField)
                and not field.widget.allow_multiple_selected
            ):
                field.empty_label = _("Alle")  # the widget's choices (above) say the same
            if isinstance(field, df_fields.ChoiceField):
                # re-set the choices: the widget's copied iterator still points at the
                # class-level field and its default label
                field.empty_label = _("Alle")
                field.choices = [c for c in field.choices if c[0] != ""]
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, (forms.ModelChoiceField, forms.MultipleChoiceField)
            ):
                field.choices = [("", _("Alle")), *[c for c in field.choices if c[0] != ""]]
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")

    def filter_text(self, queryset, name, value):
        return search_leads(queryset, value)

    def filter_user(self, queryset, name, value):
        return queryset.filter(**{name: value})

    def filter_follow_up_by(self, queryset, name, value):
        if value == ME:
            return queryset.filter(follow_up_by=self.user)
        if value == NOBODY:
            return queryset.filter(follow_up_by__isnull=True)
        return queryset.filter(follow_up_by_id=int(value))

    def filter_lost_reason(self, queryset, name, value):
        value = value.strip()
        if value == NOBODY_REASON:
            return queryset.filter(lost_reason__isnull=True)
        if value.isdecimal() and int(value) < 2**63:
            return queryset.filter(lost_reason_id=int(value))
        return queryset.none() if value else queryset  # an unknown reason matches no lead

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.overdue(timezone.localdate())

    def filter_sla(self, queryset, name, value):
        # the response-SLA state (leads/response_sla.py); the dashboard tiles link here
        return queryset.filter(state_q(value, timezone.now())) if value else queryset

    def filter_stale(self, queryset, name, value):
        # the weekly digest links here; is_stale is kept up to date by the nightly job
        if not value:
            return queryset
        return queryset.filter(is_stale=True)

    @property
    def active_count(self) -> int:
        if not self.is_bound or not self.form.is_valid():
            return 0
        return sum(1 for v in self.form.cleaned_data.values() if _is_set(v))


def _is_set(value) -> bool:
    """A filter counts as set unless it is empty: None, "", False, an empty list or queryset."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, (QuerySet, list, tuple, set)):
        return bool(len(value))
    return True
