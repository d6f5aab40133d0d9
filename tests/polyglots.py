"""Hostile files that are also valid pictures, for the upload and media tests."""

import io

from PIL import Image as PILImage

# Run as HTML, this sets the title and calls a URL the tests watch.
SCRIPT = b"<html><body><script>document.title='pwned';fetch('/__pwned__')</script></body></html>"


def gif_html_polyglot() -> bytes:
    """A GIF that Pillow reads as a picture and a browser, told it is HTML, runs as a page: the HTML
    sits in a GIF comment, and again after the trailer."""
    out = io.BytesIO()
    PILImage.new("P", (80, 60), 3).save(out, "GIF", comment=SCRIPT)
    return out.getvalue() + SCRIPT
