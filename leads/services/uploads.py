"""Business-card images [Visitenkarte]: validated, re-encoded, stored under random names.

Why re-encode: a file that *is* a valid image may still carry a payload after the image
data (a "polyglot" PNG with an appended `<script>`), or EXIF metadata with GPS positions.
Decoding the pixels and writing a fresh file keeps only the picture. The pixel limit
is checked from the header before decoding, so a decompression bomb never gets expanded.
Files are served only through `leads.views.files` (logged-in users with a role).
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ui.images import ImageTooLarge, check_pixels

# Pillow format -> (output format, extension, content type)
ALLOWED_FORMATS = {
    "JPEG": ("JPEG", "jpg", "image/jpeg"),
    "PNG": ("PNG", "png", "image/png"),
    "WEBP": ("WEBP", "webp", "image/webp"),
    # HEIC only when a Pillow plugin (pillow-heif) registered it; stored as JPEG.
    "HEIF": ("JPEG", "jpg", "image/jpeg"),
}
CONTENT_TYPES = {ext: ctype for _fmt, ext, ctype in ALLOWED_FORMATS.values()}
UPLOAD_DIR = "business_cards"
THUMB_DIR = "business_cards/thumbs"
THUMB_SIZE = (360, 240)


@dataclass
class ProcessedImage:
    content: bytes
    thumbnail: bytes
    extension: str
    width: int
    height: int


def _max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_IMAGE_MAX_BYTES", 5 * 1024 * 1024))


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def process_image(uploaded) -> ProcessedImage:
    """Validate and re-encode an uploaded image; raises ValidationError (German)."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > _max_bytes():
        raise ValidationError(
            _("Die Datei ist zu groß (höchstens %(mb)s MB).")
            % {"mb": round(_max_bytes() / 1024 / 1024, 1)},
            code="too_large",
        )
    data = uploaded.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        raise ValidationError(_("Die Datei ist zu groß."), code="too_large")
    not_image = ValidationError(
        _("Bitte laden Sie ein Bild hoch (JPEG, PNG oder WebP)."), code="not_image"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format
            if fmt not in ALLOWED_FORMATS:
                raise not_image
            check_pixels(probe)  # from the header, before any pixel is decoded
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except ImageTooLarge as exc:
        raise ValidationError(exc.message, code="too_many_pixels") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("Das Bild ist zu groß (zu viele Bildpunkte)."), code="too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_image from None
    out_fmt, ext, _ctype = ALLOWED_FORMATS[fmt]
    image = ImageOps.exif_transpose(image)
    clean = image.copy()
    clean.info = {}  # drop EXIF, ICC, text chunks: only the pixels are written again
    content = _encode(clean, out_fmt)
    thumb = clean.copy()
    thumb.thumbnail(THUMB_SIZE)
    return ProcessedImage(
        content=content,
        thumbnail=_encode(thumb, out_fmt),
        extension=ext,
        width=clean.width,
        height=clean.height,
    )


def thumbnail_name(name: str) -> str:
    return f"{THUMB_DIR}/{name.rsplit('/', 1)[-1]}"


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def _delete_files(name: str) -> None:
    for path in (name, thumbnail_name(name)):
        try:
            default_storage.delete(path)
        except OSError:
            pass


def store_business_card(lead, processed: ProcessedImage) -> None:
    """Write image and thumbnail under a random name and point the lead at it (unsaved)."""
    stem = uuid.uuid4().hex
    name = default_storage.save(
        f"{UPLOAD_DIR}/{stem}.{processed.extension}", ContentFile(processed.content)
    )
    default_storage.save(thumbnail_name(name), ContentFile(processed.thumbnail))
    old = lead.business_card.name if lead.business_card else ""
    lead.business_card.name = name
    transaction.on_commit(lambda: _delete_files(old) if old else None)


def delete_business_card(lead) -> None:
    old = lead.business_card.name if lead.business_card else ""
    lead.business_card.name = ""
    if old:
        transaction.on_commit(lambda: _delete_files(old))
