"""The demo's nurture sequence: "Webanfrage nachfassen" with a few leads enrolled.

Written through the sequences services (idempotent: an existing sequence of that name is
left as it is). Its mails go out when the beat job runs, as in production.
"""

from __future__ import annotations

from activities.models import MailTemplate, TemplatePurpose
from leads.models import ConsentAction, Lead
from sequences.models import Sequence, SequenceStep, StepKind
from sequences.services import enrol_many

NAME = "Webanfrage nachfassen"
MAILS = [
    (
        "Nachfass-Sequenz 1: Danke für Ihre Anfrage",
        "Ihre Anfrage bei uns",
        "Guten Tag {{ contact.full_name }},\n\nvielen Dank für Ihr Interesse. Gern zeigen wir "
        "Ihnen in einem kurzen Gespräch, was wir für {{ lead.company_name }} tun können.\n\n"
        "Mit freundlichen Grüßen\n{{ user.full_name }}",
    ),
    (
        "Nachfass-Sequenz 2: Referenzen",
        "Wie andere Unternehmen es gelöst haben",
        "Guten Tag {{ contact.full_name }},\n\nanbei drei Beispiele aus Projekten ähnlicher "
        "Unternehmen. Passt ein Termin in den nächsten Tagen?\n\n"
        "Mit freundlichen Grüßen\n{{ user.full_name }}",
    ),
]


def ensure_demo_sequence(*, users: dict) -> Sequence | None:
    if Sequence.objects.filter(name=NAME).exists():
        return None
    templates = [
        MailTemplate.objects.get_or_create(
            purpose=TemplatePurpose.INFO_MATERIAL,
            name=name,
            defaults={"subject": subject, "body": body, "rank": 50 + i},
        )[0]
        for i, (name, subject, body) in enumerate(MAILS)
    ]
    sequence = Sequence.objects.create(
        name=NAME,
        description="Neue Webanfragen: Dank, Anruf nach drei Werktagen, Referenzen, Aufgabe.",
    )
    steps = [
        (StepKind.MAIL, {"template": templates[0]}),
        (StepKind.WAIT, {"wait_days": 3}),
        (StepKind.CALL, {"subject": "Nachfassen: Bedarf und Termin klären"}),
        (StepKind.WAIT, {"wait_days": 5}),
        (StepKind.MAIL, {"template": templates[1]}),
        (StepKind.WAIT, {"wait_days": 5}),
        (StepKind.TASK, {"subject": "Letzter Versuch oder Lead schließen"}),
    ]
    for position, (kind, fields) in enumerate(steps, start=1):
        SequenceStep.objects.create(sequence=sequence, position=position, kind=kind, **fields)
    rep = users["vertrieb"]
    ids = list(
        Lead.objects.open()
        .filter(follow_up_by=rep, consents__action=ConsentAction.CONFIRMED)
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .distinct()[:5]
    )
    enrol_many(sequence=sequence, lead_ids=ids, user=rep)
    return sequence
