"""Tesseract OCR of a card image (pytesseract, languages deu+eng)."""

from __future__ import annotations

import shutil

# pdftoppm with fixed arguments, no shell
import subprocess  # nosec B404
import tempfile
from pathlib import Path

import pytesseract
from PIL import Image, ImageFilter, ImageOps

from ui.images import open_bounded

LANG = "deu+eng"
MAX_SIDE = 3000


class OcrUnavailable(Exception):
    """Tesseract (or its German language data) is not installed."""


def tesseract_available() -> bool:
    try:
        return "deu" in pytesseract.get_languages(config="")
    except (pytesseract.TesseractNotFoundError, OSError):
        return False


def pdf_available() -> bool:
    return shutil.which("pdftoppm") is not None


def _pdf_first_page(data: bytes) -> Image.Image:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise OcrUnavailable("pdftoppm fehlt")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "card.pdf"
        source.write_bytes(data)
        subprocess.run(  # noqa: S603  # nosec B603
            [
                pdftoppm,
                "-r",
                "300",
                "-f",
                "1",
                "-l",
                "1",
                "-png",
                str(source),
                str(Path(tmp) / "p"),
            ],
            check=True,
            timeout=60,
            capture_output=True,
        )
        page = next(Path(tmp).glob("p*.png"))
        return open_bounded(page.read_bytes())


def load_image(data: bytes) -> Image.Image:
    if data[:5] == b"%PDF-":
        return _pdf_first_page(data)
    image = open_bounded(data)  # refuses too many pixels before decoding
    image = ImageOps.exif_transpose(image)
    return image


def prepare(image: Image.Image) -> Image.Image:
    """Grey, speckles removed (median filter: a phone photo's sensor noise, a scanner's
    dust), at least ~1500 px wide (Tesseract reads small print badly), capped in size."""
    image = ImageOps.grayscale(image).filter(ImageFilter.MedianFilter(3))
    scale = max(1.0, 1500 / max(1, image.width))
    scale = min(scale, MAX_SIDE / max(image.width, image.height))
    if abs(scale - 1) > 0.05:
        image = image.resize((int(image.width * scale), int(image.height * scale)))
    return ImageOps.autocontrast(image)


def read_image(data: bytes) -> str:
    """The text on the card, line by line."""
    image = prepare(load_image(data))
    try:
        return pytesseract.image_to_string(image, lang=LANG, config="--psm 3", timeout=120)
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable(str(exc)) from exc
