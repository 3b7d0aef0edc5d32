"""FastRenderer builds the same markup as Django's widget templates, escaping included."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from ui.forms_rendering import FastRenderer

NASTY = "<script>alert(\"x\")</script> & 'Müller'"

CHOICES = [("", "—"), ("1", "Neu"), ("2", NASTY), (3, "Drei")]
GROUPED = [("Offen", [("1", "Neu"), ("2", "In Arbeit")]), ("Zu", [("3", NASTY)]), ("4", "Lose")]


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": NASTY, "class": "a"}))
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search"}))
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0, "max": 100}))
    email = forms.EmailField()
    url = forms.URLField(assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    flag = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"class": "c"}))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    select = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=GROUPED)
    multi = forms.MultipleChoiceField(choices=CHOICES[1:])
    boxes = forms.MultipleChoiceField(
        choices=GROUPED, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
    )
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect)
    upload = forms.FileField(required=False)
    image = forms.FileField(required=False, widget=forms.ClearableFileInput)


DATA = {
    "text": NASTY,
    "search": "Weber Solar",
    "number": "42",
    "email": "a&b@example.de",
    "url": "https://example.de/?a=1&b=2",
    "password": NASTY,
    "hidden": '"quoted"',
    "date": "2026-11-22",
    "when": "2026-11-22T10:30",
    "flag": "on",
    "notes": NASTY + "\nzweite Zeile",
    "select": "2",
    "grouped": "3",
    "multi": ["1", "3"],
    "boxes": ["2", "3"],
    "radio": "2",
}


def _render_all(form_factory, renderer) -> dict[str, str]:
    form = form_factory(renderer)
    out = {}
    for name in form.fields:
        bound = form[name]
        out[name] = str(bound)
        if isinstance(bound.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            out[name + ".tags"] = "|".join(str(w.tag()) for w in bound)
            out[name + ".labels"] = "|".join(str(w) for w in bound)
    return out


@pytest.mark.parametrize(
    "factory",
    [
        pytest.param(lambda r: EveryWidget(renderer=r), id="unbound"),
        pytest.param(lambda r: EveryWidget(DATA, renderer=r), id="bound"),
        pytest.param(
            lambda r: EveryWidget(
                initial={"date": dt.date(2026, 1, 2), "select": 3, "boxes": ["1"]}, renderer=r
            ),
            id="initial",
        ),
        pytest.param(lambda r: EveryWidget({"number": "x", "boxes": "9"}, renderer=r), id="bad"),
    ],
)
def test_markup_equals_django_templates(factory):
    fast = _render_all(factory, FastRenderer())
    slow = _render_all(factory, DjangoTemplates())
    assert fast.keys() == slow.keys()
    for name in slow:
        assert fast[name] == slow[name], name


def test_nasty_text_is_escaped():
    html = str(EveryWidget(DATA, renderer=FastRenderer())["text"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_other_templates_fall_back_to_the_engine():
    """A widget with a template of its own (the admin's, a project's) still renders."""

    class Split(forms.Form):
        when = forms.SplitDateTimeField()

    fast = str(Split(renderer=FastRenderer())["when"])
    assert fast == str(Split(renderer=DjangoTemplates())["when"])


def test_country_select_is_cached_per_value_and_language():
    from django.utils import translation
    from django_countries.widgets import LazySelect

    from leads.forms import CountrySelect, LeadForm

    choices = list(LeadForm.base_fields["country"].choices)
    cached, plain = CountrySelect(choices=choices), LazySelect(choices=choices)
    for value in ("DE", "AT", "", None):
        for attrs in ({"id": "id_country"}, {"id": "id_country", "disabled": True}):
            assert cached.render("country", value, attrs) == plain.render("country", value, attrs)
    with translation.override("en"):
        english = CountrySelect(choices=list(LeadForm.base_fields["country"].choices))
        assert "Germany" in english.render("country", "DE")
    assert "Deutschland" in cached.render("country", "DE")
    assert 'value="AT" selected' in cached.render("country", "AT")


def test_form_field_tag_markup():
    from ui.templatetags.ui_forms import form_field

    class Small(forms.Form):
        name = forms.CharField(label="Name <b>")
        flag = forms.BooleanField(label="Aktiv", required=False)

    form = Small({"name": ""})
    form.is_valid()
    html = form_field(form["name"])
    assert html.startswith('<div class="lc-field">')
    assert 'for="id_name">Name &lt;b&gt; <span class="text-danger"' in html
    assert '<div class="invalid-feedback d-block" id="id_name_error">' in html
    checkbox = form_field(form["flag"])
    assert checkbox.startswith('<div class="lc-field form-check">')
    assert '<label class="form-check-label" for="id_flag">Aktiv</label>' in checkbox
    assert checkbox.index("<input") < checkbox.index("<label")
