"""`manage.py setup_demo` builds a realistic data set once and never duplicates it."""

from io import StringIO

import phonenumbers
import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from activities.models import Activity
from boards.models import Selection
from contacts.models import Company, LeadStatus, Person
from leads.models import Campaign, Lead, LeadContact, LeadRating, LeadStatusChange
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

COUNTED = [
    User,
    Company,
    Person,
    Campaign,
    Lead,
    LeadRating,
    LeadStatusChange,
    LeadContact,
    Activity,
    Notification,
    Selection,
    LeadStatus,
]


def _run() -> str:
    out = StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.mark.smoke
def test_setup_demo_twice_gives_the_same_data(settings):
    settings.DEBUG = True
    first_output = _run()
    first = _counts()
    second_output = _run()
    assert _counts() == first
    assert "LeadCRM-Demo-2026" in first_output
    assert "LeadCRM-Demo-2026" not in second_output  # credentials printed once
    assert first["Lead"] == 120 and first["Company"] == 25 and first["Person"] >= 55


def test_demo_data_is_consistent(settings):
    settings.DEBUG = True
    _run()
    assert User.objects.get(username="leitung").has_role(Role.SALES_MANAGER)
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="vertrieb").check_password("LeadCRM-Demo-2026")
    # every status is used, and each lead's last status change ends in its status
    assert set(Lead.objects.values_list("status", flat=True)) == set(
        LeadStatus.objects.values_list("pk", flat=True)
    )
    for lead in Lead.objects.prefetch_related("status_changes"):
        changes = list(lead.status_changes.all())
        assert changes[0].from_status_id is None
        assert changes[-1].to_status_id == lead.status_id
        assert (lead.closed_at is not None) == lead.status.is_terminal
    overdue = Lead.objects.open().filter(follow_up_until__lt=timezone.localdate())
    assert overdue.exists()
    assert Notification.objects.filter(kind=Kind.FOLLOW_UP_OVERDUE).count() == overdue.count()
    # the default rule (round robin over Vertrieb) gave every lead without owner one
    assert not Lead.objects.open().filter(follow_up_by=None, merged_into=None).exists()
    assert Lead.objects.open().filter(planned_start__gt=timezone.now()).exists()
    assert LeadContact.objects.filter(is_main=True).count() > 20
    assert Lead.objects.filter(score__gt=0).count() == Lead.objects.count()
    for phone in Person.objects.values_list("phone", flat=True):
        assert phonenumbers.is_valid_number(phonenumbers.parse(str(phone)))
    assert Selection.objects.count() == 2


def test_without_debug_only_lists_are_loaded(settings):
    settings.DEBUG = False
    output = _run()
    assert "DEBUG ist aus" in output
    assert not Lead.objects.exists()
    assert not User.objects.filter(username="vertrieb").exists()
