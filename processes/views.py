"""Views of the action-box processes on the lead (seed 002); thin over processes.services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import role_required
from activities.forms import MailDialogForm, PersonPickForm, TemplateChoiceForm, UserPickForm
from activities.mail import MailTemplateError, activity_queue_mail
from activities.models import ActivityKind, MailTemplate, TemplatePurpose
from activities.services import mail_is_sendable
from leads.action_box import permission_refusal
from leads.models import Lead
from processes import selectors
from processes import services as processes


def _refuse(request: HttpRequest, lead: Lead, exc: processes.ProcessError) -> HttpResponse:
    """A refused process changes nothing. A user who may not run it gets the German 403
    page (in the app layout, with the reason); a lead that does not meet the condition
    sends the user back to the lead page with the reason as a message."""
    if exc.forbidden:
        raise PermissionDenied(exc.message)
    messages.error(request, exc.message)
    if request.htmx:
        return HttpResponseClientRedirect(lead.get_absolute_url())
    return redirect(lead.get_absolute_url())


def process_view(key: str) -> Callable:
    """A process screen: the lead, and its action-box entry checked for GET and POST alike
    (`processes.process_entry`: the object permission and the process's condition); a
    refusal, also one a service raises while writing, goes through `_refuse`."""

    def decorator(view: Callable) -> Callable:
        @role_required()
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
            lead = get_object_or_404(Lead.objects.select_related("customer"), pk=pk)
            try:
                entry = processes.process_entry(lead, request.user, key)
                return view(request, lead, entry, **kwargs)
            except processes.ProcessError as exc:
                return _refuse(request, lead, exc)

        return wrapped

    return decorator


# --- 1. further contacts ------------------------------------------------------------------


@process_view("add_contacts")
def add_contacts(request: HttpRequest, lead: Lead, entry: dict) -> HttpResponse:
    form = PersonPickForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = processes.lead_add_contacts(
            lead=lead, persons=form.cleaned_data["persons"], user=request.user
        )
        messages.success(request, _("%(n)d Ansprechpartner hinzugefügt.") % {"n": added})
        return redirect(lead.get_absolute_url())
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


@process_view("add_contacts")
def contact_search(request: HttpRequest, lead: Lead, entry: dict) -> HttpResponse:
    q = request.GET.get("q", "")
    context = {"lead": lead, "q": q, "persons": selectors.persons_to_link(lead=lead, q=q)}
    return render(request, "processes/add_contacts.html#results", context)


# --- 2. and 4. mails from a template ------------------------------------------------------


def _choose_template(request: HttpRequest, lead: Lead, entry: dict, purpose: str) -> HttpResponse:
    templates = MailTemplate.objects.filter(purpose=purpose, active=True).order_by("rank", "name")
    form = TemplateChoiceForm(request.POST or None, templates=templates)
    if request.method == "POST" and form.is_valid():
        try:
            activity = processes.lead_create_mail_activity(
                lead=lead, template=form.cleaned_data["template"], user=request.user
            )
        except MailTemplateError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("processes:mail", pk=lead.pk, activity_pk=activity.pk)
    context = {
        "lead": lead,
        "form": form,
        "title": entry["label"],
        "lead_url": lead.get_absolute_url(),
    }
    return render(request, "processes/choose_template.html", context)


@process_view("appointment_confirmation")
def appointment_confirmation(request: HttpRequest, lead: Lead, entry: dict) -> HttpResponse:
    return _choose_template(request, lead, entry, TemplatePurpose.APPOINTMENT_CONFIRMATION)


@process_view("info_material")
def info_material(request: HttpRequest, lead: Lead, entry: dict) -> HttpResponse:
    return _choose_template(request, lead, entry, TemplatePurpose.INFO_MATERIAL)


@role_required()
def mail_dialog(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    """The mail a process created (a draft of its creator): edit, then send. The draft
    exists, so only the permission is checked again, not the process's condition."""
    lead = get_object_or_404(Lead.objects.select_related("customer"), pk=pk)
    activity = get_object_or_404(
        lead.activities.select_related("template").prefetch_related("documents"),
        pk=activity_pk,
        kind=ActivityKind.EMAIL_OUT,
    )
    refusal = permission_refusal(lead, request.user)
    if (
        not refusal
        and activity.delegated_by_id != request.user.pk
        and not request.user.is_superuser
    ):
        refusal = _("Diese E-Mail hat ein anderer Benutzer angelegt; nur er kann sie versenden.")
    if refusal:
        raise PermissionDenied(refusal)
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


@process_view("add_employees")
def add_employees(request: HttpRequest, lead: Lead, entry: dict) -> HttpResponse:
    form = UserPickForm(request.POST or None, exclude_ids=selectors.appointment_user_ids(lead))
    q = request.GET.get("q", "").strip()
    form.fields["users"].queryset = selectors.users_matching(form.fields["users"].queryset, q)
    if request.method == "POST" and form.is_valid():
        created = processes.lead_add_employees(
            lead=lead, users=form.cleaned_data["users"], user=request.user
        )
        messages.success(
            request, _("%(n)d Mitarbeiter zum Termin hinzugefügt.") % {"n": len(created)}
        )
        return redirect(lead.get_absolute_url())
    context = {"lead": lead, "form": form, "q": q, "lead_url": lead.get_absolute_url()}
    return render(request, "processes/add_employees.html", context)
