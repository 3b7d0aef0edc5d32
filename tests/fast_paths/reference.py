"""The reference templates of the Python-built fragments, and the engine that renders them.

Each fast path (`{% lead_cells %}`, `{% person_cells %}`, `{% lead_card %}`,
`{% form_field %}`) has a template here with the markup it must produce, written the plain
way. tests/fast_paths/test_equivalence.py compares the two; bench/fragments.py times them.
A standalone Engine loads them from this directory, so no setting has to change.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django import template
from django.template import Context, Engine

from boards.cards import lead_card_movable
from ui.object_urls import object_url as _object_url

TEMPLATES = Path(__file__).resolve().parent / "templates"

register = template.Library()


@register.filter
def overdue(lead, today) -> bool:
    """`{% if lead|overdue:today %}`: the one overdue rule, `Lead.follow_up_overdue`."""
    return lead.follow_up_overdue(today)


@register.filter
def movable(lead, user) -> bool:
    """`{{ card|movable:user }}`: the board's one move rule, `boards.cards.lead_card_movable`."""
    return lead_card_movable(user, lead)


@register.simple_tag
def object_url(name: str, pk: int) -> str:
    """`{% object_url "leads:detail" lead.pk %}`: the URL cache (tests/ui/test_urlcache.py
    proves it equals `{% url %}`), which a template version of a row would keep."""
    return _object_url(name, pk)


@cache
def engine() -> Engine:
    return Engine(
        dirs=[str(TEMPLATES)],
        libraries={
            "i18n": "django.templatetags.i18n",
            "lead_status": "contacts.templatetags.lead_status",
            "lead_score": "leads.templatetags.lead_score",
            "reference": "tests.fast_paths.reference",
        },
    )


def get(name: str) -> template.Template:
    """A reference template, compiled once (the engine's cached loader)."""
    return engine().get_template(f"fast_paths/{name}.html")


def render(name: str, **context) -> str:
    return get(name).render(Context(context))
