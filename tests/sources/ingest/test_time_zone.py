"""Source.time_zone: times a file gives without a zone are read in the agency's own zone, for every
format, in one place (``mapping.localise_times``); a time that names its zone is never moved."""

import pickle
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from sources.agencies import time_zone_for
from sources.ingest import mapping
from sources.ingest.pipeline import import_paths
from sources.models import Source, WireItem, validate_time_zone
from sources.wire import parse_bytes
from sources.wire.base import ZONELESS, ParsedStory, is_zoneless

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "wire"

NITF = b"""<?xml version="1.0"?>
<nitf><head><docdata><doc-id regsrc="XX" id-string="tz-1"/><date.issue norm="%s"/></docdata></head>
<body><body.head><hedline><hl1>Dam reopened</hl1></hedline></body.head>
<body.content><p>The dam reopened on Monday after repairs that took a month.</p></body.content></body></nitf>"""


def test_a_zone_name_is_validated_with_zoneinfo():
    validate_time_zone("Europe/Berlin")
    validate_time_zone("UTC")
    for bad in ("Mars/Olympus", "Europe/../etc", "", "+03:00"):
        with pytest.raises(ValidationError, match="IANA time zone"):
            validate_time_zone(bad)


def test_known_agencies_have_their_zone_and_others_utc():
    assert time_zone_for("dpa") == time_zone_for("dpa-tns") == time_zone_for("DPA") == "Europe/Berlin"
    assert time_zone_for("AAP") == "Australia/Sydney" and time_zone_for("NTB") == "Europe/Oslo"
    assert time_zone_for("K24") == "Asia/Baghdad" and time_zone_for("Kyodo") == "Asia/Tokyo"
    assert time_zone_for("nobody") == "UTC"


def test_parsers_mark_zone_less_times_and_keep_zoned_ones():
    _, (story,) = parse_bytes(NITF % b"20250301T090000")
    assert is_zoneless(story.version_at) and story.version_at == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    _, (story,) = parse_bytes(NITF % b"20250301T090000+0100")
    assert not is_zoneless(story.version_at)
    assert pickle.loads(pickle.dumps(story)).version_at == story.version_at  # parse workers pickle
    assert pickle.loads(pickle.dumps(ZONELESS)) is ZONELESS


def test_localise_reads_wall_time_in_the_zone_across_daylight_saving():
    story = ParsedStory(
        headline="x",
        version_at=datetime(2025, 1, 10, 12, 0, tzinfo=ZONELESS),
        embargo_until=datetime(2025, 7, 10, 12, 0, tzinfo=ZONELESS),
        first_created=datetime(2025, 1, 10, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
    )
    assert mapping.localise_times(story, ZoneInfo("Europe/Berlin"))
    assert story.version_at == datetime(2025, 1, 10, 11, 0, tzinfo=UTC) and story.version_at.tzinfo is UTC
    assert story.embargo_until == datetime(2025, 7, 10, 10, 0, tzinfo=UTC)  # summer time
    assert story.first_created == datetime(2025, 1, 10, 3, 0, tzinfo=UTC)  # named its zone: unchanged


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("UTC", datetime(2025, 3, 1, 9, 0, tzinfo=UTC)),
        ("Australia/Sydney", datetime(2025, 2, 28, 22, 0, tzinfo=UTC)),
    ],
)
def test_the_source_zone_decides_a_zone_less_time(tmp_path, zone, expected):
    Source.objects.create(name="Xx", code="XX", slug="xx", time_zone=zone)
    path = tmp_path / "story.xml"
    path.write_bytes(NITF % b"20250301T090000")
    report = import_paths([str(path)], source_code="XX")
    assert report.counts["created"] == 1, report.errors
    item = WireItem.objects.get()
    assert item.version_at == expected
    assert item.parsed["version_at"] == expected.isoformat()  # the stored copy says the same


@pytest.mark.django_db
def test_a_time_naming_its_zone_ignores_the_source_zone(tmp_path):
    Source.objects.create(name="Xx", code="XX", slug="xx", time_zone="Asia/Tokyo")
    path = tmp_path / "story.xml"
    path.write_bytes(NITF % b"20250301T090000Z")
    import_paths([str(path)], source_code="XX")
    assert WireItem.objects.get().version_at == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_source_created_by_an_import_gets_its_agency_zone():
    import_paths([str(CORPUS / "iptc7901" / "dpa_two_line.txt")])
    source = Source.objects.get(code="DPA")
    assert source.time_zone == "Europe/Berlin"
    # its date-time group says GMT (212101 GMT Nov 18): the Berlin zone does not move it
    assert WireItem.objects.get().version_at == datetime(2018, 11, 21, 21, 1, tzinfo=UTC)


@pytest.mark.django_db
def test_the_desk_sets_the_zone_in_the_source_admin(rf: RequestFactory, admin_user):
    model_admin = admin.site._registry[Source]
    request = rf.get("/")
    request.user = admin_user
    form_class = model_admin.get_form(request)
    assert "time_zone" in form_class.base_fields
    data = {"name": "AAP", "code": "AAP", "slug": "aap", "kind": "agency", "language": "en", "active": True}
    assert not form_class(data={**data, "time_zone": "Sydney"}).is_valid()
    form = form_class(data={**data, "time_zone": "Australia/Sydney"})
    assert form.is_valid(), form.errors
    assert form.save().zone == ZoneInfo("Australia/Sydney")
    assert "time_zone" in model_admin.get_list_display(request)


def test_a_feed_time_without_a_zone_is_marked_and_one_with_a_zone_is_not():
    def first_created(date: str):
        rss = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://x.org/</link>'
            f"<description>d</description><item><title>x</title><guid>g1</guid><description>y</description>"
            f"<pubDate>{date}</pubDate></item></channel></rss>"
        ).encode()
        return parse_bytes(rss)[1][0].first_created

    assert is_zoneless(first_created("2025-03-03T09:00:00"))
    for zoned in ("Mon, 03 Mar 2025 09:00:00 GMT", "Mon, 03 Mar 2025 09:00:00 +0300", "2025-03-03T09:00:00Z"):
        assert not is_zoneless(first_created(zoned))
