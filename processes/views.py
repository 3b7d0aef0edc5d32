"""Views of the action-box processes on the lead (seed 002); thin over processes.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from activities.forms import MailDialogForm, PersonPickForm, TemplateChoiceForm, UserPickForm
from activities.mail import MailTemplateError, activity_queue_mail
from activities.models import ActivityKind, MailTemplate, TemplatePurpose
from activities.services import mail_is_sendable
from leads.models import Lead
from leads.permissions import can_edit_lead
from processes import selectors
from processes import services as processes


def _lead_for_process(request: HttpRequest, pk: int) -> Lead:
    lead = get_object_or_404(Lead.objects.select_related("customer"), pk=pk)
    if not can_edit_lead(request.user, lead):
        raise PermissionDenied
    return lead


def _refuse(request: HttpRequest, lead: Lead, exc: processes.ProcessError) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect(lead.get_absolute_url())


# --- 1. further contacts ------------------------------------------------------------------


@role_required()
def add_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead_for_process(request, pk)
    form = PersonPickForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = processes.lead_add_contacts(
                lead=lead, persons=form.cleaned_data["persons"], user=request.user
            )
        except processes.ProcessError as exc:
            return _refuse(request, lead, exc)
        messages.success(request, _("%(n)d Ansprechpartner hinzugefügt.") % {"n": added})
        return redirect(lead.get_absolute_url())
    if request.method == "GET":
        try:
            processes.process_entry(lead, request.user, "add_contacts")
        except processes.ProcessError as exc:
            return _refuse(request, lead, exc)
    q = request.GET.get("q", "")
    context = {
        "lead": lead,
        "form": form,
        "q": q,
        "persons": selectors.persons_to_link(lead=lead, q=q),
        "current": processes.further_contacts(lead),
        "lead_url": lead.get_absolute_url(),
    }
    return render(request, "processes/add_contacts.html", context)


@role_required()
def contact_search(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead_for_process(request, pk)
    q = request.GET.get("q", "")
    context = {"lead": lead, "q": q, "persons": selectors.persons_to_link(lead=lead, q=q)}
    return render(request, "processes/add_contacts.html#results", context)


# --- 2. and 4. mails from a template ------------------------------------------------------


def _choose_template(request: HttpRequest, pk: int, purpose: str) -> HttpResponse:
    lead = _lead_for_process(request, pk)
    key = (
        "appointment_confirmation"
        if purpose == TemplatePurpose.APPOINTMENT_CONFIRMATION
        else "info_material"
    )
    try:
        entry = processes.process_entry(lead, request.user, key)
    except processes.ProcessError as exc:
        return _refuse(request, lead, exc)
    templates = MailTemplate.objects.filter(purpose=purpose, active=True).order_by("rank", "name")
    form = TemplateChoiceForm(request.POST or None, templates=templates)
    if request.method == "POST" and form.is_valid():
        try:
            activity = processes.lead_create_mail_activity(
                lead=lead, template=form.cleaned_data["template"], user=request.user
            )
        except MailTemplateError as exc:
            form.add_error(None, exc.message)
        except processes.ProcessError as exc:
            return _refuse(request, lead, exc)
        else:
            return redirect("processes:mail", pk=lead.pk, activity_pk=activity.pk)
    context = {
        "lead": lead,
        "form": form,
        "title": entry["label"],
        "lead_url": lead.get_absolute_url(),
    }
    return render(request, "processes/choose_template.html", context)


@role_required()
def appointment_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    return _choose_template(request, pk, TemplatePurpose.APPOINTMENT_CONFIRMATION)


@role_required()
def info_material(request: HttpRequest, pk: int) -> HttpResponse:
    return _choose_template(request, pk, TemplatePurpose.INFO_MATERIAL)


@role_required()
def mail_dialog(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    lead = _lead_for_process(request, pk)
    activity = get_object_or_404(
        lead.activities.select_related("template").prefetch_related("documents"),
        pk=activity_pk,
        kind=ActivityKind.EMAIL_OUT,
    )
    if activity.delegated_by_id != request.user.pk and not request.user.is_staff:
        raise PermissionDenied
    sendable = mail_is_sendable(activity)
    initial = {
        "mail_to": activity.mail_to,
        "mail_cc": activity.mail_cc,
        "subject": activity.subject,
        "body": activity.body,
        "version": activity.version,
    }
    form = MailDialogForm(request.POST or None, initial=initial)
    if request.method == "POST" and sendable and form.is_valid():
        data = form.cleaned_data
        if data["version"] != activity.version:
            form.add_error(None, _("Die E-Mail wurde inzwischen geändert. Bitte neu laden."))
        else:
            try:
                activity_queue_mail(
                    activity=activity,
                    subject=data["subject"],
                    body=data["body"],
                    mail_to=data["mail_to"],
                    mail_cc=data["mail_cc"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(
                    request, _("Die E-Mail „%(s)s“ wird versendet.") % {"s": activity.subject}
                )
                return redirect(lead.get_absolute_url())
    context = {
        "lead": lead,
        "activity": activity,
        "form": form,
        "sendable": sendable,
        "has_ics": activity.template_id
        and activity.template.purpose == TemplatePurpose.APPOINTMENT_CONFIRMATION,
        "lead_url": lead.get_absolute_url(),
    }
    return render(request, "processes/mail_dialog.html", context)


# --- 3. employees to the appointment ------------------------------------------------------


@role_required()
def add_employees(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead_for_process(request, pk)
    try:
        processes.process_entry(lead, request.user, "add_employees")
    except processes.ProcessError as exc:
        return _refuse(request, lead, exc)
    form = UserPickForm(request.POST or None, exclude_ids=selectors.appointment_user_ids(lead))
    q = request.GET.get("q", "").strip()
    form.fields["users"].queryset = selectors.users_matching(form.fields["users"].queryset, q)
    if request.method == "POST" and form.is_valid():
        try:
            created = processes.lead_add_employees(
                lead=lead, users=form.cleaned_data["users"], user=request.user
            )
        except processes.ProcessError as exc:
            return _refuse(request, lead, exc)
        messages.success(
            request, _("%(n)d Mitarbeiter zum Termin hinzugefügt.") % {"n": len(created)}
        )
        return redirect(lead.get_absolute_url())
    context = {"lead": lead, "form": form, "q": q, "lead_url": lead.get_absolute_url()}
    return render(request, "processes/add_employees.html", context)
