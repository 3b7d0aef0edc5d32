"""The .ics part of an invitation mail, handed to activities.mail when it builds the mail."""

from __future__ import annotations

from agenda.models import Invitation, InvitationMethod

FILENAMES = {InvitationMethod.REQUEST: "einladung.ics", InvitationMethod.CANCEL: "absage.ics"}


def attachments_for(activity) -> list[tuple[str, str, str]]:
    invitation = Invitation.objects.filter(mail_id=activity.pk).only("method", "ics").first()
    if invitation is None:
        return []
    mimetype = f"text/calendar; charset=utf-8; method={invitation.method}"
    return [(FILENAMES[invitation.method], invitation.ics, mimetype)]
