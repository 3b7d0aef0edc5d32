"""Template rendering with the restricted engine and addresses (the .ics invitation of a
confirmation: tests/processes, the builder: tests/agenda)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.mail import (
    MailTemplateError,
    parse_addresses,
    render_mail,
    render_text,
    with_signature,
)

CONTEXT = {
    "lead": {"company_name": "Müller & Söhne <GmbH>", "interest_names": "Windkraft"},
    "contact": {"salutation": "Herr", "last_name": "Müller", "full_name": "Jan Müller"},
    "user": {"full_name": "Anna Vogt"},
    "appointment": {"start": timezone.make_aware(dt.datetime(2026, 12, 3, 10, 0)), "end": None},
}


def test_renders_placeholders_filters_and_no_html_escaping():
    subject, body = render_mail(
        subject="Termin am {{ appointment.start|date:'d.m.Y' }}\n",
        body="Hallo {{ contact.full_name }} von {{ lead.company_name }}",
        context=CONTEXT,
    )
    assert subject == "Termin am 03.12.2026"
    assert body == "Hallo Jan Müller von Müller & Söhne <GmbH>"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("{{ contact.nickname }}", "unbekannte Platzhalter: contact.nickname"),
        ("{{ kunde }}", "unbekannte Platzhalter: kunde"),
        ("{% if %}x{% endif %}", "enthält einen Fehler"),
        ("{% load static %}{% static 'x' %}", "enthält einen Fehler"),
        ("{% include 'base.html' %}", "konnte nicht verarbeitet werden"),
        ("{{ lead.company_name.__class__ }}", "enthält einen Fehler"),
    ],
)
def test_template_errors_are_clear_and_german(source, expected):
    with pytest.raises(MailTemplateError) as exc:
        render_text(source, CONTEXT, what="Inhalt")
    assert expected in exc.value.message
    assert "Mailvorlage (Inhalt)" in exc.value.message


def test_default_templates_render_with_a_full_context():
    from activities.defaults import TEMPLATES

    for _purpose, _name, subject, body in TEMPLATES:
        context = {
            **CONTEXT,
            "appointment": {**CONTEXT["appointment"], "end": CONTEXT["appointment"]["start"]},
        }
        rendered_subject, rendered_body = render_mail(subject=subject, body=body, context=context)
        assert "Sehr geehrter Herr Müller," in rendered_body
        assert "Anna Vogt" in rendered_body
        assert "{{" not in rendered_subject + rendered_body


def test_signature_is_appended_with_delimiter():
    assert with_signature("Text\n\n", "Anna\nVertrieb") == "Text\n\n-- \nAnna\nVertrieb"
    assert with_signature("Text", "  ") == "Text"


def test_parse_addresses():
    assert parse_addresses("a@x.de; b@y.de, ") == ["a@x.de", "b@y.de"]
    with pytest.raises(ValidationError) as exc:
        parse_addresses("a@x.de, kaputt")
    assert "„kaputt“ ist keine gültige E-Mail-Adresse." in exc.value.messages[0]
