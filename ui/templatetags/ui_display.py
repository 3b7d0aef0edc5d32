"""`{{ value|shown }}`: a stored value as the reader sees it (see `ui.display.value_text`)."""

from django import template

from ui.display import money_text, value_text

register = template.Library()


@register.filter
def shown(value) -> str:
    return value_text(value)


@register.filter
def euro(value) -> str:
    return money_text(value)
