"""Mein Profil: signature, absence period, daily digest and personal API tokens."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import tokens
from accounts.forms import ApiTokenForm, ProfileForm
from accounts.models import ApiToken
from accounts.permissions import role_required


def _render(request, form, token_form, *, new_secret: str = "", status: int = 200):
    context = {
        "form": form,
        "token_form": token_form,
        "tokens": tokens.user_tokens(request.user),
        "new_secret": new_secret,
    }
    return render(request, "accounts/profile.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required()
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Ihr Profil wurde gespeichert."))
            return redirect("accounts:profile")
        messages.error(request, _("Bitte die markierten Felder korrigieren."))
    return _render(request, form, ApiTokenForm())


@require_POST
@role_required()
def token_create(request: HttpRequest) -> HttpResponse:
    """Make a token and show its secret once (in this response only, never stored)."""
    token_form = ApiTokenForm(request.POST)
    profile_form = ProfileForm(instance=request.user)
    if not token_form.is_valid():
        return _render(request, profile_form, token_form, status=400)
    try:
        token, secret = tokens.api_token_create(
            user=request.user,
            name=token_form.cleaned_data["name"],
            scope=token_form.cleaned_data["scope"],
            expires_at=token_form.expires_at(),
        )
    except tokens.TokenError as exc:
        token_form.add_error(exc.field if exc.field in token_form.fields else None, exc.message)
        return _render(request, profile_form, token_form, status=400)
    messages.success(
        request, _("Token „%(name)s“ angelegt. Kopieren Sie es jetzt.") % {"name": token.name}
    )
    return _render(request, profile_form, ApiTokenForm(), new_secret=secret)


@require_POST
@role_required()
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    if not tokens.can_revoke_token(request.user, token):
        raise Http404
    tokens.api_token_revoke(token=token, user=request.user)
    messages.success(request, _("Token „%(name)s“ widerrufen.") % {"name": token.name})
    return redirect("accounts:profile")
