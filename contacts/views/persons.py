"""Person list, person card (lead status under Kategorie), create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from contacts import selectors, services
from contacts.errors import ConflictError, ContactError
from contacts.forms import PersonForm, keep_stored_version
from contacts.models import Company, Person
from contacts.permissions import can_merge_persons
from contacts.views.common import decorate_persons, int_param, table_context
from ui.idempotency import Submission


@role_required()
def person_list(request):
    q = request.GET.get("q", "").strip()[:100]
    lead_status_id = int_param(request.GET.get("ls"))
    qs = selectors.person_list(q=q, lead_status_id=lead_status_id)
    context = {
        "q": q,
        "ls": lead_status_id,
        "lead_statuses": selectors.lead_statuses(),
        "pager": selectors.page_of(qs, page=int_param(request.GET.get("page"), 1)),
        **table_context(request, key="person_list"),
    }
    decorate_persons(context["pager"]["rows"], context["columns"])
    template = "contacts/person_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(request, template, context)


def _get_person(pk: int) -> Person:
    try:
        return selectors.person_detail(pk=pk)
    except Person.DoesNotExist:
        raise Http404(_("Diese Person gibt es nicht (mehr).")) from None


@role_required()
def person_detail(request, pk: int):
    person = _get_person(pk)
    context = {
        "person": person,
        "leads": selectors.person_leads(person=person),
        "can_merge": can_merge_persons(request.user),
    }
    return render(request, "contacts/person_detail.html", context)


def _save_person(request, form, person: Person | None):
    data = form.service_data()
    if person is None:
        return services.person_create(data=data, user=request.user)
    return services.person_update(
        person=person,
        data=data,
        user=request.user,
        expected_version=form.cleaned_data.get("version"),
    )


@role_required()
def person_create(request):
    initial = {}
    company_id = int_param(request.GET.get("company"))
    if company_id and Company.objects.filter(pk=company_id).exists():
        initial["company"] = company_id
    form = PersonForm(request.POST or None, initial=initial)
    submission = Submission(request, scope="person")
    if request.method == "POST" and form.is_valid():
        if repeated := submission.claim(fallback_url=reverse("contacts:person_list")):
            return repeated
        try:
            person = _save_person(request, form, None)
        except ContactError as exc:
            submission.release()
            form.add_error(None, str(exc))
        else:
            url = reverse("contacts:person_detail", kwargs={"pk": person.pk})
            submission.done(url)
            messages.success(request, _("Die Person „%s“ wurde angelegt.") % person)
            return redirect(url)
    return render(request, "contacts/person_form.html", {"form": form, "submission": submission})


@role_required()
def person_edit(request, pk: int):
    person = _get_person(pk)
    # the form works on its own copy: a rejected POST must not change the card shown beside it
    form = PersonForm(request.POST or None, instance=_get_person(pk))
    if request.method == "POST" and form.is_valid():
        try:
            _save_person(request, form, person)
        except ConflictError as exc:
            form.add_error(None, str(exc))
            keep_stored_version(form, Person.objects.get(pk=pk).version)
        except ContactError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Die Person wurde gespeichert."))
            return redirect("contacts:person_detail", pk=pk)
    return render(request, "contacts/person_form.html", {"form": form, "person": person})
