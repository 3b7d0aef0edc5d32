"""Unsubscribe: headers in the sent mail, the signed public link, the opt-out it records."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from leads.models import ConsentAction
from sequences.jobs.steps import run_due_steps
from sequences.models import EnrolmentState, StopReason
from sequences.unsubscribe import unsubscribe_token, unsubscribe_url
from tests.sequences.conftest import monday_10

pytestmark = pytest.mark.django_db


def test_sent_mail_carries_rfc8058_headers_and_the_link(
    enrolment, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_due_steps(now=monday_10())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    url = unsubscribe_url(enrolment.pk)
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    assert message.to == [lead.email]


def test_other_mails_get_no_unsubscribe_header(rep, django_capture_on_commit_callbacks):
    from leads.services.quick_log import lead_log_activity
    from tests.factories.leads import LeadFactory

    lead = LeadFactory(follow_up_by=rep)
    with django_capture_on_commit_callbacks(execute=True):
        lead_log_activity(
            lead=lead,
            kind="email_out",
            data={"subject": "Hallo", "body": "Text", "mail_to": lead.email},
            user=rep,
        )
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


@pytest.mark.parametrize("token", ["kaputt", "1:falsch", "999999:" + "x" * 27, "%00"])
def test_bad_token_is_a_400_page(token):
    response = Client().get(reverse("sequences:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "ungültig" in response.content.decode()
    assert Client().post(reverse("sequences:unsubscribe", args=[token])).status_code == 400


def test_unknown_enrolment_is_a_400_page():
    url = reverse("sequences:unsubscribe", args=[unsubscribe_token(987654)])
    assert Client().post(url).status_code == 400


def test_get_only_asks_post_unsubscribes_without_login_or_csrf(enrolment, lead):
    url = reverse("sequences:unsubscribe", args=[unsubscribe_token(enrolment.pk)])
    client = Client(enforce_csrf_checks=True)
    response = client.get(url)
    assert response.status_code == 200 and "Jetzt abmelden" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.ACTIVE
    # the mail client's one-click POST (RFC 8058) comes without our CSRF token
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.stop_reason) == (
        EnrolmentState.STOPPED,
        StopReason.UNSUBSCRIBED,
    )
    assert lead.consents.order_by("-id").first().action == ConsentAction.WITHDRAWN
    client.post(url)  # twice: one withdrawal only
    assert lead.consents.filter(action=ConsentAction.WITHDRAWN).count() == 1
