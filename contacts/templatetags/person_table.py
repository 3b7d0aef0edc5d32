"""`{% person_cells p columns %}`: the <td>s of one person row, built in Python.

The person table (person list, Find, selections, company persons tab) shows up to 50 rows;
an {% if %}/{% elif %} chain and an {% include %} of the status badge per cell cost more than
the page's SQL. Same markup and escaping as the template had.
"""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from contacts.templatetags.lead_status import lead_status_badge
from ui.display import datetime_text
from ui.object_urls import object_url

register = template.Library()

DASH = "—"
_EMPTY = mark_safe(f"<td>{DASH}</td>")  # noqa: S308  # nosec B308 B703 - a constant


def _plain(value) -> SafeString:
    return format_html("<td>{}</td>", value or DASH)


def _name(p) -> SafeString:
    return format_html(
        '<td><a href="{}">{}</a></td>',
        object_url("contacts:person_detail", p.pk),
        p.full_name or p.last_name,
    )


def _company(p) -> SafeString:
    if not p.company:
        return _EMPTY
    return format_html(
        '<td><a href="{}">{}</a></td>',
        object_url("contacts:company_detail", p.company_id),
        p.company.name,
    )


def _email(p) -> SafeString:
    if not p.email:
        return _EMPTY
    return format_html('<td><a href="mailto:{}">{}</a></td>', p.email, p.email)


def _category(p, attr: str):
    category = p.company.category if p.company else None
    if attr == "group":
        category = category.group if category else None
    return _plain(category.name if category else "")


def _changed_at(p) -> SafeString:
    if not p.lead_status_changed_at:
        return _EMPTY
    return format_html("<td>{}</td>", datetime_text(p.lead_status_changed_at))


CELLS: dict[str, Callable] = {
    "name": _name,
    "company": _company,
    "function": lambda p: _plain(p.function),
    "email": _email,
    "phone": lambda p: _plain(p.phone),
    "category": lambda p: _category(p, "category"),
    "category_group": lambda p: _category(p, "group"),
    "lead_status": lambda p: format_html(
        "<td>{}</td>",
        lead_status_badge(p.lead_status, not getattr(p, "lead_status_applicable", True)),
    ),
    "lead_status_changed_at": _changed_at,
    "owner": lambda p: _plain(p.owner),
    "lead_source": lambda p: _plain(", ".join(getattr(p, "lead_sources", []))),
}


@register.simple_tag
def person_cells(person, columns) -> SafeString:
    return mark_safe(  # noqa: S308  # nosec B308 B703 - each cell is escaped
        "".join(CELLS[col.key](person) for col in columns if col.key in CELLS)
    )
