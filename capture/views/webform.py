"""Public capture pages: the embeddable web form per campaign, DOI confirmation and consent
withdrawal (no login); and the duplicate warning fragment of the lead mask (logged in).

Spam defence on the form: a honeypot field, a signed render timestamp (minimum fill time
`LEADCRM_WEBFORM_MIN_SECONDS`, default 3 s; maximum age 2 h), a per-IP rate limit
(django-ratelimit on the default cache: Redis in production) answered with 429, and max
lengths on every field. Honeypot hits look like success to the bot but create nothing.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import role_required
from capture import doi
from capture.ratelimit import visitor_ip, visitor_limited
from capture.webform import UTM_FIELDS, capture_web_lead
from contacts.duplicates import normalize_phone
from contacts.models import Salutation
from leads.duplicates import find_lead_duplicates
from leads.fields import capture_max_length
from leads.models import Campaign, Interest, Lead

TIMESTAMP_SALT = "leads.webform.ts"
MAX_FORM_AGE = 2 * 3600
HONEYPOT = "homepage"


def min_fill_seconds() -> float:
    return float(getattr(settings, "LEADCRM_WEBFORM_MIN_SECONDS", 3))


def frame_ancestors() -> list[str]:
    return list(getattr(settings, "LEADCRM_WEBFORM_FRAME_ANCESTORS", ["'self'"]))


def _clean_url(value: str) -> str:
    value = (value or "").strip()[:500]
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value


def _typed(name: str, field_class=forms.CharField, *, required: bool = False) -> forms.Field:
    """A field the visitor types in: the lead field's label, the catalogue's max length."""
    label = Lead._meta.get_field(name).verbose_name
    return field_class(label=label, max_length=capture_max_length(name), required=required)


def _carried(name: str) -> forms.CharField:
    """A hidden field carried from the page's query string or the embedding page."""
    return forms.CharField(
        max_length=capture_max_length(name), required=False, widget=forms.HiddenInput
    )


class WebLeadForm(forms.Form):
    """The lead fields' max lengths are the field catalogue's (`leads.fields`): the model's,
    or a longer input length where the value is cleaned first (phone, page addresses)."""

    salutation = forms.ChoiceField(
        label=_lazy("Anrede"), choices=Salutation.choices, required=False
    )
    first_name = _typed("first_name")
    last_name = _typed("last_name", required=True)
    company_name = _typed("company_name")
    email = _typed("email", forms.EmailField, required=True)
    phone = _typed("phone")
    postal_code = _typed("postal_code")
    city = _typed("city")
    interests = forms.ModelMultipleChoiceField(
        label=_lazy("Interesse an"),
        queryset=Interest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_lazy("Ihre Nachricht"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    marketing_consent = forms.BooleanField(required=False)
    utm_source = _carried("utm_source")
    utm_medium = _carried("utm_medium")
    utm_campaign = _carried("utm_campaign")
    utm_term = _carried("utm_term")
    utm_content = _carried("utm_content")
    landing_page = _carried("landing_page")
    referrer = _carried("referrer")
    ts = forms.CharField(max_length=200, widget=forms.HiddenInput)
    homepage = forms.CharField(max_length=200, required=False)  # honeypot

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["interests"].queryset = Interest.objects.active()
        self.fields["marketing_consent"].label = campaign.consent_text or _(
            "Ich möchte Informationen per E-Mail erhalten."
        )
        self.fields["homepage"].widget.attrs.update(tabindex="-1", autocomplete="off")
        for name, field in self.fields.items():
            if isinstance(field.widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                continue
            field.widget.attrs.setdefault(
                "class", "form-select" if name == "salutation" else "form-control"
            )

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        if value and not normalize_phone(value):
            raise ValidationError(_("Bitte geben Sie eine gültige Telefonnummer an."))
        return normalize_phone(value) if value else ""

    def clean_landing_page(self) -> str:
        return _clean_url(self.cleaned_data.get("landing_page", ""))

    def clean_referrer(self) -> str:
        return _clean_url(self.cleaned_data.get("referrer", ""))

    def clean_ts(self) -> float:
        try:
            payload = signing.loads(
                self.cleaned_data["ts"], salt=TIMESTAMP_SALT, max_age=MAX_FORM_AGE
            )
        except signing.SignatureExpired as exc:
            raise ValidationError(
                _("Das Formular war zu lange geöffnet. Bitte senden Sie es erneut.")
            ) from exc
        except signing.BadSignature as exc:
            raise ValidationError(
                _("Das Formular ist ungültig. Bitte laden Sie die Seite neu.")
            ) from exc
        if payload.get("c") != self.campaign.pk:
            raise ValidationError(_("Das Formular ist ungültig. Bitte laden Sie die Seite neu."))
        age = time.time() - float(payload.get("t", 0))
        if age > MAX_FORM_AGE:
            raise ValidationError(
                _("Das Formular war zu lange geöffnet. Bitte senden Sie es erneut.")
            )
        if age < min_fill_seconds():
            raise ValidationError(
                _(
                    "Das Formular wurde zu schnell abgeschickt. Bitte prüfen Sie Ihre Angaben "
                    "und senden Sie es erneut."
                )
            )
        return float(payload["t"])


def _timestamp(campaign: Campaign) -> str:
    return signing.dumps({"t": time.time(), "c": campaign.pk}, salt=TIMESTAMP_SALT)


def _initial(request: HttpRequest, campaign: Campaign) -> dict:
    params = request.GET
    initial = {name: params.get(name, "")[: capture_max_length(name)] for name in UTM_FIELDS}
    initial["landing_page"] = params.get("landing_page") or request.build_absolute_uri()
    initial["referrer"] = params.get("referrer") or request.META.get("HTTP_REFERER", "")
    initial["ts"] = _timestamp(campaign)
    return initial


def _framable(response: HttpResponse) -> HttpResponse:
    response._csp_replace = {"frame-ancestors": frame_ancestors()}
    return response


@login_not_required
@csrf_exempt  # embedded cross-site, the CSRF cookie is not sent; the signed `ts` is the form token
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def web_form(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = Campaign.objects.filter(slug=slug, active=True, web_form_enabled=True).first()
    if campaign is None:
        raise Http404
    if request.method == "POST":
        if visitor_limited(request, group="leads.web_form"):
            response = render(request, "capture/too_many.html", {"campaign": campaign}, status=429)
            response["Retry-After"] = "60"
            return _framable(response)
        if request.POST.get(HONEYPOT):
            return _framable(redirect("capture:web_form_thanks", slug=campaign.slug))
        form = WebLeadForm(request.POST, campaign=campaign)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["interests"] = [i.pk for i in data.get("interests") or []]
            capture_web_lead(
                campaign=campaign,
                data=data,
                ip_address=visitor_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                base_url=request.build_absolute_uri("/"),
            )
            return _framable(redirect("capture:web_form_thanks", slug=campaign.slug))
        # a fresh timestamp, so a corrected form can be sent (after the minimum time again)
        data = request.POST.copy()
        data["ts"] = _timestamp(campaign)
        form.data = data
        status = 400
    else:
        form = WebLeadForm(initial=_initial(request, campaign), campaign=campaign)
        status = 200
    response = render(
        request, "capture/web_form.html", {"form": form, "campaign": campaign}, status=status
    )
    return _framable(response)


@login_not_required
@xframe_options_exempt
def web_form_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug, web_form_enabled=True)
    return _framable(render(request, "capture/thanks.html", {"campaign": campaign}))


@login_not_required
@require_http_methods(["GET", "POST"])
def doi_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners prefetch links); the POST records the proof."""
    context = {"token": token}
    if request.method == "POST":
        try:
            record = doi.doi_confirm(
                token=token,
                ip_address=visitor_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except doi.DoiError as exc:
            context.update(error=exc.message, reason=exc.reason)
            return render(request, "capture/doi_confirm.html", context, status=400)
        context.update(confirmed=record, withdraw_token=doi.withdraw_token(record))
        return render(request, "capture/doi_confirm.html", context)
    try:
        doi._load(token, salt=doi.DOI_SALT, max_age=doi.doi_max_age_seconds())
    except doi.DoiError as exc:
        context.update(error=exc.message, reason=exc.reason)
        return render(request, "capture/doi_confirm.html", context, status=400)
    return render(request, "capture/doi_confirm.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    context = {"token": token}
    try:
        doi.consent_record_for_withdrawal(token)
    except doi.DoiError as exc:
        context["error"] = exc.message
        return render(request, "capture/withdraw.html", context, status=400)
    if request.method == "POST":
        doi.consent_withdraw_by_token(
            token=token,
            ip_address=visitor_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        context["withdrawn"] = True
    return render(request, "capture/withdraw.html", context)


@require_POST
@role_required()
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """The mask's warning: candidates for the typed e-mail / phone / company name."""
    exclude = request.POST.get("lead_id") or request.GET.get("lead_id")
    data = {
        "email": request.POST.get("email", "")[:254],
        "phone": request.POST.get("phone", "")[:40],
        "company_name": request.POST.get("company_name", "")[:200],
    }
    candidates = find_lead_duplicates(
        data,
        exclude_id=int(exclude) if exclude and exclude.isdecimal() and len(exclude) < 10 else None,
    )
    return render(request, "leads/_duplicate_warning.html", {"candidates": candidates})
