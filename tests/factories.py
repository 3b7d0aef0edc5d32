"""factory-boy factories for every LeadCRM model, with realistic German data.

Lookup lists (lead status, categories, sources, types, interests) are NOT invented by
factories: the data migrations create the defaults, and the helpers `status("Offen")`,
`category("Lead")`, `source("Messe")`, `lead_type("SQL")`, `interest("Windkraft")` fetch
them by name. Transactional tests (live_server, `django_db(transaction=True)`) flush the
database after each test, so the helpers reload the defaults when they are missing
(`ensure_defaults()`), and `UserFactory(roles=[...])` recreates missing role groups.

Usage:
    rep = UserFactory(roles=[Role.SALES])
    lead = LeadFactory(follow_up_by=rep, status=status("Kontaktiert"), interests=["Windkraft"])
    appt = ActivityFactory(appointment=True, delegated_to=rep)
"""

import datetime as dt
from decimal import Decimal

import factory
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from activities.models import (
    Activity,
    ActivityKind,
    Document,
    MailState,
    MailTemplate,
    TemplatePurpose,
)
from boards.models import Selection, SelectionKind, SelectionTarget
from contacts.models import Category, CategoryGroup, Company, GroupKind, LeadStatus, Person
from leads.models import (
    Campaign,
    Interest,
    Lead,
    LeadContact,
    LeadSource,
    LeadType,
    Opportunity,
    OpportunityKind,
)
from leads.services.numbering import next_lead_number
from notifications.models import Job, Kind, Notification, Priority

PASSWORD = "pw-Test-12345"
LOCALE = "de_DE"


def fake(provider: str, **kwargs):
    return factory.Faker(provider, locale=LOCALE, **kwargs)


# --------------------------------------------------------------------------- defaults


def ensure_defaults() -> None:
    """Reload the default rows of the data migrations where missing (idempotent, cheap)."""
    if (
        LeadStatus.objects.filter(is_default=True).exists()
        and Group.objects.filter(name=Role.SALES).exists()
    ):
        return
    from activities import defaults as activity_defaults
    from contacts import defaults as contact_defaults
    from leads import defaults as lead_defaults
    from notifications import schedules

    contact_defaults.load(django_apps)
    lead_defaults.load(django_apps)
    activity_defaults.load(django_apps)
    schedules.load(django_apps)
    ensure_role_groups()


def ensure_role_groups() -> None:
    """Recreate the role groups with their permissions (after a flush).

    Mirrors accounts.roles.sync without its create_permissions step, which must not run
    on the global app registry (permissions are recreated by flush's post_migrate).
    """
    from accounts.roles import DELETE_ROLES, FULL, ROLE_PERMISSIONS

    for role, grants in ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=role)
        if not created and group.permissions.exists():
            continue
        wanted = [(app, f"{a}_{m}") for app, ms in grants.items() for m in ms for a in FULL]
        wanted += [
            (app, f"delete_{m}") for app, ms in DELETE_ROLES.get(role, {}).items() for m in ms
        ]
        perms = [
            p
            for app, codename in wanted
            for p in Permission.objects.filter(content_type__app_label=app, codename=codename)
        ]
        group.permissions.set(perms)


def _lookup(model, **filters):
    try:
        return model.objects.get(**filters)
    except model.DoesNotExist:
        ensure_defaults()
        return model.objects.get(**filters)


def status(name: str) -> LeadStatus:
    """A lead status of the default list by name ("Offen", "Kontaktiert", "Konvertiert", …)."""
    return _lookup(LeadStatus, name=name)


def default_status() -> LeadStatus:
    return _lookup(LeadStatus, is_default=True)


def category(name: str) -> Category:
    """A default category by name ("Lead", "Kunde", "Partner", …)."""
    return _lookup(Category, name=name)


def category_group(name: str) -> CategoryGroup:
    return _lookup(CategoryGroup, name=name)


def source(name: str) -> LeadSource:
    """A default lead source ("Messe", "Webseite", "Empfehlung", …)."""
    return _lookup(LeadSource, name=name)


def lead_type(name: str) -> LeadType:
    """A default lead type ("MQL", "SQL", "PQL", "Service-QL", "Information-QL")."""
    return _lookup(LeadType, name=name)


def interest(name: str) -> Interest:
    """A default interest ("Photovoltaik", "Windkraft", …)."""
    return _lookup(Interest, name=name)


def _as_obj(value, lookup):
    return lookup(value) if isinstance(value, str) else value


def _german_phone(prefix: str):
    """Valid German numbers: landline area codes take 7 digits, mobile prefixes 8."""
    if prefix.startswith("1"):
        return factory.Sequence(lambda n: f"+49 {prefix} {10000000 + n % 89999999}")
    return factory.Sequence(lambda n: f"+49 {prefix} {1000000 + n % 8999999}")


# --------------------------------------------------------------------------- accounts


class UserFactory(DjangoModelFactory):
    """A user; `UserFactory(roles=[Role.SALES])` puts them in the role groups."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"benutzer{n}")
    first_name = fake("first_name")
    last_name = fake("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@vertrieb.example.de")
    password = factory.django.Password(PASSWORD)
    is_active = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for name in extracted:
            group = Group.objects.filter(name=name).first()
            if group is None:
                ensure_role_groups()
                group, _ = Group.objects.get_or_create(name=name)
            self.groups.add(group)
        self.__dict__.pop("_role_names", None)


class StaffAdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


# --------------------------------------------------------------------------- contacts


class CategoryGroupFactory(DjangoModelFactory):
    class Meta:
        model = CategoryGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kategoriengruppe {n}")
    kind = GroupKind.PROSPECT
    rank = factory.Sequence(lambda n: 100 + n)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kategorie {n}")
    group = factory.SubFactory(CategoryGroupFactory)
    lead_status_enabled = factory.LazyAttribute(lambda c: c.group.kind == GroupKind.PROSPECT)
    rank = factory.Sequence(lambda n: 100 + n)
    active = True


class LeadStatusFactory(DjangoModelFactory):
    """Only for extra statuses; prefer `status(name)` for the default list."""

    class Meta:
        model = LeadStatus
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Status {n}")
    phase = "working"
    rank = factory.Sequence(lambda n: 100 + n)
    colour = "#6c757d"
    is_default = False


class CompanyFactory(DjangoModelFactory):
    """A company in the prospect category "Lead" (lead status applies) unless told otherwise."""

    class Meta:
        model = Company

    name = fake("company")
    category = factory.LazyFunction(lambda: category("Lead"))
    street = fake("street_address")
    postal_code = fake("postcode")
    city = fake("city")
    country = "DE"
    phone = _german_phone("89")
    email = factory.Sequence(lambda n: f"info{n}@firma-beispiel.de")
    website = factory.Sequence(lambda n: f"https://www.firma{n}-beispiel.de")
    industry = factory.Iterator(["Maschinenbau", "Energie", "Handel", "Bau", "Logistik"])
    owner = None


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        female = factory.Faker("pybool")

    company = factory.SubFactory(CompanyFactory)
    salutation = factory.LazyAttribute(lambda p: "Frau" if p.female else "Herr")
    first_name = factory.Maybe(
        "female", yes_declaration=fake("first_name_female"), no_declaration=fake("first_name_male")
    )
    last_name = fake("last_name")
    function = factory.Iterator(
        ["Geschäftsführer", "Einkaufsleitung", "Technischer Leiter", "Projektleitung"]
    )
    email = factory.LazyAttributeSequence(
        lambda p, n: f"{slugify(p.first_name)}.{slugify(p.last_name)}{n}@kunde-beispiel.de"
    )
    phone = _german_phone("30")
    mobile = _german_phone("151")
    owner = None
    lead_status = None


# --------------------------------------------------------------------------- leads


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Frühjahrsaktion {2026 + n // 100}-{n}")
    slug = factory.LazyAttribute(lambda c: slugify(c.name))
    description = "Kampagne zur Gewinnung neuer Interessenten."
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=14))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    active = True


class LeadFactory(DjangoModelFactory):
    """A lead in the default status ("Offen"); `interests=["Windkraft", obj]` sets interests."""

    class Meta:
        model = Lead
        skip_postgeneration_save = True

    class Params:
        female = factory.Faker("pybool")

    number = factory.LazyFunction(next_lead_number)
    company_name = fake("company")
    salutation = factory.LazyAttribute(lambda o: "Frau" if o.female else "Herr")
    first_name = factory.Maybe(
        "female", yes_declaration=fake("first_name_female"), no_declaration=fake("first_name_male")
    )
    last_name = fake("last_name")
    status = factory.LazyFunction(default_status)
    source = None
    type = None
    function = "Einkaufsleitung"
    street = fake("street_address")
    postal_code = fake("postcode")
    city = fake("city")
    country = "DE"
    phone = _german_phone("40")
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{slugify(o.first_name)}.{slugify(o.last_name)}{n}@interessent-beispiel.de"
    )

    @factory.post_generation
    def interests(self, create, extracted, **kwargs):
        if create and extracted:
            self.interests.set([_as_obj(i, interest) for i in extracted])


class LeadContactFactory(DjangoModelFactory):
    class Meta:
        model = LeadContact

    lead = factory.SubFactory(LeadFactory)
    person = factory.SubFactory(PersonFactory)
    is_main = False


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity

    kind = OpportunityKind.OFFER
    title = factory.Sequence(lambda n: f"Angebot Photovoltaikanlage {n}")
    company = factory.SubFactory(CompanyFactory)
    person = factory.SubFactory(PersonFactory, company=factory.SelfAttribute("..company"))
    lead = None
    amount = factory.Sequence(lambda n: Decimal("25000.00") + n * 1000)
    expected_close = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=45))
    description = "Angebot nach Vor-Ort-Termin."
    owner = None


# --------------------------------------------------------------------------- activities


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Produktinformation {n}")
    file = factory.django.FileField(
        filename="produktinformation.pdf", data=b"%PDF-1.4\n% LeadCRM test document\n%%EOF\n"
    )
    uploaded_by = None


class MailTemplateFactory(DjangoModelFactory):
    class Meta:
        model = MailTemplate
        django_get_or_create = ("purpose", "name")

    name = factory.Sequence(lambda n: f"Vorlage {n}")
    purpose = TemplatePurpose.INFO_MATERIAL
    subject = "Ihre Informationen von uns"
    body = (
        "Guten Tag {{ contact.full_name }},\n\nanbei unser Informationsmaterial.\n\n"
        "Mit freundlichen Grüßen\n{{ user.full_name }}"
    )
    rank = factory.Sequence(lambda n: 100 + n)
    active = True


def _next_workday_at(hour: int):
    start = timezone.localtime() + dt.timedelta(days=1)
    return start.replace(hour=hour, minute=0, second=0, microsecond=0)


class ActivityFactory(DjangoModelFactory):
    """A note by default; traits `appointment=True`, `email_out=True`, `call=True`, `task=True`."""

    class Meta:
        model = Activity

    kind = ActivityKind.NOTE
    subject = factory.Sequence(lambda n: f"Gesprächsnotiz {n}")
    body = "Kunde interessiert sich für eine Photovoltaikanlage auf dem Hallendach."
    person = factory.SubFactory(PersonFactory)
    company = factory.LazyAttribute(lambda a: a.person.company if a.person else None)

    class Params:
        appointment = factory.Trait(
            kind=ActivityKind.APPOINTMENT,
            subject=factory.Sequence(lambda n: f"Termin vor Ort {n}"),
            start=factory.LazyFunction(lambda: _next_workday_at(10)),
            end=factory.LazyAttribute(lambda a: a.start + dt.timedelta(hours=1)),
        )
        email_out = factory.Trait(
            kind=ActivityKind.EMAIL_OUT,
            subject="Ihre Anfrage über unsere Webseite",
            mail_to=factory.LazyAttribute(lambda a: a.person.email if a.person else ""),
            mail_state=MailState.DRAFT,
        )
        call = factory.Trait(kind=ActivityKind.CALL, subject="Telefonat zur Bedarfsklärung")
        task = factory.Trait(
            kind=ActivityKind.TASK,
            subject="Angebot vorbereiten",
            start=factory.LazyFunction(lambda: _next_workday_at(9)),
        )


# --------------------------------------------------------------------------- notifications


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Kind.ENTITY
    priority = Priority.B
    title = factory.Sequence(lambda n: f"Neuer Lead zugewiesen ({n})")
    text = "Bitte nehmen Sie innerhalb von 24 Stunden Kontakt auf."
    url = ""


class JobFactory(DjangoModelFactory):
    class Meta:
        model = Job

    kind = "bulk_update"
    title = "Massenänderung Leads"
    created_by = factory.SubFactory(UserFactory)


# --------------------------------------------------------------------------- boards


class SelectionFactory(DjangoModelFactory):
    class Meta:
        model = Selection

    name = factory.Sequence(lambda n: f"Meine Selektion {n}")
    owner = factory.SubFactory(UserFactory)
    shared = False
    target = SelectionTarget.LEAD
    kind = SelectionKind.DYNAMIC
    criteria = factory.LazyFunction(list)
