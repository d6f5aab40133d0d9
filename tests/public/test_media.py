"""Media served by the application (public/media.py): only regular files under MEDIA_ROOT, raster
types from an allow-list, nosniff and the sandbox CSP, conditional and range requests, cache lifetimes."""

import os

import pytest

from articles import images
from public import media

pytestmark = pytest.mark.django_db

RENDITION = "renditions/2026/12/" + "0123456789abcdef" * 2 + "-480.webp"


@pytest.fixture
def files(media_root):
    (media_root / "images/2026/12").mkdir(parents=True)
    (media_root / "renditions/2026/12").mkdir(parents=True)
    (media_root / "images/2026/12/photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(200)))
    (media_root / RENDITION).write_bytes(b"RIFF....WEBPVP8 " + b"x" * 100)
    (media_root / "images/2026/12/team.html").write_bytes(b"GIF89a<script>alert(1)</script>")
    return media_root


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_secured(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_an_original_is_served_with_its_type_and_a_day_of_cache(client, files, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/media/images/2026/12/photo.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body(response) == (files / "images/2026/12/photo.png").read_bytes()
    assert response["Content-Length"] == "208"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["Accept-Ranges"] == "bytes" and response["ETag"] and response["Last-Modified"]
    assert_secured(response)
    # The same for everyone: no session, no cookie, no Vary.
    assert not response.has_header("Vary") and not response.cookies


def test_original_lifetime_is_a_setting(client, files, settings):
    settings.MEDIA_CACHE_SECONDS = 600
    assert client.get("/media/images/2026/12/photo.png")["Cache-Control"] == "public, max-age=600"


def test_a_rendition_named_by_its_content_is_immutable(client, files):
    response = client.get("/media/" + RENDITION)
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert images.content_addressed(RENDITION)
    assert not images.content_addressed("renditions/2026/12/dam-480.webp")  # the older names
    assert not images.content_addressed("images/2026/12/" + "0123456789abcdef" * 2 + "-480.webp")


def test_anything_but_an_allowed_raster_type_is_a_download_never_html(client, files):
    response = client.get("/media/images/2026/12/team.html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert_secured(response)


@pytest.mark.parametrize(
    "path",
    [
        "/media/images/2026/12/missing.png",
        "/media/images/2026/12/",
        "/media/images/2026",
        "/media/images/../images/2026/12/photo.png",
        "/media/images/2026/12/%2e%2e/12/photo.png",
        "/media/images/2026/12/../../../../../../etc/hostname",
        "/media/%2e%2e/%2e%2e/%2e%2e/etc/hostname",
        "/media/.secret.png",
        "/media/images//2026/12/photo.png",
    ],
)
def test_only_regular_files_under_the_root(client, files, path):
    (files / ".secret.png").write_bytes(b"hidden")
    response = client.get(path)
    assert response.status_code == 404
    assert_secured(response)


def test_a_nul_byte_is_never_a_file(client, files):
    assert client.get("/media/images/2026/12/photo.png%00.png").status_code in (400, 404)
    assert media._open("images/2026/12/photo.png\x00.png") is None


def test_symlinks_out_of_the_root_are_not_followed(client, files, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "env.png").write_bytes(b"SECRET_KEY=abc")
    os.symlink(outside / "env.png", files / "images/2026/12/env.png")
    os.symlink(outside, files / "images/2026/12/dir")
    assert client.get("/media/images/2026/12/env.png").status_code == 404
    assert client.get("/media/images/2026/12/dir/env.png").status_code == 404


def test_a_fifo_is_not_served(client, files):
    os.mkfifo(files / "images/2026/12/pipe.png")
    assert client.get("/media/images/2026/12/pipe.png").status_code == 404


def test_conditional_requests(client, files):
    first = client.get("/media/images/2026/12/photo.png")
    again = client.get("/media/images/2026/12/photo.png", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "public, max-age=86400"
    assert_secured(again)
    since = client.get(
        "/media/images/2026/12/photo.png", headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304
    stale = client.get("/media/images/2026/12/photo.png", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200
    assert client.get("/media/images/2026/12/photo.png", headers={"If-Match": '"other"'}).status_code == 412


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-9", 0, 9), ("bytes=200-", 200, 207), ("bytes=-8", 200, 207), ("bytes=100-100000", 100, 207)],
)
def test_one_byte_range(client, files, header, start, end):
    whole = (files / "images/2026/12/photo.png").read_bytes()
    response = client.get("/media/images/2026/12/photo.png", headers={"Range": header})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/208"
    assert response["Content-Length"] == str(end - start + 1)
    assert body(response) == whole[start : end + 1]
    assert_secured(response)


@pytest.mark.parametrize("header", ["bytes=208-", "bytes=500-600", "bytes=-0", "bytes=9-3"])
def test_a_range_the_file_cannot_satisfy_is_416(client, files, header):
    response = client.get("/media/images/2026/12/photo.png", headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */208"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5", "bytes=a-b", "bytes=-"])
def test_ranges_we_do_not_serve_get_the_whole_file(client, files, header):
    response = client.get("/media/images/2026/12/photo.png", headers={"Range": header})
    assert response.status_code == 200 and len(body(response)) == 208


def test_if_range_that_no_longer_matches_gets_the_whole_file(client, files):
    etag = client.get("/media/images/2026/12/photo.png")["ETag"]
    current = client.get("/media/images/2026/12/photo.png", headers={"Range": "bytes=0-9", "If-Range": etag})
    assert current.status_code == 206
    old = client.get("/media/images/2026/12/photo.png", headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert old.status_code == 200


def test_only_get_and_head(client, files):
    assert client.head("/media/images/2026/12/photo.png").status_code == 200
    response = client.post("/media/images/2026/12/photo.png")
    assert response.status_code == 405
    assert_secured(response)
