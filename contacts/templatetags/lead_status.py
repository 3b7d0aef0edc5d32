"""`{% lead_status_badge status %}`: the lead status as every page shows it.

One badge for the lead list, the mask and its history, the person and company pages and
the person tables: the status name on a neutral pill with a dot in the status's own colour
(`LeadStatus.colour`, set in the admin; the board colours its columns from the same field).
The colour is an SVG `fill` attribute, not a `style`, so the strict CSP holds. The lists
call `lead_status_badge()` directly for each row.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

_NONE = mark_safe('<span class="text-body-secondary">—</span>')  # noqa: S308  # nosec B308 B703 - a constant
_DOT = (
    '<svg class="lc-status-dot" width="8" height="8" viewBox="0 0 8 8" aria-hidden="true" '
    'focusable="false"><circle cx="4" cy="4" r="4" fill="{}"></circle></svg>'
)


@register.simple_tag
def lead_status_badge(status, hidden: bool = False, tooltip: bool = False) -> SafeString:
    """The badge of `status` ("—" for none). `hidden`: the person's category uses no lead
    status; the stored value is shown dashed, the reason as its tooltip. `tooltip`: the
    description as a focusable tooltip (a single badge; rows of a list keep a plain title,
    so that a hundred badges are not a hundred tab stops)."""
    if not status:
        return _NONE
    title = status.description
    css = "badge lc-status"
    if hidden:
        title = gettext("Ausgeblendet: Die Firmenkategorie verwendet keinen Lead-Status.")
        css += " lc-status-hidden"
    attrs = ' data-bs-toggle="tooltip" tabindex="0"' if hidden or tooltip else ""
    return format_html(
        '<span class="{}" title="{}"{}>' + _DOT + "{}</span>",
        css,
        title,
        mark_safe(attrs),  # noqa: S308  # nosec B308 B703 - one of two constants
        status.colour,
        status.name,
    )
