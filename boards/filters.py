"""Filters of the lead board (the same parameters as the lead list).

The board prefers the lead list's FilterSet (`leads.filters.LeadFilter`) so that a filtered
board and a filtered list mean the same thing; this small FilterSet stands in while that
one does not exist, using the same parameter names.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from leads.models import Campaign, Interest, Lead, LeadSource, LeadType

User = get_user_model()


class BoardLeadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suche"), method="filter_text")
    owner = django_filters.ModelChoiceFilter(
        label=_("Nachbetreuung durch"),
        field_name="follow_up_by",
        queryset=User.objects.filter(is_active=True),
        null_label=_("— ohne Zuständigkeit —"),
        null_value="none",
    )
    source = django_filters.ModelChoiceFilter(label=_("Quelle"), queryset=LeadSource.objects.all())
    type = django_filters.ModelChoiceFilter(label=_("Typ"), queryset=LeadType.objects.all())
    interest = django_filters.ModelChoiceFilter(
        label=_("Interesse"), queryset=Interest.objects.all(), method="filter_interest"
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("Kampagne"), queryset=Campaign.objects.all()
    )
    mine = django_filters.BooleanFilter(
        label=_("Nur meine"),
        method="filter_mine",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Lead
        fields: list[str] = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(company_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(first_name__icontains=value)
            | Q(email__icontains=value)
        )

    def filter_interest(self, queryset, name, value):
        # Exists instead of a join: a lead with several interests stays one card.
        through = Lead.interests.through
        return queryset.filter(
            Exists(through.objects.filter(lead_id=OuterRef("pk"), interest_id=value.pk))
        )

    def filter_mine(self, queryset, name, value):
        if value and self.user is not None:
            return queryset.filter(follow_up_by=self.user)
        return queryset


# The filters the board shows (the lead list's set has more: status, dates, scores).
BOARD_FIELDS = ("q", "follow_up_by", "owner", "mine", "source", "type", "interest", "campaign")


def lead_filter_class():
    """The lead list's FilterSet if the leads app provides one, else the board's own."""
    try:
        from leads.filters import LeadFilter
    except ImportError:
        return BoardLeadFilter
    return LeadFilter
