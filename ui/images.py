"""The pixel bound for every uploaded image (issue #19 point 5): one rule in one place.

`open_bounded` reads only the header (`Image.open` is lazy) and refuses a picture with more
than ``LEADCRM_MAX_IMAGE_PIXELS`` pixels before anything is decoded, so a small file with
huge dimensions (a "decompression bomb") never gets expanded into worker memory.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

DEFAULT_MAX_PIXELS = 25_000_000


class ImageTooLarge(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


def max_image_pixels() -> int:
    return int(getattr(settings, "LEADCRM_MAX_IMAGE_PIXELS", DEFAULT_MAX_PIXELS))


def check_pixels(image: Image.Image) -> None:
    """Raise ImageTooLarge (German) when the opened image has too many pixels."""
    width, height = image.size
    if width * height > max_image_pixels():
        raise ImageTooLarge(
            _("Das Bild ist zu groß (höchstens %(mp)s Megapixel).")
            % {"mp": round(max_image_pixels() / 1_000_000)}
        )


def open_bounded(data: bytes) -> Image.Image:
    """The image, header read only; ImageTooLarge before decoding a too large one."""
    image = Image.open(io.BytesIO(data))
    check_pixels(image)
    return image
