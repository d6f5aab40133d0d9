"""A 7000x7000 PNG took 7-10 s and 336 MB in a worker (issue 13, item 11): within IMAGE_MAX_PIXELS, but
a PNG has no reduced scale, so it was decoded whole, twice. Now what a worker decodes at once is
bounded (IMAGE_MAX_DECODE_PIXELS): such a PNG is refused from its header, in a moment and without the
memory; a JPEG of the same size is still taken, decoded at a reduced scale."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image as PILImage

from articles import images

ROOT = Path(__file__).resolve().parents[2]
MEASURE = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
import django; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from articles import images
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    result = list(images.validate_upload(SimpleUploadedFile(sys.argv[2], data)))
except images.ImageRejected as exc:
    result = str(exc)
seconds = time.perf_counter() - start
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({"result": result, "seconds": seconds, "grown_mb": grown}))
"""


def measured(path: Path, name: str) -> dict:
    """validate_upload in a process of its own: its time and how much its peak memory grew."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), name],
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "DATABASE_URL": "postgres://u@127.0.0.1/none"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    picture = PILImage.new("RGB", (7000, 7000), (120, 160, 200))
    picture.paste((200, 60, 30), (1000, 1000, 6000, 6000))
    picture.save(folder / "big.png")
    picture.save(folder / "big.jpg", quality=80)
    return folder


def test_a_7000_by_7000_png_is_refused_quickly_and_without_decoding_it(big):
    outcome = measured(big / "big.png", "poster.png")
    assert "too large in pixels for a PNG, WebP or GIF" in outcome["result"]
    assert outcome["seconds"] < 1.0
    assert outcome["grown_mb"] < 40  # the file itself and Pillow's header parse, not 196 MB of pixels


def test_a_jpeg_of_the_same_size_is_taken_at_a_reduced_scale(big):
    outcome = measured(big / "big.jpg", "photo.jpg")
    assert outcome["result"] == [7000, 7000, "JPEG"]
    assert outcome["grown_mb"] < 60


def test_the_budget_is_a_setting(settings, big):
    settings.IMAGE_MAX_DECODE_PIXELS = 50_000_000
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("poster.png", (big / "big.png").read_bytes())
    assert images.validate_upload(upload) == (7000, 7000, "PNG")
