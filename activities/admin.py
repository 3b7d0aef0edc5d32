"""Admin for activities, documents and mail templates.

Mail templates are Django templates edited by admins; the form compiles subject and body
before saving (a broken tag is refused with its line) and warns about placeholders the
mail renderer does not provide.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.template import Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Document, MailTemplate

# The names the mail renderer puts into the context (activities/defaults.py docstring).
ALLOWED_PLACEHOLDERS = frozenset({"lead", "contact", "user", "appointment"})
_ALWAYS_KNOWN = frozenset({"forloop", "block", "True", "False", "None"})
_OPERATORS = frozenset(
    {"and", "or", "not", "in", "is", "==", "!=", "<", ">", "<=", ">=", "not in", "is not"}
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*")


# Same engine shape as the mail renderer (activities/mail.py): built-in tags and filters
# only, no {% load %}; debug on so that a syntax error carries its line number.
_CHECK_ENGINE = Engine(
    dirs=[], app_dirs=False, loaders=[], libraries={}, builtins=[], autoescape=False, debug=True
)


def compile_template(source: str) -> None:
    """Raise a German ValidationError naming the line when `source` does not compile."""
    try:
        _CHECK_ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        line = getattr(exc, "template_debug", {}).get("line", "?")
        raise forms.ValidationError(
            _("Vorlagenfehler in Zeile %(line)s: %(error)s"),
            code="template_syntax",
            params={"line": line, "error": exc},
        ) from exc


def _root_name(expression: str) -> str | None:
    """'lead.company_name|default:"x"' -> 'lead'; literals -> None."""
    expression = expression.split("|", 1)[0].strip()
    if not expression or expression[0] in "\"'-0123456789":
        return None
    if expression.startswith("_("):
        return None
    match = _NAME.match(expression)
    return match.group(0) if match else None


def unknown_placeholders(source: str) -> list[str]:
    """Top-level variable names in `source` the mail renderer does not provide."""
    known = set(ALLOWED_PLACEHOLDERS | _ALWAYS_KNOWN)
    used: list[str] = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.VAR:
            used.append(_root_name(token.contents) or "")
        elif token.token_type == TokenType.BLOCK:
            bits = token.split_contents()
            tag, args = bits[0], bits[1:]
            if tag == "for" and "in" in args:
                split = args.index("in")
                known.update(v.strip(",") for v in args[:split])
                used.extend(_root_name(a) or "" for a in args[split + 1 :] if a != "reversed")
            elif tag in ("if", "elif"):
                used.extend(_root_name(a) or "" for a in args if a not in _OPERATORS)
            elif tag == "with":
                for arg in args:
                    if "=" in arg:
                        name, value = arg.split("=", 1)
                        known.add(name)
                        used.append(_root_name(value) or "")
    unknown = []
    for name in used:
        if name and name not in known and name not in unknown:
            unknown.append(name)
    return unknown


class MailTemplateForm(forms.ModelForm):
    class Meta:
        model = MailTemplate
        fields = ("name", "purpose", "subject", "body", "documents", "rank", "active")
        widgets = {
            "subject": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "body": forms.Textarea(attrs={"rows": 18, "cols": 100}),
        }

    unknown_names: list[str] = []

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        compile_template(subject)
        return subject

    def clean_body(self):
        body = self.cleaned_data["body"]
        compile_template(body)
        return body

    def clean(self):
        cleaned = super().clean()
        source = f"{cleaned.get('subject', '')}\n{cleaned.get('body', '')}"
        try:
            self.unknown_names = unknown_placeholders(source)
        except (TemplateSyntaxError, ValueError):
            self.unknown_names = []
        return cleaned


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    form = MailTemplateForm
    list_display = ("name", "purpose", "subject", "rank", "active")
    list_editable = ("rank", "active")
    list_filter = ("purpose", "active")
    search_fields = ("name", "subject")
    ordering = ("purpose", "rank", "name")
    filter_horizontal = ("documents",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "unknown_names", None):
            messages.warning(
                request,
                _(
                    "Unbekannte Platzhalter in „%(name)s“: %(names)s. Verfügbar sind "
                    "lead, contact, user und appointment."
                )
                % {"name": obj.name, "names": ", ".join(form.unknown_names)},
            )


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "file", "uploaded_by", "created_at")
    list_select_related = ("uploaded_by",)
    search_fields = ("title",)
    ordering = ("title",)
    autocomplete_fields = ("uploaded_by",)
    readonly_fields = ("created_at",)

    def save_model(self, request, obj, form, change):
        if not change and not obj.uploaded_by_id:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "kind",
        "status",
        "start",
        "person",
        "company",
        "delegated_to",
        "mail_state",
    )
    list_select_related = ("person", "company", "delegated_to")
    list_filter = ("kind", "status", "mail_state", "delivery_status")
    search_fields = ("subject", "=esp_message_id", "=mail_to")
    ordering = ("-start", "-created_at", "-id")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table
    autocomplete_fields = ("person", "company", "delegated_by", "delegated_to")
    raw_id_fields = ("recipients", "template")
    filter_horizontal = ("documents",)
    readonly_fields = (
        "mail_attempts",
        "sent_at",
        "esp_message_id",
        "delivery_status",
        "delivery_updated_at",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "version",
    )
    fieldsets = (
        (None, {"fields": ("kind", "subject", "body", ("start", "end"), ("status", "done_at"))}),
        (
            _("Beteiligte"),
            {"fields": ("delegated_by", "delegated_to", "person", "company", "recipients")},
        ),
        (
            _("E-Mail"),
            {
                "classes": ("collapse",),
                "fields": (
                    "mail_to",
                    "mail_cc",
                    "template",
                    "documents",
                    ("mail_state", "mail_attempts"),
                    "mail_error",
                    ("sent_at", "esp_message_id"),
                    ("delivery_status", "delivery_updated_at"),
                ),
            },
        ),
        (
            _("Verlauf"),
            {
                "classes": ("collapse",),
                "fields": (
                    ("created_by", "created_at"),
                    ("updated_by", "updated_at"),
                    "version",
                ),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        else:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
