"""Every factory builds a valid row with the default lists of the data migrations."""

import pytest
from django.core import mail

from accounts.models import Role
from tests import factories as f


@pytest.mark.smoke
@pytest.mark.django_db
@pytest.mark.parametrize(
    "factory",
    [
        f.UserFactory,
        f.CategoryGroupFactory,
        f.CategoryFactory,
        f.LeadStatusFactory,
        f.CompanyFactory,
        f.PersonFactory,
        f.CampaignFactory,
        f.LeadFactory,
        f.LeadContactFactory,
        f.OpportunityFactory,
        f.DocumentFactory,
        f.MailTemplateFactory,
        f.ActivityFactory,
        f.NotificationFactory,
        f.JobFactory,
        f.SelectionFactory,
    ],
    ids=lambda fac: fac.__name__,
)
def test_factory_creates_valid_row(factory):
    obj = factory()
    obj.full_clean()
    assert obj.pk


@pytest.mark.django_db
@pytest.mark.parametrize("trait", ["appointment", "email_out", "call", "task"])
def test_activity_traits(trait):
    activity = f.ActivityFactory(**{trait: True})
    activity.full_clean()
    assert activity.kind != "note"


@pytest.mark.django_db
def test_lead_defaults_and_lookups():
    lead = f.LeadFactory(
        source=f.source("Messe"),
        type=f.lead_type("SQL"),
        interests=["Windkraft", f.interest("Photovoltaik")],
    )
    assert lead.status == f.status("Offen") == f.default_status()
    assert lead.number.startswith("L-")
    assert sorted(lead.interests.values_list("name", flat=True)) == ["Photovoltaik", "Windkraft"]
    assert lead.display_name


@pytest.mark.django_db
def test_user_roles_and_password(client):
    user = f.UserFactory(roles=[Role.SALES, Role.MARKETING])
    assert user.has_role(Role.SALES) and user.has_role(Role.MARKETING)
    assert not user.is_manager
    assert user.check_password(f.PASSWORD)


def test_personas(rep, teammate, manager, marketing, staff_admin, outsider):
    assert rep.has_role(Role.SALES) and teammate.has_role(Role.SALES)
    assert manager.is_manager
    assert marketing.has_role(Role.MARKETING) and not marketing.has_role(Role.SALES)
    assert staff_admin.is_staff and staff_admin.is_superuser
    assert not outsider.has_any_role


def test_email_goes_to_outbox(settings):
    from django.core.mail import send_mail

    send_mail("Betreff", "Text", "crm@leadcrm.example", ["kunde@example.de"])
    assert settings.EMAIL_BACKEND == "anymail.backends.test.EmailBackend"
    assert len(mail.outbox) == 1
