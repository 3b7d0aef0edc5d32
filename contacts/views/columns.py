"""Column chooser (gear icon): saves the chosen columns of a list per user."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from contacts import services
from contacts.errors import ContactError
from contacts.views.common import safe_next


@require_POST
@role_required()
def list_columns(request):
    fallback = reverse("contacts:person_list")
    try:
        services.list_columns_set(
            user=request.user,
            key=request.POST.get("key", ""),
            columns=request.POST.getlist("columns"),
        )
    except ContactError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Die Spaltenauswahl wurde gespeichert."))
    return redirect(safe_next(request, fallback))
