"""Under a real gunicorn with DEBUG off, every image URL the site prints answers, with the right type.

The URLs are read out of the pages as a browser or a social network would: ``<img src>``, every
``srcset`` candidate, ``og:image``, ``twitter:image``, the JSON-LD ``image``, and any image in the
feeds. Nothing here names a media path itself.
"""

import html
import io
import json
import re
import urllib.request
from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import ImageDraw

from articles import images
from articles.models import Image
from public.media import CONTENT_TYPES
from tests.factories import ArticleFactory, SectionFactory
from tests.servers import gunicorn

pytestmark = pytest.mark.django_db(transaction=True)

PILLOW_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class ImageURLs(HTMLParser):
    """Every image URL in a page: img/src, img and source srcset, og:image, twitter:image, JSON-LD."""

    def __init__(self):
        super().__init__()
        self.urls: dict[str, set[str]] = {}  # url -> where it was found
        self._json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("src"):
            self.found(attrs["src"], "img src")
        if tag in ("img", "source") and attrs.get("srcset"):
            for candidate in attrs["srcset"].split(","):
                self.found(candidate.split()[0], f"{tag} srcset")
        if tag == "meta" and (attrs.get("property") or attrs.get("name")) in ("og:image", "twitter:image"):
            self.found(attrs["content"], attrs.get("property") or attrs.get("name"))
        self._json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._json_ld:
            found = json.loads(data).get("image") or []
            for item in [found] if isinstance(found, str | dict) else found:
                self.found(item["url"] if isinstance(item, dict) else item, "JSON-LD image")

    def handle_endtag(self, tag):
        self._json_ld = False

    def found(self, url: str, where: str) -> None:
        self.urls.setdefault(url, set()).add(where)


def fetch(url: str, method="GET", **headers):
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


def photo_with_gps() -> bytes:
    picture = PILImage.new("RGB", (2000, 1200), "white")
    ImageDraw.Draw(picture).rectangle([(100, 100), (1200, 1000)], fill="darkgreen")
    exif = PILImage.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (36.0, 11.0, 28.0)})
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


@pytest.fixture
def site(transactional_db, media_root):
    image = images.save_image(
        Image(file=SimpleUploadedFile("dam.jpg", photo_with_gps()), alt_text="The dam", caption="Dukan")
    )
    story = ArticleFactory(
        published=True, section=SectionFactory(name="World", slug="world"), headline="Dam", lead_image=image
    )
    with gunicorn(MEDIA_ROOT=str(media_root)) as base:
        yield base, story, image


def image_urls(base: str, path: str) -> dict[str, set[str]]:
    status, _, page = fetch(base + path)
    assert status == 200, path
    parser = ImageURLs()
    parser.feed(page.decode())
    found: dict[str, set[str]] = {}
    for url, places in parser.urls.items():
        found.setdefault(urljoin(base + path, url), set()).update(places)
    return found


def feed_image_urls(base: str, path: str) -> set[str]:
    status, _, feed = fetch(base + path)
    assert status == 200, path
    text = html.unescape(feed.decode())
    return set(re.findall(r'(?:url|src)="([^"]+\.(?:jpe?g|png|webp|gif|avif))"', text))


def test_every_image_url_the_site_prints_answers_with_its_type(site):
    base, story, image = site
    found = image_urls(base, story.get_absolute_url())
    where = set().union(*found.values())
    assert where >= {
        "img src",
        "img srcset",
        "source srcset",
        "og:image",
        "twitter:image",
        "JSON-LD image",
    }, where
    for url, places in image_urls(base, "/").items():
        found.setdefault(url, set()).update(places)
    for feed in ("/feeds/latest/", "/feeds/latest/atom/", "/feeds/world/"):
        for url in feed_image_urls(base, feed):
            found.setdefault(url, set()).add(feed)
    assert len(found) == 6  # three widths in WebP and JPEG; src, og:image, JSON-LD: the largest JPEG
    for url, where in found.items():
        assert urlsplit(url).netloc == urlsplit(base).netloc, url
        status, headers, body = fetch(url)
        assert status == 200, (where, url)
        expected = CONTENT_TYPES[url.rsplit(".", 1)[-1]]
        assert headers["Content-Type"] == expected, (where, url)
        with PILImage.open(io.BytesIO(body)) as picture:
            assert PILLOW_TYPES[picture.format] == expected, (where, url)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable", (where, url)
        assert "Vary" not in headers and "Set-Cookie" not in headers
        assert int(headers["Content-Length"]) == len(body)


def test_conditional_range_and_head_requests_under_gunicorn(site):
    base, _, image = site
    rendition = base + image.renditions.get(width=960, format="webp").file.url
    status, headers, whole = fetch(rendition)
    assert status == 200
    status, again, body = fetch(rendition, **{"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    assert again["Cache-Control"] == "public, max-age=31536000, immutable"
    status, part, body = fetch(rendition, Range="bytes=10-109")
    assert status == 206 and body == whole[10:110]
    assert part["Content-Range"] == f"bytes 10-109/{len(whole)}" and part["Content-Length"] == "100"
    status, part, body = fetch(rendition, Range=f"bytes=-{len(whole) + 50}")
    assert status == 206 and body == whole
    status, unsatisfiable, _ = fetch(rendition, Range=f"bytes={len(whole)}-")
    assert status == 416 and unsatisfiable["Content-Range"] == f"bytes */{len(whole)}"
    status, head, body = fetch(rendition, method="HEAD")
    assert (status, body, head["Content-Length"]) == (200, b"", str(len(whole)))

    original = base + image.file.url
    status, headers, body = fetch(original)
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "public, max-age=86400"
    with PILImage.open(io.BytesIO(body)) as picture:
        assert len(picture.getexif()) == 0  # the GPS position of the upload is gone

    assert fetch(base + "/media/images/nothing.jpg")[0] == 404
    assert fetch(base + "/media/../newsroom/settings.py")[0] == 404
