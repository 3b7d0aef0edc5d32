"""The lead mask [Lead-Maske]: create, view/edit with optimistic locking, live score,
search-as-you-type for Geschäftspartner and Ansprechpartner, history tab."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import role_required
from contacts.models import Company, LeadStatus, Person
from leads import selectors
from leads.action_box import action_box_entries
from leads.card_prefill import card_image_upload, card_prefill
from leads.errors import ConflictError, LeadError
from leads.forms import LeadForm, ScorePreviewForm, criteria_for_mask
from leads.models import Lead
from leads.permissions import can_create_lead, can_delete_lead, can_edit_lead, can_view_lead
from leads.services import scoring
from leads.services.lead import lead_create, lead_delete, lead_update
from ui.idempotency import Submission

SEARCH_LIMIT = 15


def _score_context(score: int, breakdown: list[dict]) -> dict:
    return {"score": score, "breakdown": breakdown}


def _apply_errors(form: LeadForm, exc: LeadError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _mask_context(request, form, lead, criteria, *, conflict=None) -> dict:
    if form.is_bound and form.is_valid():
        ratings = {cid: oid for cid, oid in (form.ratings() or {}).items() if oid is not None}
        source = form.cleaned_data.get("source")
        score, breakdown = scoring.compute_score(
            source_id=source.pk if source else None, ratings=ratings, criteria=criteria
        )
    elif lead is not None and lead.pk:
        score, breakdown = lead.score, lead.score_breakdown or []
    else:
        score, breakdown = scoring.compute_score(source_id=None, ratings={}, criteria=criteria)
    context = {
        "form": form,
        "lead": lead,
        "criteria": criteria,
        "conflict": conflict,
        "can_edit": lead is None or not lead.pk or can_edit_lead(request.user, lead),
        "can_delete": lead is not None and lead.pk and can_delete_lead(request.user, lead),
        **_score_context(score, breakdown),
    }
    if lead is not None and lead.pk:
        context["action_box_entries"] = action_box_entries(lead, request.user)
        context["main_contact"] = selectors.main_contact(lead)
    return context


@require_http_methods(["GET", "POST"])
@role_required()
def lead_create_view(request: HttpRequest) -> HttpResponse:
    if not can_create_lead(request.user):
        raise PermissionDenied
    criteria = criteria_for_mask()
    # a business-card scan (?scan=<job> on GET, the hidden "card_scan" on POST) prefills the
    # mask and its image becomes the Visitenkarte unless another one is uploaded
    scan = card_prefill(request.user, request.POST.get("card_scan") or request.GET.get("scan"))
    submission = Submission(request, scope="lead")
    if request.method == "POST":
        files = request.FILES
        if scan is not None and not files.get("business_card"):
            image = card_image_upload(scan)
            if image is not None:
                files = files.copy()
                files["business_card"] = image
        form = LeadForm(request.POST, files, user=request.user, criteria=criteria)
        if form.is_valid():
            if repeated := submission.claim(fallback_url=reverse("leads:list")):
                return repeated
            main = form.cleaned_data.get("main_contact")
            try:
                result = lead_create(
                    data=form.service_data(),
                    user=request.user,
                    interests=form.cleaned_data.get("interests") or (),
                    ratings=form.ratings(),
                    contacts=[main] if main else (),
                )
            except LeadError as exc:
                submission.release()
                _apply_errors(form, exc)
            else:
                url = reverse("leads:detail", kwargs={"pk": result.lead.pk})
                submission.done(url)
                messages.success(
                    request, _("Lead %(number)s wurde angelegt.") % {"number": result.lead.number}
                )
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect(url)
    else:
        default = LeadStatus.objects.filter(is_default=True).first()
        form = LeadForm(
            user=request.user,
            criteria=criteria,
            # "Nachbetreuung durch" is the creator unless they choose someone else; a
            # creator outside the sales roles is not offered and the rules assign the lead
            initial={
                "status": default.pk if default else None,
                "country": "DE",
                "follow_up_by": request.user.pk,
                **(scan.fields if scan else {}),
            },
        )
    context = _mask_context(request, form, None, criteria)
    context["card_scan"] = scan
    context["submission"] = submission
    return render(request, "leads/lead_mask.html", context)


@require_http_methods(["GET", "POST"])
@role_required()
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_for_mask(pk)
    if lead is None:
        raise Http404
    if not can_view_lead(request.user, lead):
        raise PermissionDenied
    criteria = criteria_for_mask()
    interest_ids, ratings = selectors.interests_and_ratings(lead)
    main = selectors.main_contact(lead)
    kwargs = {
        "user": request.user,
        "criteria": criteria,
        "ratings": ratings,
        "main_contact": main,
        "interest_ids": interest_ids,
    }
    conflict = None
    if request.method == "POST":
        if not can_edit_lead(request.user, lead):
            raise PermissionDenied
        form = LeadForm(request.POST, request.FILES, instance=lead, **kwargs)
        if form.is_valid():
            try:
                result = lead_update(
                    lead=lead,
                    data=form.service_data(),
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    interests=form.cleaned_data.get("interests") or (),
                    ratings=form.ratings(),
                    main_contact=form.cleaned_data.get("main_contact"),
                )
            except ConflictError as exc:
                conflict = exc
                form.add_error(None, exc.message)
                # keep the user's input; a second save deliberately overwrites
                data = request.POST.copy()
                data["version"] = str(exc.current_version or lead.version)
                form.data = data
                if request.FILES.get("business_card"):
                    form.add_error(
                        "business_card",
                        _("Bitte wählen Sie die Visitenkarte erneut aus."),
                    )
            except LeadError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Lead %(number)s wurde gespeichert.") % {"number": lead.number}
                )
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect("leads:detail", pk=lead.pk)
    else:
        form = LeadForm(instance=lead, **kwargs)
    if not can_edit_lead(request.user, lead):
        for field in form.fields.values():
            field.disabled = True
    context = _mask_context(request, form, lead, criteria, conflict=conflict)
    status = 409 if conflict else 200
    return render(request, "leads/lead_mask.html", context, status=status)


@require_POST
@role_required()
def score_preview(request: HttpRequest) -> HttpResponse:
    criteria = criteria_for_mask()
    form = ScorePreviewForm(request.POST, criteria=criteria)
    if form.is_valid():
        source = form.cleaned_data.get("source")
        ratings = scoring.clean_ratings(form.ratings(), criteria)
        score, breakdown = scoring.compute_score(
            source_id=source.pk if source else None, ratings=ratings, criteria=criteria
        )
    else:
        score, breakdown = scoring.compute_score(source_id=None, ratings={}, criteria=criteria)
    return render(request, "leads/lead_mask.html#score", _score_context(score, breakdown))


def _int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@require_GET
@role_required()
def company_search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("company_q") or request.GET.get("q") or "").strip()[:100]
    current = Company.objects.filter(pk=_int_or_none(request.GET.get("customer"))).first()
    hits = []
    if q:
        hits = list(
            Company.objects.filter(Q(name__icontains=q) | Q(city__icontains=q))
            .exclude(pk=current.pk if current else None)
            .order_by("name", "id")[:SEARCH_LIMIT]
        )
    options = [(c.pk, f"{c.name} · {c.city}" if c.city else c.name) for c in hits]
    return render(
        request,
        "leads/_search_options.html",
        {
            "current": (current.pk, str(current)) if current else None,
            "options": options,
            "q": q,
        },
    )


@require_GET
@role_required()
def person_search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("person_q") or request.GET.get("q") or "").strip()[:100]
    current = (
        Person.objects.select_related("company")
        .filter(pk=_int_or_none(request.GET.get("main_contact")))
        .first()
    )
    company_id = _int_or_none(request.GET.get("customer"))
    persons = Person.objects.select_related("company")
    if current:
        persons = persons.exclude(pk=current.pk)
    hits = []
    if q:
        for word in q.split()[:4]:
            persons = persons.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(company__name__icontains=word)
            )
        hits = list(persons.order_by("last_name", "first_name", "id")[:SEARCH_LIMIT])
    elif company_id:
        hits = list(persons.filter(company_id=company_id).order_by("last_name")[:SEARCH_LIMIT])

    def label(p: Person) -> str:
        return f"{p.full_name} ({p.company})" if p.company_id else p.full_name

    return render(
        request,
        "leads/_search_options.html",
        {
            "current": (current.pk, label(current)) if current else None,
            "options": [(p.pk, label(p)) for p in hits],
            "q": q,
        },
    )


@require_GET
@role_required()
def lead_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    lead = Lead.objects.select_related("status").filter(pk=pk).first()
    if lead is None:
        raise Http404
    if not can_view_lead(request.user, lead):
        raise PermissionDenied
    context = {
        "lead": lead,
        "history": selectors.lead_history(lead),
        "status_rows": [
            {**row, "duration_text": selectors.format_duration(row["duration"])}
            for row in selectors.status_durations(lead)
        ],
        "detail_url": reverse("leads:detail", args=[lead.pk]),
    }
    template = "leads/lead_history.html"
    if request.htmx:
        template += "#history"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@role_required()
def lead_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Managers only: confirm page (GET), then delete (POST)."""
    lead = Lead.objects.select_related("status").filter(pk=pk).first()
    if lead is None:
        raise Http404
    if not can_delete_lead(request.user, lead):
        raise PermissionDenied
    if request.method == "POST":
        try:
            lead_delete(lead=lead, user=request.user)
        except LeadError as exc:
            messages.error(request, exc.message)
            return redirect("leads:detail", pk=pk)
        messages.success(request, _("Lead %(number)s wurde gelöscht.") % {"number": lead.number})
        return redirect("leads:list")
    return render(request, "leads/lead_confirm_delete.html", {"lead": lead})
