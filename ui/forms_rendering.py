"""A form renderer that builds the common widgets in Python.

Django renders every widget – and every <option> of a select – through its template engine:
one template include per option and per attribute list. On the lead list (about 200 filter
options) and the lead mask that was the largest share of the page time. `FastRenderer`
produces exactly the markup of Django's own widget templates for inputs, checkboxes,
selects, option lists and textareas (tests/test_forms_rendering.py compares both), with the
same escaping, and leaves every other template (admin widgets, file inputs, …) to the
template engine.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ui.html import esc

_W = "django/forms/widgets/"


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}` with autoescaping."""
    return esc(str(value))


def _attrs(attrs: Mapping) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {esc(name)}")
        else:
            parts.append(f' {esc(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: Mapping) -> str:
    """django/forms/widgets/input.html (and text, date, number, checkbox, hidden …)."""
    value = widget.get("value")
    value_attr = f' value="{_text(value)}"' if value is not None else ""
    return (
        f'<input type="{esc(widget["type"])}" '
        f'name="{esc(widget["name"])}"{value_attr}{_attrs(widget["attrs"])}>\n'
    )


def _input_option(widget: Mapping) -> str:
    """django/forms/widgets/input_option.html"""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    label_id = widget["attrs"].get("id")
    label_for = f' for="{esc(label_id)}"' if label_id else ""
    label = esc(widget["label"])
    return f"<label{label_for}>{_input(widget)} {label}</label>\n"


def _checkbox_option(widget: Mapping) -> str:
    """django/forms/widgets/checkbox_option.html and radio_option.html"""
    return _input_option(widget) + "\n"


def _select_option(widget: Mapping) -> str:
    """django/forms/widgets/select_option.html"""
    return (
        f'<option value="{_text(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{esc(widget['label'])}</option>\n"
    )


def _textarea(widget: Mapping) -> str:
    """django/forms/widgets/textarea.html"""
    value = widget.get("value")
    body = esc(value) if value else ""
    return f'<textarea name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>\n{body}</textarea>\n'


# Each function returns what the template renders as an {% include %}, trailing newlines and
# all; the renderer strips the outermost one as Django's does.
_SIMPLE: dict[str, Callable[[Mapping], str]] = {
    _W + "select_option.html": _select_option,
    _W + "checkbox_option.html": _checkbox_option,
    _W + "radio_option.html": _checkbox_option,
    _W + "input_option.html": _input_option,
    _W + "textarea.html": _textarea,
}
_SIMPLE.update(
    (_W + name, _input)
    for name in (
        "input.html checkbox.html color.html date.html datetime.html email.html file.html "
        "hidden.html number.html password.html search.html tel.html text.html time.html "
        "url.html"
    ).split()
)


def _option(option: Mapping, renderer: FastRenderer) -> str:
    fast = _SIMPLE.get(option["template_name"])
    if fast is not None:
        return fast(option)
    return renderer.include(option["template_name"], {"widget": option})


def _select(widget: Mapping, renderer: FastRenderer) -> str:
    """django/forms/widgets/select.html"""
    out = [f'<select name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{esc(group_name)}">')
        for option in group_choices:
            out.append("\n  " + _option(option, renderer))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _multiple_input(widget: Mapping, renderer: FastRenderer) -> str:
    """django/forms/widgets/multiple_input.html (checkbox_select, radio)."""
    attrs = widget["attrs"]
    widget_id, css = attrs.get("id"), attrs.get("class")
    out = ["<div"]
    if widget_id:
        out.append(f' id="{esc(widget_id)}"')
    if css:
        out.append(f' class="{esc(css)}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{esc(group)}</label>")
        for option in options:
            out.append("<div>\n    " + _option(option, renderer) + "</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


_WITH_RENDERER = {
    _W + "select.html": _select,
    _W + "checkbox_select.html": _multiple_input,
    _W + "radio.html": _multiple_input,
    _W + "multiple_input.html": _multiple_input,
}


class FastRenderer(DjangoTemplates):
    """Django's default renderer, with the common widget templates built in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, Mapping) else None
        if widget is not None and context.keys() == {"widget"}:
            if template_name in _SIMPLE:
                html = _SIMPLE[template_name](widget)
            elif template_name in _WITH_RENDERER:
                html = _WITH_RENDERER[template_name](widget, self)
            else:
                html = None
            if html is not None:
                return mark_safe(html.strip())  # noqa: S308  # nosec B308 B703 - every piece is escaped above
        return super().render(template_name, context, request)

    def include(self, template_name, context) -> SafeString:
        """An option template of its own, rendered like {% include %} does (no strip)."""
        return self.get_template(template_name).render(context)


class StaticChoicesMixin:
    """For a select whose choices never change while the process runs (the ~250 countries):
    its HTML is cached per language, name, value and attributes (bounded, thread-safe)."""

    _cache: OrderedDict = OrderedDict()
    _lock = threading.Lock()
    cache_size = 256

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        key = (
            type(self),
            get_language(),
            name,
            tuple(self.format_value(value)),
            tuple(sorted((str(k), str(v)) for k, v in final_attrs.items())),
        )
        with self._lock:
            html = self._cache.get(key)
            if html is not None:
                self._cache.move_to_end(key)
                return html
        html = super().render(name, value, attrs, renderer)
        with self._lock:
            self._cache[key] = html
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return html
