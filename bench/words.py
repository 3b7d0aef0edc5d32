"""German names, places and texts for the generated bench data (bench/generate.py)."""

FIRST_NAMES_M = (
    "Thomas Michael Andreas Stefan Christian Frank Markus Matthias Peter Jürgen Klaus "
    "Wolfgang Uwe Sven Tobias Jan Lukas Jonas Felix Maximilian Florian Sebastian Alexander "
    "Dieter Holger Ralf Bernd Oliver Timo Dominik"
).split()
FIRST_NAMES_F = (
    "Sabine Andrea Claudia Petra Susanne Nicole Stefanie Julia Anna Laura Katharina Sarah "
    "Lena Sandra Birgit Monika Karin Ute Heike Anja Melanie Christina Lisa Sophie Marie "
    "Jana Franziska Kerstin Tanja Martina"
).split()
LAST_NAMES = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
    "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann "
    "Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann "
    "König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert "
    "Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke "
    "Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein "
    "Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich "
    "Ziegler Kuhn Kühn Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer"
).split()
COMPANY_WORDS = (
    "Maschinenbau Elektrotechnik Logistik Bau Holzbau Metallbau Medizintechnik Software "
    "Systemhaus Druckerei Spedition Anlagenbau Kunststofftechnik Automation Feinmechanik "
    "Haustechnik Energietechnik Lebensmittel Gebäudetechnik Stahlbau Verpackung Optik "
    "Immobilien Consulting Beratung Handel Textil Möbel Werkzeugbau Solartechnik"
).split()
LEGAL_FORMS = ["GmbH", "GmbH", "GmbH", "AG", "GmbH & Co. KG", "KG", "e.K.", "UG", "OHG"]
CITIES = [
    ("Berlin", "10"),
    ("Hamburg", "20"),
    ("München", "80"),
    ("Köln", "50"),
    ("Frankfurt am Main", "60"),
    ("Stuttgart", "70"),
    ("Düsseldorf", "40"),
    ("Leipzig", "04"),
    ("Dortmund", "44"),
    ("Essen", "45"),
    ("Bremen", "28"),
    ("Dresden", "01"),
    ("Hannover", "30"),
    ("Nürnberg", "90"),
    ("Duisburg", "47"),
    ("Bochum", "44"),
    ("Wuppertal", "42"),
    ("Bielefeld", "33"),
    ("Bonn", "53"),
    ("Münster", "48"),
    ("Mannheim", "68"),
    ("Karlsruhe", "76"),
    ("Augsburg", "86"),
    ("Wiesbaden", "65"),
    ("Freiburg im Breisgau", "79"),
    ("Regensburg", "93"),
    ("Würzburg", "97"),
    ("Ulm", "89"),
    ("Kiel", "24"),
    ("Rostock", "18"),
    ("Erfurt", "99"),
    ("Magdeburg", "39"),
    ("Saarbrücken", "66"),
    ("Mainz", "55"),
    ("Kassel", "34"),
    ("Osnabrück", "49"),
]
STREETS = (
    "Hauptstraße Schulstraße Gartenstraße Bahnhofstraße Dorfstraße Bergstraße Birkenweg "
    "Lindenstraße Kirchstraße Waldstraße Ringstraße Schillerstraße Goethestraße Industriestraße "
    "Am Markt Mühlenweg Parkstraße Rosenweg Feldstraße Wiesenweg"
).split(" ")
FUNCTIONS = [
    "Geschäftsführer",
    "Geschäftsführerin",
    "Einkaufsleiter",
    "Einkäuferin",
    "Vertriebsleiter",
    "Technischer Leiter",
    "Leiterin Marketing",
    "Prokurist",
    "Assistenz der Geschäftsführung",
    "IT-Leiter",
    "Produktionsleiter",
    "",
]
SUBJECTS = [
    "Erstgespräch",
    "Rückruf vereinbart",
    "Angebot nachfassen",
    "Produktvorstellung",
    "Infomaterial versendet",
    "Termin vor Ort",
    "Messekontakt nachbereiten",
    "Telefonat",
    "Bedarfsanalyse",
    "Notiz zum Gespräch",
]
# status name -> share of all leads (the mix of an established team: most leads closed)
STATUS_MIX = [
    ("Offen", 0.14),
    ("Kontaktaufnahme", 0.08),
    ("Kontaktiert", 0.10),
    ("Qualifiziert", 0.06),
    ("Erneut bearbeiten", 0.04),
    ("Disqualifiziert", 0.18),
    ("Geschlossen", 0.22),
    ("Konvertiert", 0.18),
]
ACTIVITY_KINDS = [
    ("call", 0.4),
    ("email_out", 0.25),
    ("appointment", 0.15),
    ("task", 0.1),
    ("note", 0.1),
]
