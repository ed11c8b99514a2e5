"""Uploaded images (challenge covers): verified and re-encoded with Pillow, so what is
stored is a clean image of an allowed type, without its metadata (EXIF, GPS), under a
random name in ``instance/media``."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask import current_app

from consult.core.errors_domain import Refused

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 2400
MAX_PIXELS = 40_000_000  # checked from the header, before any pixel is decoded
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def media_dir() -> Path:
    path = Path(current_app.config["INSTANCE_PATH"]) / "media"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_image(stream, message_too_big: str, message_not_image: str) -> str:
    from PIL import Image, UnidentifiedImageError  # when an image comes, not in every worker

    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Refused(message_too_big, "cover")
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            width, height = probe.size
            if width * height > MAX_PIXELS:  # a few kilobytes that decode to gigabytes
                raise Refused(message_not_image, "cover")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        kind = image.format
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError,
            ValueError) as exc:
        raise Refused(message_not_image, "cover") from exc
    if kind not in FORMATS:
        raise Refused(message_not_image, "cover")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    name = f"{secrets.token_hex(16)}.{FORMATS[kind]}"
    # Pillow writes no EXIF/XMP/text chunks unless asked: the saved file is pixels only.
    image.save(media_dir() / name, format=kind)
    return name
