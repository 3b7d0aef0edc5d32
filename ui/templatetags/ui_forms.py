"""`{% form_field form.x %}`: a labelled form field of the lead screens, built in Python.

The lead mask has ~40 fields and the list's filter panel 14; an {% include %} of a field
template per field was a large share of their rendering. Markup: label (with * when
required) above the widget, checkboxes with the label after them, errors below.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_REQUIRED = ' <span class="text-danger" aria-hidden="true">*</span>'


def _esc(value) -> str:
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


@register.simple_tag
def form_field(field) -> SafeString:
    widget = str(field)  # the widget's HTML (escaped by the form renderer)
    label_for = _esc(field.id_for_label or "")
    label = _esc(field.label)
    if getattr(field.field.widget, "input_type", None) == "checkbox":
        parts = [
            '<div class="lc-field form-check">\n',
            f'  {widget} <label class="form-check-label" for="{label_for}">{label}</label>\n',
        ]
    else:
        required = _REQUIRED if field.field.required else ""
        parts = [
            '<div class="lc-field">\n',
            f'  <label class="form-label small fw-semibold mb-1" for="{label_for}">'
            f"{label}{required}</label>\n",
            f"  {widget}\n",
        ]
    parts.extend(f'<div class="invalid-feedback d-block">{_esc(e)}</div>' for e in field.errors)
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - escaped above
