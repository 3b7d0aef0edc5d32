"""Default lists from seeds 000/001/002, loaded by a data migration (and by setup_demo)."""

CATEGORY_GROUPS = [
    # name, kind, rank
    ("Kunde", "customer", 10),
    ("Potenzieller Kunde", "prospect", 20),
    ("Partner", "partner", 30),
    ("Lieferant", "supplier", 40),
]

CATEGORIES = [
    # name, group, lead_status_enabled, rank
    ("Lead", "Potenzieller Kunde", True, 10),
    ("Marketingqualifiziertes Lead", "Potenzieller Kunde", True, 20),
    ("Verkaufschance", "Potenzieller Kunde", True, 30),
    ("Verlorene Chance", "Potenzieller Kunde", True, 40),
    ("Kunde", "Kunde", False, 50),
    ("Partner", "Partner", False, 60),
    ("Lieferant", "Lieferant", False, 70),
]

LEAD_STATUSES = [
    # name, phase, rank, colour, default, description
    (
        "Offen",
        "open",
        10,
        "#0d6efd",
        True,
        "Der Lead wurde neu erstellt und noch nicht bearbeitet.",
    ),
    ("Kontaktaufnahme", "working", 20, "#6610f2", False, "Sie versuchen, den Lead zu erreichen."),
    (
        "Kontaktiert",
        "working",
        30,
        "#6f42c1",
        False,
        "Es wurde eine erste Kontaktaufnahme mit dem potenziellen Kunden durchgeführt.",
    ),
    (
        "Qualifiziert",
        "qualified",
        40,
        "#198754",
        False,
        "Der Lead passt gut und zeigt Interesse; er wurde als vielversprechend eingestuft.",
    ),
    (
        "Erneut bearbeiten",
        "revisit",
        50,
        "#fd7e14",
        False,
        "Zu einem späteren Zeitpunkt erneut nachfassen.",
    ),
    ("Disqualifiziert", "disqualified", 60, "#dc3545", False, "Der Lead ist nicht relevant."),
    (
        "Geschlossen",
        "closed",
        70,
        "#6c757d",
        False,
        "Der Lead wurde bearbeitet, hat aber nicht zu einer Konvertierung geführt.",
    ),
    (
        "Konvertiert",
        "converted",
        80,
        "#20c997",
        False,
        "Der Lead wurde erfolgreich in einen Geschäftspartner, Ansprechpartner, eine Anfrage "
        "oder ein Angebot umgewandelt.",
    ),
]


def load(apps) -> None:
    """Create the default lists where missing (idempotent, never overwrites admin edits)."""
    CategoryGroup = apps.get_model("contacts", "CategoryGroup")
    Category = apps.get_model("contacts", "Category")
    LeadStatus = apps.get_model("contacts", "LeadStatus")
    groups = {}
    for name, kind, rank in CATEGORY_GROUPS:
        groups[name], _ = CategoryGroup.objects.get_or_create(
            name=name, defaults={"kind": kind, "rank": rank}
        )
    for name, group, enabled, rank in CATEGORIES:
        Category.objects.get_or_create(
            name=name,
            defaults={"group": groups[group], "lead_status_enabled": enabled, "rank": rank},
        )
    has_default = LeadStatus.objects.filter(is_default=True).exists()
    for name, phase, rank, colour, default, description in LEAD_STATUSES:
        LeadStatus.objects.get_or_create(
            name=name,
            defaults={
                "phase": phase,
                "rank": rank,
                "colour": colour,
                "is_default": default and not has_default,
                "description": description,
            },
        )
