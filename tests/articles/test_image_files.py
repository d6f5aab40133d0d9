"""What is stored for an upload (articles/images.py, articles/imagefiles.py): a random name with the
detected format's extension, no metadata (GPS, camera, XMP, comments, trailing bytes), the same
pixels; renditions named by their own content; the pixel budget judged before decoding."""

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import ImageChops, ImageCms, ImageDraw, PngImagePlugin

from articles import imagefiles, images
from articles.models import Image

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
GENERATED = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp|gif)")
SECRETS = (b"Canon", b"EOS R5", b"36.1911", b"secret comment", b"<html>", b"xmpmeta")


def drawing(size=(300, 200), mode="RGB") -> PILImage.Image:
    picture = PILImage.new(mode, size, "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle([(20, 20), (size[0] // 2, size[1] - 30)], fill="red")
    draw.ellipse([(size[0] // 2, 10), (size[0] - 10, size[1] // 2)], fill="blue")
    return picture


def camera_exif(orientation=1) -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Canon", "EOS R5", orientation
    exif.get_ifd(0x8825).update(
        {1: "N", 2: (36.0, 11.0, 28.0), 3: "E", 4: (44.0, 0.0, 33.0), 0x1B: "36.1911"}
    )
    return exif


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>36.1911</exif:GPSLatitude></x:xmpmeta>'


def encoded(picture: PILImage.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


def stored(data: bytes, name="upload.jpg"):
    upload = SimpleUploadedFile(name, data)
    content = images.stored_original(upload)
    return content.name, content.read()


def same_pixels(a: bytes, b: bytes) -> bool:
    with PILImage.open(io.BytesIO(a)) as first, PILImage.open(io.BytesIO(b)) as second:
        return (
            first.size == second.size
            and ImageChops.difference(first.convert("RGBA"), second.convert("RGBA")).getbbox() is None
        )


def assert_clean(data: bytes):
    for secret in SECRETS:
        assert secret not in data, secret
    with PILImage.open(io.BytesIO(data)) as opened:
        assert len(opened.getexif()) == 0
        assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(opened.info)


def test_a_jpeg_loses_gps_camera_xmp_comment_and_trailing_bytes_but_not_its_pixels_or_profile():
    data = encoded(
        drawing(),
        "JPEG",
        exif=camera_exif(),
        xmp=XMP,
        comment=b"secret comment",
        icc_profile=SRGB,
        quality=90,
    )
    data += b"<html><script>alert(1)</script></html>"
    with PILImage.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the fixture does carry a GPS position
    name, clean = stored(data)
    assert GENERATED.fullmatch(name) and name.endswith(".jpg")
    assert_clean(clean)
    assert same_pixels(data, clean)
    with PILImage.open(io.BytesIO(clean)) as opened:
        assert opened.info["icc_profile"] == SRGB


def test_a_turned_jpeg_is_stored_upright_without_exif():
    data = encoded(drawing((300, 200)), "JPEG", exif=camera_exif(orientation=6), quality=95)
    _, clean = stored(data)
    assert_clean(clean)
    with PILImage.open(io.BytesIO(clean)) as opened, PILImage.open(io.BytesIO(data)) as original:
        assert opened.size == (200, 300)
        upright = original.transpose(PILImage.Transpose.ROTATE_270)
        difference = ImageChops.difference(opened.convert("RGB"), upright.convert("RGB"))
        assert max(high for _, high in difference.getextrema()) < 60  # one more JPEG generation, same picture


def test_a_png_loses_its_text_and_exif_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret comment")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    data = encoded(drawing(mode="RGBA"), "PNG", pnginfo=info, exif=camera_exif(), icc_profile=SRGB)
    name, clean = stored(data + b"<html>", name="team.html")
    assert name.endswith(".png")
    assert_clean(clean)
    assert same_pixels(data, clean)
    assert b"tEXt" not in clean and b"iTXt" not in clean and b"eXIf" not in clean and b"iCCP" in clean


def test_a_webp_loses_exif_and_xmp():
    data = encoded(drawing(), "WEBP", exif=camera_exif(), xmp=XMP, icc_profile=SRGB, quality=80)
    name, clean = stored(data + b"<html>", name="photo.gif")
    assert name.endswith(".webp")
    assert_clean(clean)
    assert same_pixels(data, clean)
    with PILImage.open(io.BytesIO(clean)) as opened:
        assert opened.info["icc_profile"] == SRGB


def test_an_animated_gif_keeps_its_frames_and_loses_its_comment():
    frames = [drawing((80, 60)).rotate(angle).convert("P") for angle in (0, 90, 180)]
    data = encoded(
        frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0, comment=b"<html>"
    )
    name, clean = stored(data + b"<script>", name="team.html")
    assert name.endswith(".gif")
    assert_clean(clean)
    with PILImage.open(io.BytesIO(clean)) as opened:
        assert opened.n_frames == 3 and opened.info.get("loop") == 0
        for index in range(3):
            opened.seek(index)
            assert (
                ImageChops.difference(opened.convert("RGB"), frames[index].convert("RGB")).getbbox() is None
            )


def test_a_file_the_copier_cannot_follow_is_decoded_and_written_again():
    data = encoded(drawing(), "PNG")
    broken = data[:8] + b"\x00\x00\x00\x05" + data[12:]  # IHDR's length no longer matches its data
    with pytest.raises(imagefiles.NeedsDecoding):
        imagefiles.without_metadata(broken, "PNG")


@pytest.mark.parametrize(("fmt", "name"), [("BMP", "photo.png"), ("TIFF", "photo.jpg"), ("ICO", "x.gif")])
def test_formats_outside_the_allow_list_are_refused(fmt, name):
    with pytest.raises(images.ImageRejected, match=f"{fmt} files are not accepted"):
        stored(encoded(drawing((64, 64)), fmt), name=name)


def test_the_frames_of_an_animation_count_against_the_pixel_budget(settings):
    settings.IMAGE_MAX_PIXELS = 10_000
    frames = [drawing((60, 60)).rotate(angle).convert("P") for angle in (0, 90, 180, 270)]
    animation = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(images.ImageRejected, match="too large in pixels"):
        images.validate_upload(SimpleUploadedFile("a.gif", animation))
    images.validate_upload(SimpleUploadedFile("one.gif", encoded(frames[0], "GIF")))  # 3,600 pixels: fine


@pytest.mark.django_db
def test_renditions_are_named_by_their_content_not_after_the_original(media_root):
    data = encoded(drawing((1000, 600)), "JPEG", exif=camera_exif())
    image = images.save_image(Image(file=SimpleUploadedFile("team.html", data), alt_text="Shapes"))
    stem = image.file.name.rsplit("/", 1)[-1].split(".")[0]
    assert GENERATED.fullmatch(image.file.name.rsplit("/", 1)[-1]) and image.file.name.startswith("images/")
    assert (image.width, image.height) == (1000, 600)
    assert_clean((media_root / image.file.name).read_bytes())
    renditions = list(image.renditions.all())
    assert len(renditions) == 6  # 480, 960 and 1000 px; WebP and JPEG
    for rendition in renditions:
        assert images.content_addressed(rendition.file.name), rendition.file.name
        assert stem not in rendition.file.name
        content = (media_root / rendition.file.name).read_bytes()
        assert rendition.file.name.rsplit("/", 1)[-1].startswith(hashlib.sha256(content).hexdigest()[:32])
    again = images.save_image(Image(file=SimpleUploadedFile("same.jpg", data), alt_text="Shapes"))
    assert again.file.name != image.file.name  # an original's name says nothing about its content
    assert sorted(r.file.name for r in again.renditions.all()) == sorted(r.file.name for r in renditions)


@pytest.mark.django_db
def test_renditions_of_a_big_jpeg_are_decoded_at_a_reduced_scale(media_root, settings):
    settings.IMAGE_RENDITION_WIDTHS = [200, 400]
    data = encoded(drawing((3200, 2000)), "JPEG", quality=85)
    image = images.save_image(Image(file=SimpleUploadedFile("big.jpg", data), alt_text="Shapes"))
    source, width, height = images._rendition_source(image, 400)
    assert (width, height) == (3200, 2000)
    assert source.size == (800, 500)  # 1/4 scale: still covers 400 px, a sixteenth of the pixels
    assert sorted(image.renditions.values_list("width", "height", "format")) == [
        (200, 125, "jpeg"),
        (200, 125, "webp"),
        (400, 250, "jpeg"),
        (400, 250, "webp"),
    ]


def test_a_truncated_jpeg_is_refused_though_it_is_checked_at_a_reduced_scale():
    data = encoded(drawing((1600, 1200)), "JPEG", quality=90)
    with pytest.raises(images.ImageRejected, match="not a picture we can read"):
        images.validate_upload(SimpleUploadedFile("cut.jpg", data[: len(data) // 2]))
    assert images.validate_upload(SimpleUploadedFile("whole.jpg", data)) == (1600, 1200, "JPEG")


@pytest.mark.django_db
def test_a_big_png_is_shrunk_by_a_whole_factor_before_the_renditions_are_resized(media_root, settings):
    settings.IMAGE_RENDITION_WIDTHS = [100]
    image = images.save_image(
        Image(file=SimpleUploadedFile("big.png", encoded(drawing((1000, 500)), "PNG")), alt_text="Shapes")
    )
    source, width, height = images._rendition_source(image, 100)
    assert (width, height, source.size) == (1000, 500, (200, 100))
    assert sorted(image.renditions.values_list("width", "height")) == [(100, 50), (100, 50)]
