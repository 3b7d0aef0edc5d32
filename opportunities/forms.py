"""Forms of the opportunity screens. They validate; the services save."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contacts.forms import BootstrapMixin
from contacts.models import Company, Person
from leads.lookups import staff_users
from opportunities.models import Opportunity, OpportunityKind, OpportunityStatus
from opportunities.selectors import ME, NOBODY
from ui.dates import SaneDateField
from ui.widgets import LocalDateInput

_DATE = {"type": "date"}
_DATE_FORMAT = "%Y-%m-%d"  # what <input type="date"> sends and shows


class AmountField(forms.DecimalField):
    """An amount in EUR as the reader types it: 12.500,00 (or 12,500.00), with or without €."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(min_value=0, max_digits=12, decimal_places=2, localize=True, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
            grouping = get_format("THOUSAND_SEPARATOR")
            if grouping and grouping != get_format("DECIMAL_SEPARATOR"):
                value = value.replace(grouping, "")
        return super().to_python(value)


class OpportunityFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Suche"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("Art"), choices=[("", _("Alle")), *OpportunityKind.choices], required=False
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=OpportunityStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ChoiceField(label=_("Zuständig"), choices=(), required=False)
    amount_min = AmountField(label=_("Betrag ab (EUR)"), required=False)
    amount_max = AmountField(label=_("Betrag bis (EUR)"), required=False)
    close_from = SaneDateField(
        label=_("Abschluss ab"), required=False, widget=forms.DateInput(_DATE, _DATE_FORMAT)
    )
    close_to = SaneDateField(
        label=_("Abschluss bis"), required=False, widget=forms.DateInput(_DATE, _DATE_FORMAT)
    )
    created_from = SaneDateField(
        label=_("Angelegt ab"), required=False, widget=forms.DateInput(_DATE, _DATE_FORMAT)
    )
    created_to = SaneDateField(
        label=_("Angelegt bis"), required=False, widget=forms.DateInput(_DATE, _DATE_FORMAT)
    )
    company = forms.ModelChoiceField(
        queryset=Company.objects.all(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = [(str(u.pk), str(u)) for u in staff_users()]
        self.fields["owner"].choices = [
            ("", _("Alle")),
            (ME, _("Ich")),
            (NOBODY, _("Niemand")),
            *users,
        ]
        self._style()
        for name in ("status",):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        for low, high in (
            ("amount_min", "amount_max"),
            ("close_from", "close_to"),
            ("created_from", "created_to"),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, _("Der Bis-Wert liegt vor dem Ab-Wert."))
        return data


class OpportunityForm(BootstrapMixin, forms.ModelForm):
    """Create and edit; `company` is fixed by the caller, persons are the company's."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    amount = AmountField(label=_("Betrag (EUR)"), required=False)

    class Meta:
        model = Opportunity
        fields = ["kind", "title", "amount", "expected_close", "person", "owner", "description"]
        widgets = {
            "expected_close": LocalDateInput(),  # dd.mm.yyyy whatever the browser (ui/widgets.py)
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(company=company).order_by(
            "last_name", "first_name"
        )
        owners = Q(pk__in=staff_users().values("pk"))
        if self.instance.owner_id:  # keep the current owner choosable even without a role now
            owners |= Q(pk=self.instance.owner_id)
        self.fields["owner"].queryset = User.objects.filter(owners).order_by(
            "first_name", "last_name", "username"
        )
        self._style()
