"""The field tag renders what the input's aria-describedby points to: help text, errors."""

import re

import pytest
from django import forms
from django.template import Context, Template

pytestmark = pytest.mark.smoke


class _Form(forms.Form):
    name = forms.CharField(label="Name", help_text="Wie im Handelsregister")
    email = forms.EmailField(label="E-Mail", required=False)
    agree = forms.BooleanField(label="Einverstanden", help_text="Pflicht", required=True)


def _render(form, name) -> str:
    return Template("{% load ui_forms %}{% form_field form." + name + " %}").render(
        Context({"form": form})
    )


def _described_ids(html: str) -> list[str]:
    match = re.search(r'aria-describedby="([^"]+)"', html)
    return match.group(1).split() if match else []


@pytest.mark.parametrize("name", ["name", "email", "agree"])
@pytest.mark.parametrize("bound", [False, True])
def test_every_described_id_exists(name, bound):
    form = _Form({"email": "kein-mail"}) if bound else _Form()
    if bound:
        form.is_valid()
    html = _render(form, name)
    for target in _described_ids(html):
        assert f'id="{target}"' in html, (target, html)


def test_help_text_and_error_are_shown_once():
    form = _Form({"email": "x"})
    form.is_valid()
    html = _render(form, "name")
    assert html.count("Wie im Handelsregister") == 1
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
    assert _described_ids(html) == ["id_name_helptext", "id_name_error"]


def test_error_text_is_escaped():
    form = _Form({"name": "x"})
    form.add_error("name", "<b>kaputt</b>")
    assert "&lt;b&gt;kaputt&lt;/b&gt;" in _render(form, "name")


class EveryKind(forms.Form):
    name = forms.CharField(label="Name <b>", help_text="Hilfe <i>kursiv</i>")
    email = forms.EmailField(label="E-Mail", required=False)
    flag = forms.BooleanField(label="Flag", required=False, help_text="Ankreuzen")
    kind = forms.ChoiceField(label="Art", choices=[("", "—"), ("a", "A")])
    notes = forms.CharField(label="Notizen", widget=forms.Textarea, required=False)


@pytest.mark.parametrize("bound", [False, True])
@pytest.mark.parametrize("name", list(EveryKind.base_fields))
def test_every_kind_of_field_points_at_existing_ids(name, bound):
    form = EveryKind({"email": "kein-mail", "kind": "x"}) if bound else EveryKind()
    if bound:
        form.is_valid()
    html = _render(form, name)
    assert html.count("<label") == 1
    for target in _described_ids(html):
        assert html.count(f'id="{target}"') == 1, (target, html)


@pytest.mark.django_db
def test_lead_mask_fields_point_at_existing_ids(rep):
    from leads.forms import LeadForm

    bound = LeadForm({"company_name": "x", "email": "kein-mail"}, user=rep)
    bound.is_valid()
    checked = []
    for form in (LeadForm(user=rep), bound):
        for name in form.fields:
            html = _render(form, name)
            for target in _described_ids(html):
                assert f'id="{target}"' in html, (name, target)
                checked.append(target)
    assert "id_email_error" in checked  # the failed submit's error is among them
