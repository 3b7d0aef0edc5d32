"""`{% form_field form.x %}`: a labelled form field of the lead screens.

Markup (templates/ui/form_field.html): label (with * when required) above the widget,
checkboxes with the label after them, then the help text and the errors with the ids that
Django's `aria-describedby` on the input points to (`<id>_helptext`, `<id>_error`;
tests/ui/test_form_field.py checks both). A template compiled once is within 3–5 % of the
Python builder this used to be on the lead mask (docs/fast-paths.md), so it is a template;
the widget itself comes from the fast renderer in ui/forms_rendering.py.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("ui/form_field.html")
def form_field(field) -> dict:
    return {"field": field}
