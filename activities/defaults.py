"""Default mail templates (seed 002: Messebesuch, Meeting, Messegespräch, Internetanfrage).

Templates are rendered by activities/mail_rendering with a restricted context:
`lead`, `contact` (the main contact person, or the lead's own name/e-mail), `user`
(the sender) and `appointment` (planned start/end of the lead).
"""

GREETING = (
    "{% if contact.salutation == 'Herr' %}Sehr geehrter Herr {{ contact.last_name }},"
    "{% elif contact.salutation == 'Frau' %}Sehr geehrte Frau {{ contact.last_name }},"
    "{% else %}Guten Tag {{ contact.full_name }},{% endif %}"
)

CLOSING = "\n\nMit freundlichen Grüßen\n{{ user.full_name }}"

TEMPLATES = [
    (
        "appointment_confirmation",
        "Messebesuch",
        "Terminbestätigung: Ihr Besuch an unserem Messestand",
        GREETING
        + "\n\nvielen Dank für Ihr Interesse an unseren Lösungen. Gerne bestätigen wir Ihnen "
        "unseren Termin an unserem Messestand am {{ appointment.start|date:'l, d.m.Y' }} "
        "um {{ appointment.start|time:'H:i' }} Uhr."
        "\n\nFür das Gespräch nehmen wir uns ausreichend Zeit, damit wir Ihre Anforderungen "
        "rund um {{ lead.interest_names|default:'unsere Produkte' }} im Detail besprechen können. "
        "Sollte Ihnen der Termin doch nicht passen, antworten Sie einfach auf diese E-Mail."
        "\n\nWir freuen uns auf Ihren Besuch." + CLOSING,
    ),
    (
        "appointment_confirmation",
        "Meeting",
        "Terminbestätigung: Unser Gespräch am {{ appointment.start|date:'d.m.Y' }}",
        GREETING
        + "\n\nhiermit bestätige ich unseren Termin am {{ appointment.start|date:'l, d.m.Y' }} "
        "von {{ appointment.start|time:'H:i' }} bis {{ appointment.end|time:'H:i' }} Uhr."
        "\n\nIm Anhang finden Sie die Einladung für Ihren Kalender. Falls Sie vorab Unterlagen "
        "benötigen oder sich etwas ändert, melden Sie sich gerne jederzeit."
        "\n\nIch freue mich auf unser Gespräch." + CLOSING,
    ),
    (
        "info_material",
        "Messegespräch",
        "Ihre Informationen aus unserem Messegespräch",
        GREETING
        + "\n\nvielen Dank für das angenehme Gespräch an unserem Messestand. Wie besprochen "
        "sende ich Ihnen anbei unser Informationsmaterial"
        "{% if lead.interest_names %} zu {{ lead.interest_names }}{% endif %}."
        "\n\nGerne stehe ich Ihnen für Rückfragen zur Verfügung und würde mich freuen, wenn wir "
        "die nächsten Schritte in einem persönlichen Termin abstimmen." + CLOSING,
    ),
    (
        "info_material",
        "Internetanfrage",
        "Ihre Anfrage über unsere Webseite",
        GREETING + "\n\nvielen Dank für Ihre Anfrage über unsere Webseite. Anbei erhalten Sie das "
        "gewünschte Informationsmaterial"
        "{% if lead.interest_names %} zu {{ lead.interest_names }}{% endif %}."
        "\n\nWenn Sie möchten, vereinbaren wir gerne einen unverbindlichen Beratungstermin. "
        "Antworten Sie dazu einfach auf diese E-Mail." + CLOSING,
    ),
]


def load(apps) -> None:
    MailTemplate = apps.get_model("activities", "MailTemplate")
    for rank, (purpose, name, subject, body) in enumerate(TEMPLATES, start=1):
        MailTemplate.objects.get_or_create(
            purpose=purpose,
            name=name,
            defaults={"subject": subject, "body": body, "rank": rank * 10},
        )
