"""Generated German business cards (Pillow) with the fields printed on them.

`generate_cards(n, seed)` gives (PNG bytes, expected fields) pairs: varied layouts (one
column left or centred, two columns, right-aligned), DejaVu fonts, rotation up to ±5°,
pixel noise. Used by the card tests and by bench/ocr.py.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from capture.cards.parse import e164

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = [
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    ("DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf"),
]
FIRST = [
    ("Herr", "Thomas"),
    ("Frau", "Anna"),
    ("Herr", "Michael"),
    ("Frau", "Julia"),
    ("Herr", "Stefan"),
    ("Frau", "Katrin"),
    ("Herr", "Jürgen"),
    ("Frau", "Sabine"),
    ("Herr", "Andreas"),
    ("Frau", "Claudia"),
    ("Herr", "Matthias"),
    ("Frau", "Birgit"),
    ("Herr", "Lukas"),
    ("Frau", "Lena"),
    ("Herr", "Jörg"),
    ("Frau", "Monika"),
]
LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Braun",
    "Zimmermann",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Köhler",
    "Jäger",
]
FUNCTIONS = [
    "Geschäftsführer",
    "Leiter Einkauf",
    "Vertriebsleiterin",
    "Projektleiter",
    "Key Account Manager",
    "Technischer Leiter",
    "Leiterin Marketing",
    "Inhaber",
    "Außendienst",
    "Head of Sales",
    "Prokurist",
    "Energieberater",
]
COMPANY_STEMS = [
    "Nordwind Energie",
    "Sonnenfeld Solar",
    "Hansa Anlagenbau",
    "Alpen Technik",
    "Rheintal Elektro",
    "Weser Bau",
    "Spree Software",
    "Isar Maschinen",
    "Elbe Logistik",
    "Main Consulting",
    "Harz Metall",
    "Ostsee Wind",
]
LEGAL_FORMS = ["GmbH", "AG", "KG", "GmbH & Co. KG", "UG (haftungsbeschränkt)", "e.K.", "OHG", "SE"]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Industriestraße",
    "Am Markt",
    "Lindenallee",
    "Gartenweg",
    "Schillerplatz",
    "Hafenstraße",
    "Mühlenweg",
    "Königsallee",
    "Ring",
]
CITIES = [
    ("10115", "Berlin", "30"),
    ("80331", "München", "89"),
    ("20095", "Hamburg", "40"),
    ("50667", "Köln", "221"),
    ("60311", "Frankfurt am Main", "69"),
    ("70173", "Stuttgart", "711"),
    ("04109", "Leipzig", "341"),
    ("28195", "Bremen", "421"),
    ("01067", "Dresden", "351"),
    ("30159", "Hannover", "511"),
    ("90402", "Nürnberg", "911"),
    ("24103", "Kiel", "431"),
]
TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass
class Card:
    image: bytes
    fields: dict[str, str]
    layout: str


def _slug(text: str) -> str:
    return "".join(c for c in text.lower().translate(TRANSLIT) if c.isalnum())


def _phone_text(rng: random.Random, area: str, number: str) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"+49 {area} {number}"
    if style == 1:
        return f"0{area} / {number[:3]} {number[3:]}"
    if style == 2:
        return f"+49 (0) {area} {number}"
    return f"0{area} {number[:2]} {number[2:4]} {number[4:]}"


def _person(rng: random.Random) -> dict:
    salutation, first = rng.choice(FIRST)
    last = rng.choice(LAST)
    stem = rng.choice(COMPANY_STEMS)
    form = rng.choice(LEGAL_FORMS)
    plz, city, area = rng.choice(CITIES)
    street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}{rng.choice(['', '', '', 'a', 'b'])}"
    domain = _slug(stem) + ".de"
    tel = str(rng.randint(200000, 9999999))
    mobile = str(rng.randint(1000000, 9999999))
    return {
        "salutation": salutation,
        "first_name": first,
        "last_name": last,
        "function": rng.choice(FUNCTIONS),
        "company_name": f"{stem} {form}",
        "street": street,
        "postal_code": plz,
        "city": city,
        "country": "DE",
        "phone": e164(f"0{area}{tel}"),
        "email": f"{_slug(first)[0]}.{_slug(last)}@{domain}",
        "website": f"https://www.{domain}",
        "_tel": _phone_text(rng, area, tel),
        "_mobile": _phone_text(rng, "1" + str(rng.choice([51, 52, 60, 70, 71, 76])), mobile),
    }


def _lines(p: dict, rng: random.Random, with_salutation: bool) -> tuple[list, list]:
    name = f"{p['first_name']} {p['last_name']}"
    if with_salutation:
        name = f"{p['salutation']} {name}"
    head = [("bold", name), ("regular", p["function"]), ("bold", p["company_name"])]
    tel_label = rng.choice(["Tel.", "Telefon", "T", "Fon"])
    mob_label = rng.choice(["Mobil", "M", "Mobil:"])
    contact = [
        ("regular", p["street"]),
        ("regular", f"{p['postal_code']} {p['city']}"),
        ("regular", f"{tel_label} {p['_tel']}"),
        ("regular", f"{mob_label} {p['_mobile']}"),
        ("regular", p["email"]),
        ("regular", p["website"].removeprefix("https://")),
    ]
    return head, contact


def render_card(rng: random.Random, index: int) -> Card:
    p = _person(rng)
    with_salutation = rng.random() < 0.4
    layout = ["left", "center", "two-columns", "right", "two-columns-logo"][index % 5]
    regular_name, bold_name = rng.choice(FONTS)
    size = rng.randint(26, 32)
    regular = ImageFont.truetype(str(FONT_DIR / regular_name), size)
    bold = ImageFont.truetype(str(FONT_DIR / bold_name), size + rng.randint(2, 8))
    width, height = 1050, 620
    bg = rng.randint(235, 255)
    image = Image.new("L", (width, height), bg)
    draw = ImageDraw.Draw(image)
    head, contact = _lines(p, rng, with_salutation)
    ink = rng.randint(0, 60)

    two_columns = layout.startswith("two-columns")
    max_width = (width // 2 - 110) if two_columns else width - 120

    def block(lines, x, y, align="left"):
        for style, text in lines:
            font = bold if style == "bold" else regular
            while draw.textlength(text, font=font) > max_width:  # a card's text fits its column
                font = font.font_variant(size=font.size - 1)
            w = draw.textlength(text, font=font)
            left = x if align == "left" else (x - w if align == "right" else x - w / 2)
            draw.text((left, y), text, font=font, fill=ink)
            y += font.size + 12
        return y

    if layout == "left":
        y = block(head, 60, 40)
        block(contact, 60, y + 20)
    elif layout == "center":
        y = block(head, width / 2, 30, "center")
        block(contact, width / 2, y + 14, "center")
    elif layout == "right":
        y = block(head, width - 60, 40, "right")
        block(contact, width - 60, y + 20, "right")
    else:
        if layout == "two-columns-logo":
            draw.rectangle((60, 40, 160, 140), fill=rng.randint(120, 200))
            block(head, 60, 170)
        else:
            block(head, 60, 60)
        draw.line((width // 2 - 10, 50, width // 2 - 10, height - 50), fill=180, width=2)
        block(contact, width // 2 + 20, 90)
    # noise, slight blur, rotation up to ±5°
    pixels = image.load()
    for _ in range(width * height // 60):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.randint(0, 255)
    image = image.filter(ImageFilter.GaussianBlur(radius=rng.choice([0, 0.4, 0.6])))
    image = image.rotate(rng.uniform(-5, 5), resample=Image.BICUBIC, expand=True, fillcolor=bg)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    expected = {k: v for k, v in p.items() if not k.startswith("_")}
    if not with_salutation:
        expected["salutation"] = ""
    return Card(image=buffer.getvalue(), fields=expected, layout=layout)


def generate_cards(n: int = 30, seed: int = 20) -> list[Card]:
    rng = random.Random(seed)
    return [render_card(rng, i) for i in range(n)]
