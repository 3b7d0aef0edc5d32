"""CSV/XLSX export of the filtered lead list; cells that a spreadsheet would run as a
formula (= + - @ tab CR NUL at the start) get a leading single quote."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.permissions import role_required
from leads import selectors
from leads.filters import LeadFilter
from leads.permissions import visible_leads

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(value) -> object:
    """Make a cell value safe for spreadsheets (formula injection)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def _user(u) -> str:
    return (u.get_full_name() or u.username) if u else ""


def _local(value):
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


HEADERS = [
    ("Leadnummer", lambda x: x.number),
    ("Unternehmen", lambda x: x.company_name),
    ("Anrede", lambda x: x.salutation),
    ("Vorname", lambda x: x.first_name),
    ("Nachname", lambda x: x.last_name),
    ("Funktion", lambda x: x.function),
    ("E-Mail", lambda x: x.email),
    ("Telefon", lambda x: str(x.phone) if x.phone else ""),
    ("Straße", lambda x: x.street),
    ("PLZ", lambda x: x.postal_code),
    ("Ort", lambda x: x.city),
    ("Land", lambda x: str(x.country.code) if x.country else ""),
    ("Status", lambda x: x.status.name),
    ("Quelle", lambda x: x.source.name if x.source_id else ""),
    ("Typ", lambda x: x.type.name if x.type_id else ""),
    ("Kampagne", lambda x: x.campaign.name if x.campaign_id else ""),
    ("Score", lambda x: x.score),
    ("Termin mit", lambda x: _user(x.appointment_with)),
    ("Nachbetreuung durch", lambda x: _user(x.follow_up_by)),
    ("Nachbetreuung bis", lambda x: _local(x.follow_up_until)),
    ("Geschäftspartner", lambda x: x.customer.name if x.customer_id else ""),
    ("Angelegt am", lambda x: _local(x.created_at)),
]


def _rows(qs) -> Iterator[list]:
    yield [h for h, _f in HEADERS]
    for lead in qs.iterator(chunk_size=2000):
        yield [neutralise(f(lead)) for _h, f in HEADERS]


class _Echo:
    def write(self, value):
        return value


@require_GET
@role_required()
def lead_export(request: HttpRequest) -> HttpResponse:
    filterset = LeadFilter(
        request.GET or None, queryset=visible_leads(request.user), user=request.user
    )
    filterset.form.is_valid()
    limit = int(getattr(settings, "LEAD_EXPORT_MAX_ROWS", 100_000))
    qs = selectors.sorted_for_export(filterset.qs, request.GET.get("sort"))[:limit]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("format") == "xlsx":
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
