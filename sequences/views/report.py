"""The report per sequence for the Vertriebsleitung (and admins)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.permissions import role_required
from sequences.selectors import sequence_report


@require_GET
@role_required(Role.SALES_MANAGER)
def report(request: HttpRequest) -> HttpResponse:
    return render(request, "sequences/report.html", {"rows": sequence_report()})
