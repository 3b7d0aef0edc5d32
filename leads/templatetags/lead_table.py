"""`{% lead_cells lead columns today %}`: the <td>s of one lead list row, built in Python.

The list shows up to 100 rows × 17 possible columns; an {% if %}/{% elif %} chain per cell in
the template cost more than the page's SQL. Each column key maps to one small function here
(same markup and escaping as the template had).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from leads.score_bands import score_band
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
    status = lead.status
    return format_html(
        '<td><span class="badge lc-phase lc-phase-{}" title="{}">{}</span></td>',
        status.phase,
        status.description,
        status.name,
    )


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
    return format_html('<td class="{}">{}</td>', css, until.strftime("%d.%m.%Y") if until else DASH)


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
    # strftime: the same "d.m.Y H:i" as the template's date filter, a fraction of its cost
    text = timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""
    return format_html('<td class="text-nowrap">{}</td>', text)


CELLS: dict[str, Callable] = {
    "number": _number,
    "company": lambda lead, today: _plain(lead.company_name),
    "contact": lambda lead, today: _plain(lead.contact_name),
    "status": _status,
    "score": _score,
    "source": lambda lead, today: _plain(lead.source),
    "type": lambda lead, today: _plain(lead.type),
    "campaign": lambda lead, today: _plain(lead.campaign),
    "follow_up_by": lambda lead, today: _plain(lead.follow_up_by),
    "follow_up_until": _follow_up_until,
    "appointment_with": lambda lead, today: _plain(lead.appointment_with),
    "customer": _customer,
    "city": lambda lead, today: _plain(lead.city),
    "email": _email,
    "phone": lambda lead, today: format_html('<td class="text-nowrap">{}</td>', lead.phone or DASH),
    "created": lambda lead, today: _timestamp(lead.created_at),
    "updated": lambda lead, today: _timestamp(lead.updated_at),
}


@register.simple_tag
def lead_cells(lead, columns, today) -> SafeString:
    return mark_safe("".join(CELLS[col.key](lead, today) for col in columns))  # noqa: S308  # nosec B308 B703 - escaped
