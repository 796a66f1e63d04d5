"""The catalogue's photo store: every product photo is a file the catalogue owns, named by what it holds.

A photo is opened with Pillow whatever its name says, checked, turned upright (EXIF orientation) and
normalised to what every marketplace accepts: JPEG (PNG only when it has transparency), long edge from
500 to 2000 px, at most 2 MB, no metadata. It is stored once under ``data/photos/<2 hex>/<sha256>.jpg|png``
(the digest of the stored bytes) and described by a :class:`~catalog.models.Photo` row. Nothing that
reaches a marketplace is read from a path or an address a clerk typed: only from here.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session

from catalog.db import data_dir, private_folder
from catalog.i18n import t
from catalog.limits import MB
from catalog.models import Photo

MIN_LONG_EDGE = 500
MAX_LONG_EDGE = 2000
MAX_STORED_BYTES = 2 * MB
MAX_SOURCE_BYTES = 20 * MB  # a photo as read from a file, a .zip or an address, before normalising
MAX_PIXELS = 50_000_000  # past this a photo is refused before Pillow decodes it (a decompression bomb)
READABLE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"})
JPEG_QUALITIES = (90, 85, 80, 75, 70, 60, 50)
SHRINK_STEP = 0.8
SUFFIXES = {"JPEG": "jpg", "PNG": "png"}
_DIGEST = re.compile(r"[0-9a-f]{64}")


class PhotoError(ValueError):
    """A photo refused: its str() says why, in the clerk's language."""

    def __init__(self, key: str, lang: str | None = None, **context: object) -> None:
        self.key = key
        self.context = context
        super().__init__(t(key, lang, **context))


@dataclass(frozen=True)
class NormalPhoto:
    """A photo as the store keeps it: its bytes and what the :class:`Photo` row says of them."""

    content: bytes
    format: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def is_digest(value: str) -> bool:
    return isinstance(value, str) and _DIGEST.fullmatch(value) is not None


def photo_file(digest: str, format: str) -> Path:
    """Where the store keeps the photo ``digest`` (only ever a name made of its digest)."""
    if not is_digest(digest):
        raise PhotoError("photo_digest_invalid", value=str(digest)[:80])
    return data_dir() / "photos" / digest[:2] / f"{digest}.{SUFFIXES.get(format, 'jpg')}"


def store_photo(session: Session, content: bytes, lang: str | None = None) -> Photo:
    """Check and normalise ``content``, keep it in the store (once, whatever its name) and return its row."""
    photo = normalise(content, lang)
    save_file(photo)
    return remember(session, photo)


def remember(session: Session, photo: NormalPhoto) -> Photo:
    """The :class:`Photo` row of a stored photo, added when it is new."""
    row = session.get(Photo, photo.digest)
    if row is None:
        row = Photo(digest=photo.digest, format=photo.format, width=photo.width, height=photo.height,
                    size_bytes=len(photo.content))
        session.add(row)
        session.flush()
    return row


def save_file(photo: NormalPhoto) -> bool:
    """Write the photo into the store atomically; False when the same bytes were there already."""
    path = photo_file(photo.digest, photo.format)
    if path.is_file():
        return False
    private_folder(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(photo.content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def thumbnail(digest: str, format: str, edge: int = 320) -> bytes:
    """A small JPEG of the stored photo ``digest``, for a page's preview."""
    with Image.open(photo_file(digest, format)) as image:
        image.thumbnail((edge, edge))
        preview = Image.new("RGB", image.size, (255, 255, 255))
        preview.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
    return _saved(preview, "JPEG", quality=85)


# ---------------------------------------------------------------- normalising


def normalise(content: bytes, lang: str | None = None) -> NormalPhoto:
    """``content`` as the store keeps it, or :class:`PhotoError` saying why it cannot be a product photo."""
    if len(content) > MAX_SOURCE_BYTES:
        raise PhotoError("photo_too_large_bytes", lang, limit_mb=MAX_SOURCE_BYTES // MB)
    image = _opened(content, lang)
    width, height = image.size
    if max(width, height) < MIN_LONG_EDGE:
        raise PhotoError("photo_too_small", lang, width=width, height=height, minimum=MIN_LONG_EDGE)
    image.thumbnail((MAX_LONG_EDGE, MAX_LONG_EDGE), Image.Resampling.LANCZOS)
    return _encoded(image, lang)


def _opened(content: bytes, lang: str | None) -> Image.Image:
    """The picture in ``content``, checked, decoded, upright and in RGB (or RGBA when it is see-through)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                _check_header(probe, lang)
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _plain(upright)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError("photo_too_many_pixels", lang, limit=MAX_PIXELS // 1_000_000) from None
    except UnidentifiedImageError:
        raise PhotoError("photo_not_picture", lang) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise PhotoError("photo_unreadable", lang, detail=str(error)[:120] or type(error).__name__) from None


def _check_header(image: Image.Image, lang: str | None) -> None:
    if image.format not in READABLE_FORMATS:
        raise PhotoError("photo_not_picture", lang)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PhotoError("photo_too_many_pixels", lang, limit=MAX_PIXELS // 1_000_000)


def _plain(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when some pixel is see-through; with no metadata (EXIF, GPS, comments, profiles)."""
    see_through = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    plain = image.convert("RGBA") if see_through else image.convert("RGB")
    if see_through and plain.getchannel("A").getextrema()[0] == 255:
        plain = plain.convert("RGB")
    plain.info = {}
    return plain


def _encoded(image: Image.Image, lang: str | None) -> NormalPhoto:
    """The smallest change that fits :data:`MAX_STORED_BYTES`: lower JPEG quality first, then fewer pixels."""
    while True:
        for content in _encodings(image):
            if len(content) <= MAX_STORED_BYTES:
                return NormalPhoto(content, "PNG" if image.mode == "RGBA" else "JPEG", *image.size)
        smaller = (round(image.width * SHRINK_STEP), round(image.height * SHRINK_STEP))
        if max(smaller) < MIN_LONG_EDGE:
            raise PhotoError("photo_cannot_shrink", lang, limit_mb=MAX_STORED_BYTES // MB)
        image = image.resize(smaller, Image.Resampling.LANCZOS)


def _encodings(image: Image.Image) -> Iterator[bytes]:
    if image.mode == "RGBA":
        yield _saved(image, "PNG", optimize=True)
        return
    for quality in JPEG_QUALITIES:
        yield _saved(image, "JPEG", quality=quality, optimize=True, progressive=True)


def _saved(image: Image.Image, format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()
