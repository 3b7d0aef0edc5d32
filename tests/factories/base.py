"""What every factory module shares: German fake data, and the lookup lists (status,
categories, sources, types, interests) of the data migrations, fetched by name and
reloaded after a flush (`ensure_defaults()`)."""

import factory
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission

from accounts.models import Role
from contacts.models import Category, CategoryGroup, LeadStatus
from leads.models import Interest, LeadSource, LeadType

PASSWORD = "pw-Test-12345"
LOCALE = "de_DE"


def fake(provider: str, **kwargs):
    return factory.Faker(provider, locale=LOCALE, **kwargs)


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
    lead_defaults.load_default_rule(django_apps)
    lead_defaults.load_lost_reasons(django_apps)
    activity_defaults.load(django_apps)
    schedules.load(django_apps)
    ensure_role_groups()


def ensure_role_groups() -> None:
    """Recreate the role groups with their permissions (after a flush).

    Mirrors accounts.roles.sync without its create_permissions step, which must not run
    on the global app registry (permissions are recreated by flush's post_migrate).
    """
    from accounts.roles import DELETE_ROLES, EXTRA_PERMISSIONS, FULL, ROLE_PERMISSIONS

    for role, grants in ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=role)
        if not created and group.permissions.exists():
            continue
        wanted = [(app, f"{a}_{m}") for app, ms in grants.items() for m in ms for a in FULL]
        wanted += [
            (app, f"delete_{m}") for app, ms in DELETE_ROLES.get(role, {}).items() for m in ms
        ]
        wanted += EXTRA_PERMISSIONS.get(role, [])
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
