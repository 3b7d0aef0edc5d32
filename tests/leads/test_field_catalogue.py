"""The lead's field catalogue (`leads.fields`): every model field is classified once, and
every consumer (mask, list, import, web form, merge, export, GDPR, erasure, admin) takes its
fields from it, with the model's lengths unless an input length is named."""

from collections import Counter

import pytest
from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.db import models

from capture.imports import files as import_files
from capture.views.webform import WebLeadForm
from capture.webform import LEAD_FIELDS, UTM_FIELDS
from leads import fields as catalogue
from leads import forms as lead_forms
from leads import selectors
from leads.admin.leads import LeadAdmin
from leads.fields import BY_NAME, CATALOGUE, model_field_names
from leads.models import CaptureChannel, Lead
from leads.templatetags.lead_table import CELLS
from leads.views.export import HEADERS
from merge.leads import MERGE_FIELDS
from privacy.erasure import PERSONAL_FIELDS
from privacy.services import LABELS as GDPR_LABELS
from privacy.services import lead_personal_data
from tests.factories import LeadFactory, source

# --- (a) every model field has exactly one row ---------------------------------------------


def test_every_model_field_has_exactly_one_catalogue_row():
    rows = Counter(f.name for f in CATALOGUE)
    assert [name for name, n in rows.items() if n > 1] == []
    unclassified = set(model_field_names()) - set(rows)
    assert unclassified == set(), f"classify these Lead fields in leads/fields: {unclassified}"


def test_every_catalogue_row_names_a_lead_field():
    assert set(BY_NAME) - set(model_field_names()) == set()


def test_model_field_names_are_lead_s_own_fields():
    names = model_field_names()
    assert {"id", "number", "interests", "contacts", "activities"} <= set(names)
    # reverse relations (ratings, status changes, consents …) belong to the other models
    assert "ratings" not in names and "consents" not in names


def test_a_field_used_nowhere_says_why():
    unused = [f.name for f in CATALOGUE if f.section is None]
    assert unused == ["id"]
    assert all(BY_NAME[name].internal for name in unused)


def test_personal_data_that_is_erased_is_also_exported():
    exported = {name for _key, name in catalogue.gdpr_fields()}
    assert set(catalogue.personal_fields()) <= exported


# --- (b) each consumer's list is the catalogue's selection --------------------------------


def test_mask_form_fields_are_the_catalogue_s():
    assert lead_forms.MASK_FIELDS == catalogue.mask_fields()
    form_fields = lead_forms.LeadForm.base_fields
    assert [name for name in catalogue.mask_fields() if name not in form_fields] == []
    # interests, contacts (main contact) and business card are form fields of their own
    assert {"interests", "main_contact", "business_card"} <= set(form_fields)


def test_mask_sections_place_every_mask_field_on_one_card():
    placed = [name for _section, names in catalogue.mask_sections() for name in names]
    assert Counter(placed) == Counter(f.name for f in catalogue.fields_for("mask"))


def test_list_columns_and_cells_are_the_catalogue_s():
    columns = catalogue.list_columns()
    keys = [spec.key for _f, spec in columns]
    assert [c.key for c in selectors.COLUMNS] == keys
    assert [str(c.label) for c in selectors.COLUMNS] == [
        str(spec.label or f.label) for f, spec in columns
    ]
    assert selectors.DEFAULT_COLUMNS == [spec.key for _f, spec in columns if spec.default]
    assert set(selectors.LIST_RELATIONS) <= {f.name for f, _spec in columns}
    assert list(CELLS) == keys


def test_list_sort_keys_and_kinds():
    by_key = selectors.COLUMNS_BY_KEY
    assert (by_key["status"].sort_field, by_key["status"].kind) == ("status__rank", "int")
    assert (by_key["score"].sort_field, by_key["score"].kind) == ("score", "int")
    assert (by_key["follow_up_until"].sort_field, by_key["follow_up_until"].kind) == (
        "follow_up_until",
        "date",
    )
    assert (by_key["created"].sort_field, by_key["created"].kind) == ("created_at", "datetime")
    assert by_key["city"].sort_field is None


def test_import_targets_are_the_catalogue_s():
    expected = catalogue.import_columns()
    assert list(import_files.FIELDS) == list(expected)
    for name, (label, length, aliases) in import_files.FIELDS.items():
        assert (str(label), length, aliases) == (
            str(expected[name][0]),
            expected[name][1],
            expected[name][2],
        ), name


def test_import_aliases_are_unique_and_lower_case():
    # the automatic mapping compares them with the casefolded header
    aliases = [a for _l, _n, names in catalogue.import_columns().values() for a in names]
    assert [a for a, n in Counter(aliases).items() if n > 1] == []
    assert all(a == a.lower() for a in aliases)


def test_web_form_fields_are_the_catalogue_s():
    visitor = catalogue.capture_fields(hidden=False)
    assert (*LEAD_FIELDS, "interests") == visitor
    carried = catalogue.capture_fields(hidden=True)
    assert set(UTM_FIELDS) | {"landing_page", "referrer"} == set(carried)
    form_fields = WebLeadForm.base_fields
    assert [name for name in catalogue.capture_fields() if name not in form_fields] == []
    assert all(form_fields[name].widget.is_hidden for name in carried)


def test_merge_picks_the_catalogue_s_fields():
    assert MERGE_FIELDS == catalogue.merge_fields()
    assert catalogue.merge_relations() == (
        "status",
        "source",
        "type",
        "campaign",
        "follow_up_by",
        "customer",
    )


def test_export_headers_are_the_catalogue_s():
    assert [header for header, _cell in HEADERS] == [
        str(header) for header, _name in catalogue.export_columns()
    ]
    assert HEADERS[0][0] == "Leadnummer" and HEADERS[-1][0] == "Angelegt am"


def test_erasure_clears_the_catalogue_s_personal_fields():
    assert list(PERSONAL_FIELDS) == list(catalogue.personal_fields())
    assert set(PERSONAL_FIELDS.values()) == {""}
    # "" is the empty value of each of them (a date or a relation would need None)
    for name in PERSONAL_FIELDS:
        field = Lead._meta.get_field(name)
        assert isinstance(field, (models.CharField, models.TextField, models.FileField)), name
    kept = {"company_name", "status", "source", "country", "score", "interests", "created_at"}
    assert kept.isdisjoint(PERSONAL_FIELDS)


@pytest.mark.django_db
def test_gdpr_export_has_the_catalogue_s_keys_and_plain_values(rep):
    lead = LeadFactory(
        phone="+49 221 1234567",
        country="AT",
        source=source("Messe"),
        follow_up_by=rep,
        capture_channel=CaptureChannel.WEB_FORM,
        utm_source="newsletter",
        interests=["Windkraft"],
    )
    part = lead_personal_data(lead)["lead"]
    keys = []
    for group, entry in part.items():
        keys += [f"{group}.{sub}" for sub in entry] if isinstance(entry, dict) else [group]
    assert keys == [key for key, _name in catalogue.gdpr_fields()]
    assert part["leadnummer"] == lead.number
    assert part["land"] == "Österreich"  # countries by name (issue #15, point 11)
    assert part["telefon"] == "+49 221 1234567"  # as stored, in international notation
    assert part["quelle"] == "Messe"
    assert part["nachbetreuung_durch"] == str(rep)
    assert part["erfassungskanal"] == "Webformular"
    assert part["utm"]["source"] == "newsletter"
    assert part["interessensschwerpunkte"] == ["Windkraft"]
    assert part["visitenkarte"] is False
    assert part["konvertiert_am"] is None
    assert isinstance(part["lead_score"], int)


def test_gdpr_page_has_a_german_label_for_every_lead_key():
    groups = {key.split(".")[0] for key, _name in catalogue.gdpr_fields()}
    assert groups - set(GDPR_LABELS) == set()


def test_admin_fieldsets_show_every_admin_field_once():
    shown = flatten_fieldsets(LeadAdmin.fieldsets)
    assert [name for name, n in Counter(shown).items() if n > 1] == []
    expected = {f.admin_name or f.name for f in CATALOGUE if f.section and f.admin}
    assert set(shown) == expected | {"expected_version"}
    assert shown.index("expected_version") == shown.index("number") + 1
    assert [str(title) for title, _opts in LeadAdmin.fieldsets] == [
        str(s.label) for s in catalogue.ADMIN_SECTIONS
    ]


def test_admin_changelist_is_the_catalogue_s():
    assert LeadAdmin.list_display == catalogue.admin_list_display()
    assert LeadAdmin.list_select_related == catalogue.admin_list_relations()
    assert LeadAdmin.search_fields == catalogue.admin_search_fields()
    assert LeadAdmin.list_filter == catalogue.admin_list_filter()
    for name in LeadAdmin.list_display:
        assert name in model_field_names() or callable(getattr(LeadAdmin, name)), name


# --- (c) lengths come from the model unless an input length is named ----------------------


def _model_length(name: str) -> int:
    field = Lead._meta.get_field(name)
    if field.is_relation:
        target = field.related_model
        lookup = target.USERNAME_FIELD if target is get_user_model() else "name"
        return target._meta.get_field(lookup).max_length
    return field.max_length


@pytest.mark.parametrize("name", list(catalogue.import_columns()))
def test_import_length_is_the_model_s_unless_named(name):
    explicit = BY_NAME[name].imports.input_length
    _label, length, _aliases = catalogue.import_columns()[name]
    assert length == (explicit if explicit is not None else _model_length(name))
    assert length and length > 0


@pytest.mark.parametrize("name", catalogue.capture_fields())
def test_capture_length_is_the_model_s_unless_named(name):
    explicit = BY_NAME[name].capture.input_length
    length = catalogue.capture_max_length(name)
    assert length == (explicit if explicit is not None else _model_length(name))
    form_field = WebLeadForm.base_fields[name]
    if isinstance(form_field, forms.CharField):  # not the choices (salutation, interests)
        assert form_field.max_length == length


def test_model_length_change_reaches_import_and_web_form():
    # a text field without an input length reads the model: 100 for the names today
    assert (
        catalogue.import_columns()["last_name"][1] == Lead._meta.get_field("last_name").max_length
    )
    assert WebLeadForm.base_fields["last_name"].max_length == 100
    # parsed before storing: a phone number in any notation, a country's name
    assert catalogue.import_columns()["phone"][1] == 40
    assert catalogue.import_columns()["country"][1] == 60
