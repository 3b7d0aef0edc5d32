"""Small validators shared by forms and services of several apps."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_LINE_BREAK = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]")


def validate_single_line(value: str) -> None:
    """A mail subject (a header) must be one line: a line break would let a value inject
    headers, and Django refuses to send it (BadHeaderError), so such a mail never left."""
    if value and _LINE_BREAK.search(value):
        raise ValidationError(
            _("Der Betreff darf keinen Zeilenumbruch enthalten."), code="line_break"
        )
