"""Metadata out of an uploaded picture, without touching its pixels.

An uploaded original can carry the photographer's GPS position, the camera's serial number, an
editing history (EXIF, XMP, IPTC), comments, and bytes after the end of the image (where a polyglot
keeps its HTML). ``without_metadata`` copies only the structures that make the picture, so the
stored original is the same picture, bit for bit, with nothing else:

- JPEG: every segment but APP1 (EXIF, XMP), APP13 (IPTC), COM and the other APPn; APP0 (JFIF), the
  APP2 ICC colour profile and APP14 (Adobe's colour transform) stay; nothing after EOI.
- PNG: the critical chunks and the ancillary ones that change how it looks (transparency, gamma,
  colour, profile, animation); no text, ``eXIf`` or time chunks; nothing after IEND.
- WebP: the image, alpha, animation and ICC chunks, the VP8X flags corrected; nothing after the RIFF.
- GIF: images and their graphic controls, the loop count; no comments, plain text or other
  application extensions (XMP); nothing after the trailer.

A picture whose EXIF orientation turns it cannot keep its pixels as they are: ``NeedsDecoding`` says
so, and ``reencoded`` applies the orientation and writes it afresh (a JPEG with its own quantisation
tables, so it loses as little as a JPEG can).
"""

from __future__ import annotations

import io
import re
import struct
from typing import cast

from PIL import Image as PILImage
from PIL import ImageOps, JpegImagePlugin

ORIENTATION = 0x0112
_PIXEL_INFO = {"transparency", "background", "duration", "loop", "gamma"}


class NeedsDecoding(ValueError):
    """The picture must be decoded and written again (its orientation turns it, or its structure
    is one these copiers do not follow)."""


def without_metadata(data: bytes, fmt: str) -> bytes:
    try:
        return _copied(data, fmt)
    except (ValueError, IndexError, struct.error) as exc:
        raise NeedsDecoding(fmt) from exc


def _copied(data: bytes, fmt: str) -> bytes:
    with PILImage.open(io.BytesIO(data)) as image:
        if image.getexif().get(ORIENTATION, 1) != 1 and not getattr(image, "is_animated", False):
            raise NeedsDecoding(fmt)
    return {"JPEG": _jpeg, "PNG": _png, "WEBP": _webp, "GIF": _gif}[fmt](data)


def reencoded(image: PILImage.Image) -> bytes:
    """``image`` (decoded, one frame) turned upright and written without metadata but its profile."""
    fmt = image.format
    quality = (
        {
            # Pillow opens a JPEG as a JpegImageFile (which has the tables); its stubs type
            # Image.open's result as the base class only.
            "qtables": cast(JpegImagePlugin.JpegImageFile, image).quantization,
            "subsampling": JpegImagePlugin.get_sampling(image),
        }
        if fmt == "JPEG"
        else {}
    )
    icc = image.info.get("icc_profile")
    ImageOps.exif_transpose(image, in_place=True)
    # Pillow writes some of what it read (a GIF's comment, say) back unless told otherwise.
    image.info = {key: value for key, value in image.info.items() if key in _PIXEL_INFO}
    out = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if quality["subsampling"] == -1:
            del quality["subsampling"]
        image.save(out, "JPEG", **quality, **options)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=90, **options)
    else:
        image.save(out, fmt, **options)
    return out.getvalue()


# --- JPEG ------------------------------------------------------------------------------------------

_JPEG_KEEP_APP = {0xE0: b"", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}
_ENTROPY_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out = [b"\xff\xd8"]
    pos = 2
    while pos < len(data):
        while data[pos] == 0xFF and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        if data[pos] != 0xFF:
            raise ValueError("broken JPEG segment")
        marker = data[pos + 1]
        if marker == 0xD9:  # EOI: what follows is not the picture
            out.append(b"\xff\xd9")
            return b"".join(out)
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        segment = data[pos:end]
        if marker == 0xDA:  # SOS: its entropy-coded data runs to the next marker
            found = _ENTROPY_END.search(data, end)
            end = found.start() if found else len(data)
            segment = data[pos:end]
        keep = not (0xE0 <= marker <= 0xEF or marker == 0xFE)
        if marker in _JPEG_KEEP_APP:
            keep = segment[4:].startswith(_JPEG_KEEP_APP[marker])
        if keep:
            out.append(segment)
        pos = end
    raise ValueError("JPEG without an end")


# --- PNG -------------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = {
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"sBIT",
    b"bKGD",
    b"pHYs",
    b"acTL",
    b"fcTL",
    b"fdAT",
}


def _png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if kind[0:1].isupper() or kind in _PNG_KEEP:  # critical (IHDR, PLTE, IDAT, IEND) or kept
            out.append(data[pos:end])
        if kind == b"IEND":
            return b"".join(out)
        pos = end
    raise ValueError("PNG without an end")


# --- WebP ------------------------------------------------------------------------------------------

_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    (riff_size,) = struct.unpack("<I", data[4:8])
    body, pos, chunks = data[: 8 + riff_size], 12, []
    while pos + 8 <= len(body):
        kind = body[pos : pos + 4]
        (size,) = struct.unpack("<I", body[pos + 4 : pos + 8])
        end = pos + 8 + size + (size & 1)
        chunk = body[pos:end]
        if kind == b"VP8X":
            flags = chunk[8] & ~(_VP8X_EXIF | _VP8X_XMP)
            chunk = chunk[:8] + bytes([flags]) + chunk[9:]
        if kind in _WEBP_KEEP:
            chunks.append(chunk)
        pos = end
    content = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(content)) + content


# --- GIF -------------------------------------------------------------------------------------------

_GIF_LOOP = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def _gif_sub_blocks(data: bytes, pos: int) -> int:
    """The position after the data sub-blocks that start at ``pos`` (each a length byte, then data)."""
    while data[pos] != 0:
        pos += 1 + data[pos]
    return pos + 1


def _gif(data: bytes) -> bytes:
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF")
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    out = [data[:pos]]
    while pos < len(data):
        introducer = data[pos]
        if introducer == 0x3B:  # trailer
            out.append(b"\x3b")
            return b"".join(out)
        if introducer == 0x2C:  # image: descriptor, local colour table, LZW code size, data
            local = data[pos + 9]
            start, pos = pos, pos + 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
            pos = _gif_sub_blocks(data, pos + 1)
            out.append(data[start:pos])
        elif introducer == 0x21:
            label, start = data[pos + 1], pos
            pos = _gif_sub_blocks(data, pos + 2)
            if label == 0xF9 or (label == 0xFF and data[start + 3 : start + 14] in _GIF_LOOP):
                out.append(data[start:pos])
        else:
            raise ValueError("broken GIF block")
    raise ValueError("GIF without an end")
