"""`{% form_field form.x %}`: a labelled form field of the lead screens, built in Python.

The lead mask has ~40 fields and the list's filter panel 14; an {% include %} of a field
template per field was a large share of their rendering. Markup: label (with * when
required) above the widget, checkboxes with the label after them, then the help text and
the errors with the ids Django's `aria-describedby` on the input points to
(`<id>_helptext`, `<id>_error`; tests/ui/test_form_field.py checks both). Held to
tests/fast_paths/templates/fast_paths/form_field.html by tests/fast_paths/test_equivalence.py:
as a template it cost the lead mask +10 % of its Python instructions (docs/fast-paths.md).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ui.html import esc as _esc

register = template.Library()

_REQUIRED = ' <span class="text-danger" aria-hidden="true">*</span>'


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
    auto_id = _esc(field.auto_id) if field.auto_id else ""
    if field.help_text:
        help_id = f' id="{auto_id}_helptext"' if auto_id else ""
        # help texts are trusted markup (Django's field.html renders them |safe as well)
        parts.append(f'  <div class="form-text"{help_id}>{field.help_text}</div>\n')
    if field.errors:
        error_id = f' id="{auto_id}_error"' if auto_id else ""
        parts.append(f'  <div class="invalid-feedback d-block"{error_id}>')
        parts.append("<br>".join(_esc(e) for e in field.errors))
        parts.append("</div>\n")
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - escaped above
