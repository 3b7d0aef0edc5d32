"""`{% lead_cells lead columns today %}`: the <td>s of one lead list row, built in Python.

The list shows up to 100 rows × 17 possible columns; an {% if %}/{% elif %} chain per cell in
the template cost more than the page's SQL. Each column key maps to one small function here
(same markup and escaping as the template had). The columns are the field catalogue's
(`leads.fields.list_columns`); a column that only shows its field needs no function of its
own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from contacts.templatetags.lead_status import lead_status_badge
from leads.fields import LeadField, list_columns
from leads.score_bands import score_band
from ui.display import date_text, datetime_text
from ui.object_urls import object_url

register = template.Library()

DASH = "—"


def _plain(value) -> SafeString:
    return format_html("<td>{}</td>", value or DASH)


def _number(lead, today) -> SafeString:
    return format_html(
        '<td class="text-nowrap"><a class="fw-semibold" href="{}">{}</a></td>',
        object_url("leads:detail", lead.pk),
        lead.number,
    )


def _status(lead, today) -> SafeString:
    return format_html("<td>{}</td>", lead_status_badge(lead.status))


def _score(lead, today) -> SafeString:
    return format_html(
        '<td><span class="badge lc-score lc-score-{}">{}</span></td>',
        score_band(lead.score),
        lead.score,
    )


def _follow_up_until(lead, today) -> SafeString:
    until = lead.follow_up_until
    overdue = lead.follow_up_overdue(today)
    css = "text-nowrap text-danger fw-semibold" if overdue else "text-nowrap"
    return format_html('<td class="{}">{}</td>', css, date_text(until) if until else DASH)


def _customer(lead, today) -> SafeString:
    if not lead.customer:
        return mark_safe(f"<td>{DASH}</td>")  # noqa: S308  # nosec B308 B703 - a constant
    return format_html(
        '<td><a href="{}">{}</a></td>',
        object_url("contacts:company_detail", lead.customer_id),
        lead.customer,
    )


def _email(lead, today) -> SafeString:
    if not lead.email:
        return mark_safe(f"<td>{DASH}</td>")  # noqa: S308  # nosec B308 B703 - a constant
    return format_html('<td><a href="mailto:{}">{}</a></td>', lead.email, lead.email)


def _timestamp(value: dt.datetime | None) -> SafeString:
    text = datetime_text(value)  # the template's SHORT_DATETIME_FORMAT, at strftime's cost
    return format_html('<td class="text-nowrap">{}</td>', text)


def _field_cell(lead_field: LeadField) -> Callable:
    """A column that shows its field's value: a timestamp, or the value (or a dash)."""
    name = lead_field.name
    if isinstance(lead_field.model_field, models.DateTimeField):
        return lambda lead, today: _timestamp(getattr(lead, name))
    return lambda lead, today: _plain(getattr(lead, name))


# Columns whose cell is more than the field's value: a link, a badge, the overdue mark, the
# contact's full name, a number that must not wrap.
SPECIAL_CELLS: dict[str, Callable] = {
    "number": _number,
    "contact": lambda lead, today: _plain(lead.contact_name),
    "status": _status,
    "score": _score,
    "follow_up_until": _follow_up_until,
    "customer": _customer,
    "email": _email,
    "phone": lambda lead, today: format_html('<td class="text-nowrap">{}</td>', lead.phone or DASH),
}
# one cell function per list column of the field catalogue (leads.fields)
CELLS: dict[str, Callable] = {
    column.key: SPECIAL_CELLS.get(column.key) or _field_cell(lead_field)
    for lead_field, column in list_columns()
}


@register.simple_tag
def lead_cells(lead, columns, today) -> SafeString:
    return mark_safe("".join(CELLS[col.key](lead, today) for col in columns))  # noqa: S308  # nosec B308 B703 - escaped
