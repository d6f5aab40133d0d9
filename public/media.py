"""Uploaded media served by the application itself: one machine needs nothing else to start.

``serve`` answers ``MEDIA_URL<name>`` from ``MEDIA_ROOT``. Every file there is treated as hostile:

- only a regular file inside ``MEDIA_ROOT`` is served: no ``..``, no dot files, no symlink leading
  out of the root (the resolved path must stay under it, and the file is opened with ``O_NOFOLLOW``);
- the content type comes from a fixed allow-list of raster types; anything else is sent as
  ``application/octet-stream`` with ``Content-Disposition: attachment``, never as HTML;
- every answer carries ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy: sandbox;
  default-src 'none'``, so even a file a browser would render runs no script and reaches no origin.

It speaks HTTP caching the way a static file server does: a strong ``ETag`` and ``Last-Modified``
from the file's size and modification time, 304/412 on conditional requests, one byte range (206,
416 for a range the file cannot satisfy). Renditions are named by a hash of their content
(``articles.images.content_addressed``), so they are cached for a year as ``immutable``; other files
(originals, uploaded before that naming) for ``MEDIA_CACHE_SECONDS``.

It reads no session, user or page cache: the answer is the same for everyone, with no ``Vary``.
Under gunicorn a whole file goes out with ``sendfile``. For a media host apart from the site, see
docs/deployment.md and docs/security.md.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from articles.images import content_addressed

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "avif": "image/avif",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
}
IMMUTABLE = "public, max-age=31536000, immutable"
RANGE = re.compile(r"bytes=(\d*)-(\d*)")
RANGE_BLOCK = 64 * 1024


def cache_seconds() -> int:
    return settings.MEDIA_CACHE_SECONDS


def serve(request, name: str):
    if request.method not in ("GET", "HEAD"):
        return _secured(HttpResponseNotAllowed(["GET", "HEAD"]))
    opened = _open(name)
    if opened is None:
        return _not_found()
    fd, size, mtime = opened
    etag = f'"{mtime:x}-{size:x}"'
    last_modified = mtime // 1_000_000_000
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        os.close(fd)
        return _headers(not_modified, name, etag, last_modified)
    byte_range = _range(request, size, etag, last_modified)
    if byte_range == "unsatisfiable":
        os.close(fd)
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _headers(response, name, etag, last_modified)
    response = _file_response(os.fdopen(fd, "rb"), name, size, byte_range)
    return _headers(response, name, etag, last_modified)


def _open(name: str) -> tuple[int, int, int] | None:
    """(fd, size, mtime in ns) of the regular file ``name`` under MEDIA_ROOT, or None."""
    parts = name.split("/")
    if "\x00" in name or "\\" in name or any(not part or part.startswith(".") for part in parts):
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        path = (root / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(root) or path == root:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return None
    return fd, info.st_size, info.st_mtime_ns


def _range(request, size: int, etag: str, last_modified: int):
    """The one ``(start, end)`` (inclusive) asked for, "unsatisfiable", or None for the whole file.

    A Range header that does not parse, asks for several ranges, or comes with an ``If-Range`` that
    no longer matches is ignored (RFC 9110 §14.2): the whole file is the right answer then."""
    header = request.headers.get("Range", "")
    match = RANGE.fullmatch(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    if_range = request.headers.get("If-Range")
    if if_range and if_range != etag and parse_http_date_safe(if_range) != last_modified:
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return "unsatisfiable"
    return start, end


class _Slice:
    """Reads ``length`` bytes of a file from ``start``. No ``fileno``: a WSGI server's sendfile would
    send to the end of the file, so a part is streamed in blocks instead."""

    def __init__(self, file, start: int, length: int):
        file.seek(start)
        self.file, self.left = file, length

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.file.read(n) if n else b""
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.file.close()


def _file_response(file, name: str, size: int, byte_range) -> FileResponse:
    content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    attachment = content_type is None
    if byte_range is None:
        response = FileResponse(file, content_type=content_type or "application/octet-stream")
    else:
        start, end = byte_range
        response = FileResponse(
            _Slice(file, start, end - start + 1), content_type=content_type or "application/octet-stream"
        )
        response.block_size = RANGE_BLOCK
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    if attachment:
        response["Content-Disposition"] = "attachment"
    return response


def _headers(response, name: str, etag: str, last_modified: int):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = IMMUTABLE if content_addressed(name) else f"public, max-age={cache_seconds()}"
    return _secured(response)


def _not_found() -> HttpResponse:
    response = HttpResponse(b"Not found\n", status=404, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return _secured(response)


def _secured(response):
    for header, value in SECURITY_HEADERS.items():
        response[header] = value
    return response
