"""The catalogue's photo store: every photo opened with Pillow, turned upright, normalised to what the
marketplaces accept (JPEG or PNG, long edge 500–2000 px, at most 2 MB, no metadata) and kept once by digest."""

from __future__ import annotations

import io
import os

import pytest
import sqlalchemy as sa
from PIL import Image

from catalog.db import data_dir, session_scope
from catalog.models import Photo
from catalog.photos import MAX_STORED_BYTES, PhotoError, is_digest, photo_file, store_photo


def picture(size=(800, 600), colour=(46, 125, 50), format="JPEG", mode="RGB", **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=format, **options)
    return out.getvalue()


def stored(engine, content: bytes) -> Photo:
    with session_scope(engine) as session:
        return store_photo(session, content)


def opened(photo: Photo) -> Image.Image:
    image = Image.open(photo_file(photo.digest, photo.format))
    image.load()
    return image


def test_a_photo_is_kept_under_the_data_folder_named_by_the_digest_of_its_stored_bytes(engine):
    photo = stored(engine, picture())
    path = photo_file(photo.digest, photo.format)
    assert path == data_dir() / "photos" / photo.digest[:2] / f"{photo.digest}.jpg"
    assert is_digest(photo.digest) and photo.size_bytes == path.stat().st_size
    assert (photo.format, photo.width, photo.height) == ("JPEG", 800, 600)


def test_the_same_bytes_stored_twice_are_one_photo_and_one_file(engine):
    first, again = stored(engine, picture()), stored(engine, picture())
    assert first.digest == again.digest
    with session_scope(engine) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Photo)).scalar() == 1
    assert len(list((data_dir() / "photos").rglob("*.jpg"))) == 1


def test_a_phone_photo_taken_sideways_is_stored_upright_without_its_metadata(engine):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned 90°
    exif[0x010F] = "Điện thoại của chị Hoa"  # the camera maker: metadata that must not reach a marketplace
    photo = stored(engine, picture((800, 600), exif=exif.tobytes()))
    assert (photo.width, photo.height) == (600, 800)
    with opened(photo) as image:
        assert image.size == (600, 800)
        assert not image.getexif() and "exif" not in image.info


def test_a_png_without_transparency_becomes_a_jpeg_and_one_with_transparency_stays_png(engine):
    flat = stored(engine, picture(format="PNG"))
    assert flat.format == "JPEG" and photo_file(flat.digest, flat.format).suffix == ".jpg"
    see_through = Image.new("RGBA", (700, 700), (255, 255, 255, 0))
    see_through.paste((200, 30, 30, 255), (100, 100, 600, 600))
    out = io.BytesIO()
    see_through.save(out, format="PNG")
    logo = stored(engine, out.getvalue())
    assert logo.format == "PNG" and photo_file(logo.digest, logo.format).suffix == ".png"
    with opened(logo) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_a_large_photo_is_resized_to_a_long_edge_of_2000_px_and_under_2_mb(engine):
    noise = Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3))  # noise compresses worst
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=95)
    assert len(out.getvalue()) > MAX_STORED_BYTES
    photo = stored(engine, out.getvalue())
    assert max(photo.width, photo.height) <= 2000 and photo.width / photo.height == pytest.approx(4 / 3, rel=0.01)
    assert photo.size_bytes <= MAX_STORED_BYTES


def test_a_photo_smaller_than_500_px_is_refused_naming_its_size(engine):
    with pytest.raises(PhotoError, match="ảnh 400×300 px quá nhỏ: cạnh dài cần ít nhất 500 px"):
        stored(engine, picture((400, 300)))


@pytest.mark.parametrize("content", [
    b"SYNDICATOR_SECRET=4f1c0e2a9b\n",
    b"root:x:0:0:root:/root:/bin/bash\n",
    b"\xff\xd8\xff\xe0 not really a jpeg",
])
def test_text_or_a_damaged_file_is_refused_whatever_its_name(engine, content):
    with pytest.raises(PhotoError, match="không phải ảnh|ảnh bị hỏng"):
        stored(engine, content)
    with session_scope(engine) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Photo)).scalar() == 0


def test_a_decompression_bomb_is_refused_before_it_is_decoded(engine):
    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, format="PNG")  # a few kB that would decode to 60 million pixels
    with pytest.raises(PhotoError, match="ảnh quá lớn để mở"):
        stored(engine, out.getvalue())


def test_a_store_path_is_only_ever_made_of_a_digest():
    for typed in ("../../secret.key", "/etc/passwd", "A" * 64, "ab"):
        assert not is_digest(typed)
        with pytest.raises(PhotoError, match="không hợp lệ"):
            photo_file(typed, "JPEG")
