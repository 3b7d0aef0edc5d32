"""Fixed material for `setup_demo`: German B2B energy-sector companies, people, campaigns.

All names are invented; cities, postal codes and area codes are real so that addresses and
phone numbers look and validate like real ones.
"""

# password of every demo user (printed once by setup_demo)
DEMO_PASSWORD = "LeadCRM-Demo-2026"  # noqa: S105 - documented demo credential, DEBUG only

# username, first name, last name, role group (None = staff superuser)
DEMO_USERS = [
    ("vertrieb", "Anna", "Becker", "Vertrieb"),
    ("vertrieb2", "Jonas", "Weber", "Vertrieb"),
    ("leitung", "Sabine", "Krüger", "Vertriebsleitung"),
    ("marketing", "Lena", "Hoffmann", "Marketing"),
    ("admin", "Thomas", "Admin", None),
]

# city, postal code, area code (without 0), subscriber digits
CITIES = [
    ("München", "80331", "89", 7),
    ("Hamburg", "20095", "40", 7),
    ("Berlin", "10115", "30", 7),
    ("Köln", "50667", "221", 7),
    ("Frankfurt am Main", "60311", "69", 7),
    ("Stuttgart", "70173", "711", 7),
    ("Düsseldorf", "40213", "211", 7),
    ("Leipzig", "04109", "341", 7),
    ("Dresden", "01067", "351", 7),
    ("Hannover", "30159", "511", 7),
    ("Nürnberg", "90402", "911", 7),
    ("Bremen", "28195", "421", 7),
    ("Freiburg im Breisgau", "79098", "761", 7),
    ("Kassel", "34117", "561", 7),
    ("Münster", "48143", "251", 7),
    ("Augsburg", "86150", "821", 7),
    ("Regensburg", "93047", "941", 6),
    ("Kiel", "24103", "431", 7),
    ("Rostock", "18055", "381", 7),
    ("Erfurt", "99084", "361", 7),
    ("Mainz", "55116", "6131", 6),
    ("Karlsruhe", "76133", "721", 7),
    ("Bielefeld", "33602", "521", 7),
    ("Ulm", "89073", "731", 6),
    ("Osnabrück", "49074", "541", 6),
]

STREETS = [
    "Hauptstraße",
    "Industriestraße",
    "Bahnhofstraße",
    "Am Energiepark",
    "Gewerbering",
    "Siemensstraße",
    "Lindenallee",
    "Hafenstraße",
    "Robert-Bosch-Straße",
    "Schillerstraße",
    "Am Windrad",
    "Solarweg",
    "Daimlerstraße",
    "Mühlenweg",
    "Carl-Benz-Straße",
]

# name, industry, category name, domain
COMPANIES = [
    ("Sonnenfeld Energie GmbH", "Solartechnik", "Kunde", "sonnenfeld-energie.de"),
    ("Nordwind Anlagenbau GmbH", "Windenergie", "Verkaufschance", "nordwind-anlagenbau.de"),
    ("Stadtwerke Rheintal AG", "Energieversorgung", "Kunde", "stadtwerke-rheintal.de"),
    ("Brenner Metallverarbeitung GmbH", "Metallindustrie", "Lead", "brenner-metall.de"),
    (
        "Albrecht Logistik GmbH & Co. KG",
        "Logistik",
        "Marketingqualifiziertes Lead",
        "albrecht-logistik.de",
    ),
    (
        "Hofmann Lebensmittel AG",
        "Lebensmittelindustrie",
        "Verkaufschance",
        "hofmann-lebensmittel.de",
    ),
    ("Kessler Kunststofftechnik GmbH", "Kunststoffverarbeitung", "Lead", "kessler-kunststoff.de"),
    ("Grünland Agrar eG", "Landwirtschaft", "Marketingqualifiziertes Lead", "gruenland-agrar.de"),
    ("Vogel Hotels & Resorts GmbH", "Hotellerie", "Verlorene Chance", "vogel-hotels.de"),
    ("Schubert Elektrotechnik GmbH", "Elektroinstallation", "Partner", "schubert-elektro.de"),
    ("Lindner Wohnbau GmbH", "Wohnungswirtschaft", "Verkaufschance", "lindner-wohnbau.de"),
    ("Maier Präzisionsteile GmbH", "Maschinenbau", "Lead", "maier-praezision.de"),
    ("Wolf Speichersysteme GmbH", "Batterietechnik", "Lieferant", "wolf-speicher.de"),
    ("Krause Kühlhaus GmbH", "Kühllogistik", "Marketingqualifiziertes Lead", "krause-kuehlhaus.de"),
    ("Bergmann Brauerei GmbH", "Getränkeherstellung", "Lead", "bergmann-brauerei.de"),
    (
        "Zimmermann Klinikverbund gGmbH",
        "Gesundheitswesen",
        "Verkaufschance",
        "zimmermann-kliniken.de",
    ),
    ("Engel Papierfabrik AG", "Papierindustrie", "Kunde", "engel-papier.de"),
    ("Fuchs Autohaus GmbH", "Automobilhandel", "Lead", "autohaus-fuchs.de"),
    ("Neumann Gewächshausbau GmbH", "Gartenbau", "Verlorene Chance", "neumann-gewaechshaus.de"),
    (
        "Hartmann Baustoffe GmbH",
        "Baustoffhandel",
        "Marketingqualifiziertes Lead",
        "hartmann-baustoffe.de",
    ),
    ("Solaris Montage GmbH", "Solarmontage", "Partner", "solaris-montage.de"),
    ("Richter Textilwerke GmbH", "Textilindustrie", "Lead", "richter-textil.de"),
    (
        "Gemeindewerke Seeland AöR",
        "Kommunale Versorgung",
        "Verkaufschance",
        "gemeindewerke-seeland.de",
    ),
    ("Peters Rechenzentrum GmbH", "IT-Dienstleistungen", "Kunde", "peters-rz.de"),
    ("Schäfer Wechselrichter GmbH", "Leistungselektronik", "Lieferant", "schaefer-wr.de"),
]

# Prospects that only exist as leads (no company record yet): name, domain
LEAD_ONLY_COMPANIES = [
    ("Baumann Druckerei GmbH", "baumann-druck.de"),
    ("Keller Möbelwerke GmbH", "keller-moebel.de"),
    ("Lorenz Landtechnik GmbH", "lorenz-landtechnik.de"),
    ("Schwarz Gießerei GmbH", "schwarz-giesserei.de"),
    ("Winter Sportpark GmbH", "winter-sportpark.de"),
    ("Haas Fleischwaren GmbH", "haas-fleischwaren.de"),
    ("Graf Verpackungen GmbH", "graf-verpackungen.de"),
    ("Roth Galvanik GmbH", "roth-galvanik.de"),
    ("Jung Bäckereien GmbH", "jung-baeckereien.de"),
    ("Möller Spedition GmbH", "moeller-spedition.de"),
    ("Busch Chemie AG", "busch-chemie.de"),
    ("Franke Glasbau GmbH", "franke-glasbau.de"),
    ("Stein Wellness-Hotel GmbH", "stein-wellness.de"),
    ("Kuhn Molkerei eG", "kuhn-molkerei.de"),
    ("Ludwig Schulzentrum gGmbH", "ludwig-schulzentrum.de"),
    ("Sommer Freizeitbad GmbH", "sommer-freizeitbad.de"),
    ("Arnold Holzindustrie GmbH", "arnold-holz.de"),
    ("Pohl Kaltwalzwerk GmbH", "pohl-walzwerk.de"),
    ("Horn Einkaufszentrum KG", "horn-ekz.de"),
    ("Brandt Wohnungsgenossenschaft eG", "brandt-wg.de"),
]

FIRST_NAMES_F = [
    "Julia",
    "Katharina",
    "Sandra",
    "Stefanie",
    "Claudia",
    "Melanie",
    "Nicole",
    "Christina",
    "Sabrina",
    "Laura",
    "Miriam",
    "Andrea",
    "Susanne",
    "Birgit",
    "Carina",
    "Tanja",
]
FIRST_NAMES_M = [
    "Michael",
    "Andreas",
    "Stefan",
    "Christian",
    "Markus",
    "Tobias",
    "Alexander",
    "Florian",
    "Matthias",
    "Daniel",
    "Frank",
    "Jürgen",
    "Sebastian",
    "Martin",
    "Ralf",
    "Oliver",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Meyer",
    "Wagner",
    "Schulz",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Braun",
    "Hofmann",
    "Zimmermann",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Maier",
    "Walter",
    "König",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Scholz",
    "Möller",
]
FUNCTIONS = [
    "Geschäftsführung",
    "Leitung Einkauf",
    "Technische Leitung",
    "Energiemanagement",
    "Leitung Facility Management",
    "Projektleitung",
    "Nachhaltigkeitsbeauftragte/r",
    "Leitung Produktion",
    "Kaufmännische Leitung",
    "Assistenz der Geschäftsführung",
]

# name, slug, start (month, day), end (month, day), default source, web form
CAMPAIGNS = [
    ("Intersolar 2026", "intersolar-2026", (6, 23), (6, 25), "Messe", False),
    ("Webinar Energiemanagement", "webinar-energiemanagement", (3, 10), (12, 15), "Webseite", True),
    ("E-world energy & water 2026", "e-world-2026", (2, 10), (2, 12), "Messe", False),
]

CONSENT_TEXT = (
    "Ich bin damit einverstanden, dass mich die LeadCRM Demo GmbH per E-Mail zu Produkten "
    "rund um Photovoltaik, Speicher und Energiemanagement informiert. Die Einwilligung kann "
    "ich jederzeit mit Wirkung für die Zukunft widerrufen."
)

LEAD_NOTES = [
    "Interesse an PV-Anlage auf dem Hallendach (ca. 4.000 m²).",
    "Möchte Lastspitzen reduzieren, Angebot für Batteriespeicher gewünscht.",
    "Hat auf der Messe nach Förderprogrammen gefragt.",
    "Bestehende Anlage ist 15 Jahre alt, Repowering denkbar.",
    "Budget wird im nächsten Quartal freigegeben.",
    "Ansprechpartner bittet um Rückruf nach 14 Uhr.",
    "Energieaudit nach DIN EN 16247 steht an.",
    "Interessiert an Ladeinfrastruktur für den Fuhrpark.",
    "",
    "",
]
