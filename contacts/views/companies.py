"""Company list, company card with section tabs, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from contacts import selectors, services
from contacts.errors import ConflictError, ContactError
from contacts.forms import CompanyForm, keep_stored_version
from contacts.models import Company
from contacts.rules import lead_status_applies
from contacts.views.common import decorate_persons, int_param, table_context
from ui.idempotency import Submission

TABS = ("persons", "activities", "leads", "history")
PERSONS_TAB_LIMIT = 200


@role_required()
def company_list(request):
    q = request.GET.get("q", "").strip()[:100]
    category_id = int_param(request.GET.get("category"))
    qs = selectors.company_list(q=q, category_id=category_id)
    context = {
        "q": q,
        "category_id": category_id,
        "category_choices": selectors.category_choices(),
        "pager": selectors.page_of(qs, page=int_param(request.GET.get("page"), 1)),
        **table_context(request, key="company_list"),
    }
    template = "contacts/company_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(request, template, context)


def _get_company(pk: int) -> Company:
    try:
        return selectors.company_detail(pk=pk)
    except Company.DoesNotExist:
        raise Http404(_("Diese Firma gibt es nicht (mehr).")) from None


@role_required()
def company_detail(request, pk: int):
    company = _get_company(pk)
    tab = request.GET.get("tab", "persons")
    if tab not in TABS:
        tab = "persons"
    context = {"company": company, "tab": tab}
    if tab == "persons":
        lead_status = request.GET.get("ls", "")[:10]
        group_by = "lead_status" if request.GET.get("group") == "lead_status" else ""
        persons = list(
            selectors.company_persons(company=company, lead_status=lead_status, group_by=group_by)[
                : PERSONS_TAB_LIMIT + 1
            ]
        )
        context["persons_truncated"] = len(persons) > PERSONS_TAB_LIMIT
        persons = persons[:PERSONS_TAB_LIMIT]
        context.update(
            persons=persons,
            ls=lead_status,
            group_by=group_by,
            lead_statuses=selectors.lead_statuses(),
            lead_status_applies=lead_status_applies(company.category),
            **table_context(request, key="company_persons"),
        )
        decorate_persons(persons, context["columns"])
    elif tab == "leads":
        context["leads"] = selectors.company_leads(company=company)
    elif tab == "history":
        context["history"] = selectors.company_history(company=company)
    # the activities tab loads activities:subarea?company=<pk> itself (hx-trigger="load")
    template = "contacts/company_detail.html"
    if request.htmx and request.htmx.target == "company-tabs":
        template += "#tabs"
    return render(request, template, context)


@role_required()
def company_create(request):
    form = CompanyForm(request.POST or None)
    submission = Submission(request, scope="company")
    if request.method == "POST" and form.is_valid():
        if repeated := submission.claim(fallback_url=reverse("contacts:company_list")):
            return repeated
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            company = services.company_create(data=data, user=request.user)
        except ContactError as exc:
            submission.release()
            form.add_error(None, str(exc))
        else:
            url = reverse("contacts:company_detail", kwargs={"pk": company.pk})
            submission.done(url)
            messages.success(request, _("Die Firma „%s“ wurde angelegt.") % company)
            return redirect(url)
    return render(request, "contacts/company_form.html", {"form": form, "submission": submission})


@role_required()
def company_edit(request, pk: int):
    company = _get_company(pk)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.company_update(
                company=company,
                data=data,
                user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
            keep_stored_version(form, Company.objects.get(pk=pk).version)
        except ContactError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Die Firma wurde gespeichert."))
            return redirect("contacts:company_detail", pk=pk)
    return render(request, "contacts/company_form.html", {"form": form, "company": company})


@role_required()
def company_options(request):
    """<option>s of companies whose name contains ?company_q= (company search in forms)."""
    q = request.GET.get("company_q", "").strip()[:100]
    companies = list(Company.objects.filter(name__icontains=q).only("id", "name")[:20]) if q else []
    return render(request, "contacts/_company_options.html", {"companies": companies, "q": q})
