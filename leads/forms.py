"""Forms of the lead screens: they validate input; the services save it."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.widgets import LazySelect

from contacts.models import Company, LeadStatus, Person, Phase
from leads.fields import mask_fields
from leads.lookups import choice_lists, staff_users
from leads.lost_forms import clean_mask_fields, setup_mask_fields
from leads.models import Campaign, Interest, Lead, LeadSource, LeadType, ScoringCriterion
from leads.models.lead import IDENTITY_FIELDS, lead_identity_errors
from leads.permissions import can_qualify_lead
from leads.services import uploads
from ui.forms_rendering import StaticChoicesMixin
from ui.widgets import LocalDateInput, LocalDateTimeInput

SALUTATIONS = [("", "—"), ("Herr", _("Herr")), ("Frau", _("Frau")), ("divers", _("Divers"))]
MASK_FIELDS = mask_fields()  # the field catalogue's mask fields, in mask order


class CountrySelect(StaticChoicesMixin, LazySelect):
    """The country select (~250 options), rendered once per language and value."""


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class LeadForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    salutation = forms.ChoiceField(label=_("Anrede"), choices=SALUTATIONS, required=False)
    appointment_with = UserChoiceField(
        label=_("Termin mit"), queryset=get_user_model().objects.none(), required=False
    )
    follow_up_by = UserChoiceField(
        label=_("Nachbetreuung durch"), queryset=get_user_model().objects.none(), required=False
    )
    # search-as-you-type: the selects render only the chosen row (tables can be large)
    customer = forms.ModelChoiceField(
        label=_("Geschäftspartner"), queryset=Company.objects.all(), required=False
    )
    main_contact = forms.ModelChoiceField(
        label=_("Ansprechpartner"), queryset=Person.objects.all(), required=False
    )
    business_card = forms.FileField(
        label=_("Visitenkarte"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Bilddatei (JPEG, PNG oder WebP)."),
    )
    website = forms.URLField(
        label=_("Webseite"), max_length=300, required=False, assume_scheme="https"
    )
    remove_business_card = forms.BooleanField(label=_("Visitenkarte entfernen"), required=False)
    interests = forms.ModelMultipleChoiceField(
        label=_("Interessensschwerpunkte"),
        queryset=Interest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Lead
        fields = MASK_FIELDS
        widgets = {
            # dd.mm.yyyy (hh:mm) whatever the browser's language (ui/widgets.py); the fields
            # keep Django's input formats: the language's own plus ISO 8601
            "follow_up_until": LocalDateInput(),
            "next_appointment": LocalDateInput(),
            "planned_start": LocalDateTimeInput(),
            "planned_end": LocalDateTimeInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "country": CountrySelect,
        }

    def __init__(
        self,
        *args,
        user=None,
        criteria=None,
        ratings=None,
        main_contact=None,
        lists=None,
        interest_ids=None,
        **kw,
    ):
        super().__init__(*args, **kw)
        self.user = user
        lead = self.instance
        # the querysets validate a submitted id; the widgets show the lists read in one query
        lists = lists if lists is not None else choice_lists()
        users = staff_users()
        self.fields["appointment_with"].queryset = users
        self.fields["follow_up_by"].queryset = users
        self.fields["interests"].queryset = Interest.objects.active()
        self.fields["source"].queryset = LeadSource.objects.active()
        self.fields["type"].queryset = LeadType.objects.active()
        self.fields["campaign"].queryset = Campaign.objects.filter(active=True)
        # statuses: the active ones but Konvertiert (conversion sets it), plus the lead's own
        statuses = [
            (c.pk, c.label)
            for c in lists["status"]
            if (c.active and c.extra != Phase.CONVERTED) or c.pk == lead.status_id
        ]
        self.fields["status"].queryset = LeadStatus.objects.filter(
            pk__in=[pk for pk, _ in statuses]
        )
        self.fields["status"].required = False
        self.fields["status"].empty_label = None
        self.fields["status"].widget.choices = statuses
        blank = [("", "—")]
        for name, kind in (
            ("appointment_with", "user"),
            ("follow_up_by", "user"),
            ("source", "source"),
            ("type", "type"),
            ("campaign", "campaign"),
        ):
            self.fields[name].widget.choices = blank + lists.options(kind, active_only=True)
        self.fields["interests"].widget.choices = lists.options("interest", active_only=True)
        setup_mask_fields(self, lists)  # Verlustgrund and its note (leads/lost_forms.py)
        self._only_chosen("customer", self._bound_object("customer", Company, lead.customer))
        self._only_chosen("main_contact", self._bound_object("main_contact", Person, main_contact))
        if main_contact is not None and not self.is_bound:
            self.initial["main_contact"] = main_contact.pk
        if lead.pk:
            self.initial.setdefault("version", lead.version)
            # not a Meta field (the service sets it), so the ModelForm does not fill it in
            if interest_ids is None:
                interest_ids = [i.pk for i in lead.interests.all()]
            self.initial.setdefault("interests", interest_ids)
        # one select per active criterion; the source criterion is the Quelle field itself
        self.criteria = list(criteria if criteria is not None else [])
        ratings = ratings or {}
        for criterion in self.criteria:
            if criterion.uses_source:
                continue
            name = f"rating_{criterion.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[("", "—")]
                + [(str(o.pk), f"{o.label} ({o.points})") for o in criterion.options.all()],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=criterion.description,
            )
            if not self.is_bound and criterion.pk in ratings:
                self.initial[name] = ratings[criterion.pk]
        # Marketing may not qualify leads it did not create

        if user is not None and lead.pk and not can_qualify_lead(user, lead):
            for name in ("status", "type", "lost_reason", "lost_note"):
                self.fields[name].disabled = True
            for criterion in self.criteria:
                if f"rating_{criterion.pk}" in self.fields:
                    self.fields[f"rating_{criterion.pk}"].disabled = True
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
                field.empty_label = "—"
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def _only_chosen(self, name, obj) -> None:
        choices = [("", "—")]
        if obj is not None:
            label = obj.full_name if isinstance(obj, Person) else str(obj)
            if isinstance(obj, Person) and obj.company_id:
                label = f"{label} ({obj.company})"
            choices.append((str(obj.pk), label))
        self.fields[name].widget.choices = choices

    def _bound_object(self, name, model, default):
        if not self.is_bound:
            return default
        raw = self.data.get(self.add_prefix(name))
        if not raw:
            return None
        try:
            return (
                model.objects.select_related(*(["company"] if model is Person else []))
                .filter(pk=int(raw))
                .first()
            )
        except (TypeError, ValueError):
            return None

    @property
    def rating_fields(self):
        return [self[f"rating_{c.pk}"] for c in self.criteria if f"rating_{c.pk}" in self.fields]

    def clean_business_card(self):
        upload = self.cleaned_data.get("business_card")
        if not upload:
            return None
        return uploads.process_image(upload)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not cleaned.get("version") and "version" not in self.errors:
            raise ValidationError(_("Die Version des Formulars fehlt. Bitte laden Sie neu."))
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("„Termin bis“ muss nach „Termin von“ liegen."))
        # the lead's minimum, the rule the services apply too, on the fields it names; an
        # invalid value (a wrong e-mail) already has its own error and counts as given
        values = {name: cleaned.get(name) or (name in self.errors) for name in IDENTITY_FIELDS}
        for name, message in lead_identity_errors(**values).items():
            self.add_error(name, message)
        clean_mask_fields(self, cleaned)
        return cleaned

    def validate_constraints(self):
        """Constraints are checked by clean() (German text) and by the database."""

    def _post_clean(self):
        # Model validation runs on a throwaway copy: the form never changes the lead itself
        # (the service does), so a refused save leaves the loaded object untouched.
        real = self.instance
        self.instance = Lead(pk=real.pk, number=real.number, status_id=real.status_id)
        try:
            card = self.cleaned_data.pop("business_card", None)
            super()._post_clean()
            self.cleaned_data["business_card"] = card
        finally:
            self.instance = real

    def service_data(self) -> dict:
        """The cleaned values as the services take them."""
        data = {name: self.cleaned_data.get(name) for name in MASK_FIELDS}
        for name in ("status", "type", "lost_reason", "lost_note"):
            if self.fields[name].disabled:
                data.pop(name, None)
        if data.get("status") is None:
            data.pop("status", None)
        if self.cleaned_data.get("business_card"):
            data["business_card"] = self.cleaned_data["business_card"]
        elif self.cleaned_data.get("remove_business_card"):
            data["business_card"] = False
        for name in ("phone",):
            if data.get(name) is None:
                data[name] = ""
        return data

    def ratings(self) -> dict[int, int | None] | None:
        if any(f.field.disabled for f in self.rating_fields):
            return None
        return {
            c.pk: self.cleaned_data.get(f"rating_{c.pk}")
            for c in self.criteria
            if f"rating_{c.pk}" in self.fields
        }


class ScorePreviewForm(forms.Form):
    """The rating selects and the source of the mask, for the live score preview."""

    source = forms.ModelChoiceField(queryset=LeadSource.objects.all(), required=False)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            if not criterion.uses_source:
                self.fields[f"rating_{criterion.pk}"] = forms.IntegerField(required=False)

    def ratings(self) -> dict[int, int]:
        return {
            c.pk: self.cleaned_data[f"rating_{c.pk}"]
            for c in self.criteria
            if self.cleaned_data.get(f"rating_{c.pk}") is not None
        }


def criteria_for_mask() -> list[ScoringCriterion]:
    return list(ScoringCriterion.objects.active().prefetch_related("options"))
