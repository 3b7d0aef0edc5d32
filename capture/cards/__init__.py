"""Business-card scan: OCR (Tesseract) or a vCard → the lead mask's fields.

`parse.card_fields(text)` reads OCR text, `vcard.vcard_fields(data)` a .vcf; both return
the same dict of mask fields (only those found). `ocr.read_image(data)` runs Tesseract.
"""

# the mask fields a card can fill, in the order the mask shows them
CARD_FIELDS = (
    "salutation",
    "first_name",
    "last_name",
    "function",
    "company_name",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "website",
)
