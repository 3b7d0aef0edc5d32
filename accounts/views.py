"""Mein Profil: signature, absence period and daily digest, without the admin."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm
from accounts.permissions import role_required


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
    return render(request, "accounts/profile.html", {"form": form})
