"""Issue 19, point 4 (mail): a subject with a line break is refused in the dialog and the
service; a mail that fails for a non-transient reason is marked failed with the reason,
never retried without end."""

import pytest
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.core.exceptions import ValidationError

from activities import mail
from activities.forms import MailDialogForm
from activities.models import Activity, ActivityKind, MailState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _queued(**fields):
    return Activity.objects.create(
        kind=ActivityKind.EMAIL_OUT,
        subject=fields.pop("subject", "Terminbestätigung"),
        body="Guten Tag",
        mail_to="maria.schulz@kunde.de",
        mail_state=MailState.QUEUED,
        delegated_by=UserFactory(email="rep@firma.de"),
        **fields,
    )


@pytest.mark.parametrize("subject", ["Angebot\r\nBcc: alle@x.de", "Zeile\nzwei", "a\u2028b"])
def test_dialog_refuses_a_subject_with_a_line_break(subject):
    form = MailDialogForm(data={"mail_to": "a@b.de", "subject": subject, "body": "x", "version": 1})
    assert not form.is_valid()
    assert "Zeilenumbruch" in str(form.errors["subject"])


def test_service_refuses_a_subject_with_a_line_break():
    activity = _queued()
    with pytest.raises(ValidationError, match="Zeilenumbruch"):
        mail.activity_queue_mail(
            activity=activity, subject="A\nB", body="x", mail_to="a@b.de", mail_cc="", user=None
        )


def test_stored_subject_with_line_break_fails_once_with_the_reason(mailoutbox):
    """Written before the check (or by code): it used to stay queued, retried for ever."""
    activity = _queued(subject="Angebot\nBcc: alle@x.de")
    mail.activity_send_mail(activity_id=activity.pk)
    activity.refresh_from_db()
    assert activity.mail_state == MailState.FAILED
    assert "Versand fehlgeschlagen" in activity.mail_error
    assert mailoutbox == []
    assert activity.pk not in mail.queued_mail_ids(older_than_minutes=-1)


class _ApiError(AnymailAPIError):
    def __init__(self, status):
        Exception.__init__(self, f"ESP answered {status}")
        self.status_code = status

    def __str__(self):
        return self.args[0]


@pytest.mark.parametrize(
    ("exc", "final"),
    [
        (AnymailRecipientsRefused("refused"), True),
        (_ApiError(422), True),
        (_ApiError(429), False),
        (_ApiError(503), False),
    ],
)
def test_permanent_esp_refusals_are_final(exc, final, monkeypatch):
    activity = _queued()

    def refuse(self, *args, **kwargs):
        raise exc

    monkeypatch.setattr("anymail.message.AnymailMessage.send", refuse)
    if final:
        mail.activity_send_mail(activity_id=activity.pk)
    else:
        with pytest.raises(mail.MailSendError):
            mail.activity_send_mail(activity_id=activity.pk)
    activity.refresh_from_db()
    assert activity.mail_state == (MailState.FAILED if final else MailState.QUEUED)
    assert activity.mail_error


def test_a_mail_past_its_attempts_is_failed_not_requeued(monkeypatch):
    activity = _queued()
    Activity.objects.filter(pk=activity.pk).update(mail_attempts=mail.MAX_SEND_ATTEMPTS)
    mail.activity_send_mail(activity_id=activity.pk)
    activity.refresh_from_db()
    assert activity.mail_state == MailState.FAILED
