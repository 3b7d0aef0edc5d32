"""Default lead lists (seeds 002/004): sources, types, interests, scoring criteria."""

SOURCES = ["Messe", "Webseite", "Empfehlung", "Telefon", "E-Mail", "Kampagne", "Sonstige"]

TYPES = [
    ("MQL", "Marketing Qualified Lead: Interesse gezeigt, z. B. Whitepaper, Newsletter, Formular."),
    ("SQL", "Sales Qualified Lead: konkrete Kaufabsicht, z. B. Angebots- oder Terminanfrage."),
    ("PQL", "Product Qualified Lead: Produkt wurde bereits getestet."),
    ("Service-QL", "Service Qualified Lead: Interesse an einer Dienstleistung."),
    ("Information-QL", "Information Qualified Lead: Anforderung von Informationsmaterial."),
]

INTERESTS = [
    "Photovoltaik",
    "Windkraft",
    "Energiemanagement",
    "Smart-Home-Produkte",
    "Batteriespeichersysteme",
]

# name, weight, description, options [(label, points)]; the source criterion maps sources.
CRITERIA = [
    (
        "Einfluss",
        3,
        "Rolle des Ansprechpartners im Entscheidungsprozess.",
        [("Entscheidungsträger", 100), ("Beeinflusser", 60), ("Anwender", 30), ("Unbekannt", 0)],
    ),
    (
        "Größe",
        2,
        "Unternehmensgröße des potenziellen Kunden.",
        [
            ("Großunternehmen (über 250 Mitarbeitende)", 100),
            ("Mittelstand (50–250 Mitarbeitende)", 70),
            ("Kleinunternehmen (10–49 Mitarbeitende)", 40),
            ("Kleinstunternehmen (unter 10 Mitarbeitende)", 20),
        ],
    ),
    (
        "Branche",
        2,
        "Passung der Branche zu unserem Angebot.",
        [("Zielbranche", 100), ("Verwandte Branche", 60), ("Sonstige Branche", 20)],
    ),
    (
        "Bedarf",
        3,
        "Dringlichkeit des Bedarfs beim potenziellen Kunden.",
        [
            ("Akut (unter 3 Monaten)", 100),
            ("Mittelfristig (3–12 Monate)", 60),
            ("Langfristig (über 12 Monate)", 30),
            ("Kein Bedarf erkennbar", 0),
        ],
    ),
    ("Quelle", 1, "Kanal, über den der Lead generiert wurde.", None),
    (
        "Volumen",
        3,
        "Geschätztes Auftragsvolumen.",
        [
            ("über 500.000 €", 100),
            ("100.000–500.000 €", 70),
            ("20.000–100.000 €", 40),
            ("unter 20.000 €", 15),
        ],
    ),
]

SOURCE_POINTS = {
    "Empfehlung": 100,
    "Messe": 80,
    "Webseite": 60,
    "Telefon": 60,
    "E-Mail": 50,
    "Kampagne": 40,
    "Sonstige": 20,
}


def load(apps) -> None:
    """Create the default lists where missing (idempotent)."""
    LeadSource = apps.get_model("leads", "LeadSource")
    LeadType = apps.get_model("leads", "LeadType")
    Interest = apps.get_model("leads", "Interest")
    ScoringCriterion = apps.get_model("leads", "ScoringCriterion")
    ScoringOption = apps.get_model("leads", "ScoringOption")

    sources = {}
    for rank, name in enumerate(SOURCES, start=1):
        sources[name], _ = LeadSource.objects.get_or_create(name=name, defaults={"rank": rank * 10})
    for rank, (name, description) in enumerate(TYPES, start=1):
        LeadType.objects.get_or_create(
            name=name, defaults={"rank": rank * 10, "description": description}
        )
    for rank, name in enumerate(INTERESTS, start=1):
        Interest.objects.get_or_create(name=name, defaults={"rank": rank * 10})

    for rank, (name, weight, description, options) in enumerate(CRITERIA, start=1):
        criterion, created = ScoringCriterion.objects.get_or_create(
            name=name,
            defaults={
                "rank": rank * 10,
                "weight": weight,
                "description": description,
                "uses_source": options is None,
            },
        )
        if not created:
            continue
        if options is None:
            for opt_rank, source_name in enumerate(SOURCES, start=1):
                ScoringOption.objects.create(
                    criterion=criterion,
                    label=source_name,
                    points=SOURCE_POINTS[source_name],
                    source=sources[source_name],
                    rank=opt_rank * 10,
                )
        else:
            for opt_rank, (label, points) in enumerate(options, start=1):
                ScoringOption.objects.create(
                    criterion=criterion, label=label, points=points, rank=opt_rank * 10
                )


# The default distribution of a fresh install (migration 0014): round robin over every
# active user with the role Vertrieb, ranked last so a rule an admin adds first wins.
DEFAULT_RULE = "Vertrieb reihum"
DEFAULT_RULE_RANK = 1000


def load_default_rule(apps) -> None:
    """Create the default assignment rule unless one of that name exists (idempotent)."""
    AssignmentRule = apps.get_model("leads", "AssignmentRule")
    AssignmentRule.objects.get_or_create(
        name=DEFAULT_RULE,
        defaults={
            "rank": DEFAULT_RULE_RANK,
            "active": True,
            "strategy": "round_robin",
            "member_role": "Vertrieb",
        },
    )


# The Verlustgründe of a fresh install (migration 0019 keeps its own copy: a migration must
# not change when this list does); reloaded after a flush (tests) and by setup_demo.
LOST_REASONS = (
    "Kein Bedarf",
    "Kein Budget",
    "Wettbewerber",
    "Nicht erreichbar",
    "Falscher Ansprechpartner",
    "Dublette",
    "Sonstiges",
)


def load_lost_reasons(apps) -> None:
    """Create the default lost reasons where missing (idempotent)."""
    LostReason = apps.get_model("leads", "LostReason")
    for rank, name in enumerate(LOST_REASONS, start=1):
        LostReason.objects.get_or_create(name=name, defaults={"rank": rank * 10})
