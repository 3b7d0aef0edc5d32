"""CSV/XLSX export of the filtered lead list; cells that a spreadsheet would run as a
formula (= + - @ tab CR NUL at the start) get a leading single quote."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from accounts.permissions import role_required
from leads import selectors
from leads.fields import export_columns
from leads.filters import LeadFilter
from leads.models import Lead
from leads.permissions import EXPORT_REFUSED_MESSAGE, can_export_leads, visible_leads
from ui.display import date_text, datetime_text
from ui.replica import reads_from_replica
from ui.spreadsheet import neutralise


def _user(u) -> str:
    return (u.get_full_name() or u.username) if u else ""


def _cell(name: str):
    """How the export writes one catalogue field: names for list entries, users by name,
    local dates in the reader's format, countries by name, choices by label, the phone
    number as stored."""
    field = Lead._meta.get_field(name)
    if field.many_to_one and field.related_model is get_user_model():
        return lambda lead: _user(getattr(lead, name))
    if field.many_to_one:
        return lambda lead: getattr(getattr(lead, name), "name", "") or ""
    if isinstance(field, models.DateTimeField):
        return lambda lead: datetime_text(getattr(lead, name))
    if isinstance(field, models.DateField):
        return lambda lead: date_text(getattr(lead, name))
    if isinstance(field, CountryField):
        return lambda lead: lead.country.name if lead.country else ""
    if isinstance(field, PhoneNumberField):
        return lambda lead: str(lead.phone) if lead.phone else ""
    if field.choices:
        labels = {value: str(label) for value, label in field.flatchoices}
        return lambda lead: labels.get(getattr(lead, name), getattr(lead, name))
    return lambda lead: getattr(lead, name)


# the export's columns come from the field catalogue (leads.fields)
HEADERS = [(str(header), _cell(name)) for header, name in export_columns()]


def _rows(qs) -> Iterator[list]:
    yield [h for h, _f in HEADERS]
    for lead in qs.iterator(chunk_size=2000):
        yield [neutralise(f(lead)) for _h, f in HEADERS]


class _Echo:
    def write(self, value):
        return value


@require_GET
@role_required()
@reads_from_replica
def lead_export(request: HttpRequest) -> HttpResponse:
    if not can_export_leads(request.user):
        raise PermissionDenied(EXPORT_REFUSED_MESSAGE)
    filterset = LeadFilter(
        request.GET or None, queryset=visible_leads(request.user), user=request.user
    )
    filterset.form.is_valid()
    return export_response(
        filterset.qs,
        sort=request.GET.get("sort"),
        file_format=request.GET.get("format"),
        user=request.user,
    )


def export_limit() -> int:
    """The most rows one export writes (settings `LEAD_EXPORT_MAX_ROWS`); an export over it
    is refused with a message naming the limit, never cut off silently."""
    return int(getattr(settings, "LEAD_EXPORT_MAX_ROWS", 100_000))


def export_response(qs, *, sort: str | None, file_format: str | None, user=None) -> HttpResponse:
    """The CSV (default) or XLSX download of the leads `qs`, in list order `sort`; the list's
    export and the bulk export of ticked rows (leads/bulk) both answer with this. With
    `user`, the export permission is checked here too (`can_export_leads`). More rows than
    `export_limit()` answer 400 with a German message stating the limit."""
    if user is not None and not can_export_leads(user):
        raise PermissionDenied(EXPORT_REFUSED_MESSAGE)
    limit = export_limit()
    # counting only up to limit + 1 keeps the check bounded on a huge lead base
    if qs.order_by()[: limit + 1].count() > limit:
        return HttpResponse(
            _(
                "Der Export umfasst mehr als %(n)s Leads. Bitte grenzen Sie die Liste mit "
                "Filtern ein (Grenze: Einstellung LEAD_EXPORT_MAX_ROWS)."
            )
            % {"n": f"{limit:n}"},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    qs = selectors.sorted_for_export(qs, sort)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=_("Leads")[:31])
        for row in _rows(qs):
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.xlsx"'
        return response
    writer = csv.writer(_Echo(), delimiter=";")
    response = StreamingHttpResponse(
        ("\ufeff" if i == 0 else "") + writer.writerow(row) for i, row in enumerate(_rows(qs))
    )
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.csv"'
    return response
