"""/api/v1/stories: what is public and only that, as valid ninjs 2.1 (IPTC's JSON Schema)."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from api import ninjs
from articles import services
from articles.models import Article, Revision
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    CreditFactory,
    EditorFactory,
    SectionFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def _uris(response):
    return [item["uri"] for item in response.json()["items"]]


def _uri(article):
    return ninjs.story_uri(article.pk)


def test_every_item_of_the_list_and_of_a_story_is_valid_ninjs(api, valid_ninjs, section):
    writer = EditorFactory(display_name="Rêbaz Ahmed", slug="rêbaz-ahmed")
    story = ArticleFactory(
        section=section, published=True, kicker="Exclusive", urgency=3, copyright="© Newsroom"
    )
    CreditFactory(article=story, editor=writer, name="", role="writer")
    CreditFactory(article=story, name="Sara Karim", role="editing")
    CorrectionFactory(article=story)
    story.tags.add(TagFactory(name="Kurdistan Region", slug="کوردستان"))
    ArticleFactory(section=None, published=True, source=SourceFactory(name="Agence", code="AGF"))

    listing = api.get("/api/v1/stories")
    assert listing.status_code == 200
    assert len(listing.json()["items"]) == 2
    for item in listing.json()["items"]:
        valid_ninjs(item)
        assert item["representationtype"] == "partial" and "bodies" not in item

    item = valid_ninjs(api.get(f"/api/v1/stories/{story.pk}").json()["item"])
    assert item["representationtype"] == "full"
    assert item["bodies"] == [{"role": "main", "contenttype": "text/html", "value": story.body}]
    assert item["headlines"][0] == {"role": "main", "contenttype": "text/plain", "value": story.headline}
    assert {"role": "kicker", "contenttype": "text/plain", "value": "Exclusive"} in item["headlines"]
    assert item["by"] == "By Rêbaz Ahmed"
    assert item["people"] == [
        {"name": "Rêbaz Ahmed", "rel": "writer", "uri": "http://127.0.0.1:8000/author/r%C3%AAbaz-ahmed/"},
        {"name": "Sara Karim", "rel": "editing"},
    ]
    assert item["located"] == "ERBIL, Kurdistan Region (Newsroom)"
    assert [s["rel"] for s in item["subjects"]] == ["section", "tag"]
    assert (
        item["subjects"][1]["uri"]
        == "http://127.0.0.1:8000/tag/%DA%A9%D9%88%D8%B1%D8%AF%D8%B3%D8%AA%D8%A7%D9%86/"
    )
    assert item["urgency"] == 3 and item["copyrightnotice"] == "© Newsroom"
    assert {"role": "correction", "contenttype": "text/plain", "value": story.corrections.get().text} in item[
        "descriptions"
    ]


def test_the_publication_time_is_the_one_readers_see_and_the_order_is_newest_first(api):
    now = timezone.now()
    # Published at once under an embargo that lifted an hour ago: readers first saw it then.
    embargoed = ArticleFactory(
        published=True, publish_at=now - timedelta(hours=5), embargo_until=now - timedelta(hours=1)
    )
    older = ArticleFactory(published=True, publish_at=now - timedelta(hours=3))
    newer = ArticleFactory(published=True, publish_at=now - timedelta(minutes=30))

    response = api.get("/api/v1/stories")
    assert _uris(response) == [_uri(newer), _uri(embargoed), _uri(older)]
    times = {item["uri"]: item["firstcreated"] for item in response.json()["items"]}
    assert times[_uri(embargoed)] == ninjs.rfc3339(embargoed.published_time)
    assert ninjs.parse_rfc3339(times[_uri(embargoed)]) == now - timedelta(hours=1)


def test_nothing_readers_cannot_see_is_ever_exposed(api, section):
    now = timezone.now()
    live = ArticleFactory(published=True, section=section)
    hidden = [
        ArticleFactory(status="draft", section=section),
        ArticleFactory(status="in_review", section=section),
        ArticleFactory(published=True, publish_at=now + timedelta(hours=1)),  # scheduled
        ArticleFactory(published=True, embargo_until=now + timedelta(hours=1)),  # embargoed
        ArticleFactory(published=True, expire_at=now - timedelta(minutes=1)),  # expired
        ArticleFactory(status="unpublished", publish_at=now - timedelta(days=1)),
        # A draft that carries an embargo already lifted is still a draft.
        ArticleFactory(status="draft", embargo_until=now - timedelta(hours=1)),
    ]
    assert _uris(api.get("/api/v1/stories")) == [_uri(live)]
    # Nor in a sync (updated_since shows killed stories as tombstones, nothing else that is not live).
    since = (now - timedelta(days=30)).isoformat()
    assert _uris(api.get("/api/v1/stories", {"updated_since": since})) == [_uri(live)]
    for article in hidden:
        response = api.get(f"/api/v1/stories/{article.pk}")
        assert response.status_code == 404, article.status
        assert response.json()["error"]["code"] == "not_found"
        assert article.headline not in response.content.decode()
    for params in ({"language": "en"}, {"section": "world"}, {"limit": 100}):
        assert _uris(api.get("/api/v1/stories", params)) == [_uri(live)]


def test_an_embargo_is_honoured_until_the_second_it_lifts(api):
    now = timezone.now()
    story = ArticleFactory(
        published=True, publish_at=now - timedelta(hours=2), embargo_until=now + timedelta(seconds=5)
    )
    assert api.get(f"/api/v1/stories/{story.pk}").status_code == 404
    Article.objects.filter(pk=story.pk).update(embargo_until=now - timedelta(seconds=1))
    assert api.get(f"/api/v1/stories/{story.pk}").status_code == 200


def test_a_killed_story_is_a_canceled_tombstone_with_nothing_of_its_content(
    api, valid_ninjs, editor_user, chief_editor
):
    story = services.create_article(
        user=editor_user,
        headline="Minister resigns over leaked memo",
        body="<p>Secret text.</p>",
        status="published",
    )
    before = api.get("/api/v1/stories").json()["items"][0]
    services.transition(story, "kill", user=chief_editor, reason="Legal")

    response = api.get(f"/api/v1/stories/{story.pk}")
    assert response.status_code == 410
    item = valid_ninjs(response.json()["item"])
    assert item["pubstatus"] == "canceled"
    assert item["uri"] == before["uri"]
    assert int(item["version"]) > int(before["version"])
    assert ninjs.parse_rfc3339(item["versioncreated"]) >= ninjs.parse_rfc3339(before["versioncreated"])
    text = response.content.decode()
    assert "Minister" not in text and "Secret" not in text
    # Not in the list of what is live; in a partner's sync, so that copies come down.
    assert api.get("/api/v1/stories").json()["items"] == []
    synced = api.get("/api/v1/stories", {"updated_since": before["versioncreated"]}).json()["items"]
    assert synced == [item]


def test_a_story_has_its_corrections_and_the_versions_readers_saw(api, editor_user):
    story = services.create_article(
        user=editor_user, headline="Dam opens", body="<p>Water.</p>", status="published"
    )
    services.update_article(story, user=editor_user, body="<p>Water flows.</p>")
    services.add_correction(story, kind="correction", text="The dam opened on Monday.", user=editor_user)
    data = api.get(f"/api/v1/stories/{story.pk}").json()
    assert [c["kind"] for c in data["corrections"]] == ["correction"]
    assert data["corrections"][0]["text"] == "The dam opened on Monday."
    versions = data["versions"]
    assert len(versions) == 3  # as published, the edit, the correction
    assert versions[-1]["version"] == data["item"]["version"]
    published = ninjs.parse_rfc3339(data["item"]["firstcreated"])
    assert published <= ninjs.parse_rfc3339(versions[0]["versioncreated"]) < published + timedelta(seconds=5)
    times = [ninjs.parse_rfc3339(v["versioncreated"]) for v in versions]
    assert times == sorted(times)


def test_versions_saved_under_a_schedule_are_one_the_version_that_went_live(api, editor_user):
    now = timezone.now()
    story = services.create_article(user=editor_user, headline="Budget day", body="<p>Numbers.</p>")
    services.transition(story, "publish", user=editor_user, publish_at=now + timedelta(hours=1))
    story.refresh_from_db()
    services.update_article(story, user=editor_user, body="<p>More numbers.</p>")
    # Two hours on: both saves were made before it went live, an hour ago.
    Revision.objects.filter(article=story).update(created_at=F("created_at") - timedelta(hours=2))
    Article.objects.filter(pk=story.pk).update(publish_at=now - timedelta(hours=1))
    data = api.get(f"/api/v1/stories/{story.pk}").json()
    assert len(data["versions"]) == 1
    assert data["versions"][0]["versioncreated"] == data["item"]["firstcreated"]


def test_filters_section_tag_author_language(api):
    world, sport = SectionFactory(slug="world"), SectionFactory(slug="sport")
    tag = TagFactory(slug="dams")
    writer = EditorFactory(slug="jane")
    a = ArticleFactory(published=True, section=world, language="en")
    b = ArticleFactory(published=True, section=sport, language="ckb")
    c = ArticleFactory(published=True, section=world, language="ar")
    a.tags.add(tag)
    CreditFactory(article=c, editor=writer, name="")

    assert set(_uris(api.get("/api/v1/stories", {"section": "world"}))) == {_uri(a), _uri(c)}
    assert _uris(api.get("/api/v1/stories", {"tag": "dams"})) == [_uri(a)]
    assert _uris(api.get("/api/v1/stories", {"author": "jane"})) == [_uri(c)]
    assert _uris(api.get("/api/v1/stories", {"language": "ckb"})) == [_uri(b)]
    assert _uris(api.get("/api/v1/stories", {"language": "CKB"})) == [_uri(b)]
    assert _uris(api.get("/api/v1/stories", {"section": "world", "language": "ar"})) == [_uri(c)]
    assert _uris(api.get("/api/v1/stories", {"section": "nowhere"})) == []
    # A tag used only by a draft is as unknown as one that does not exist.
    draft = ArticleFactory(status="draft")
    draft.tags.add(TagFactory(slug="secret-plan"))
    assert _uris(api.get("/api/v1/stories", {"tag": "secret-plan"})) == []
    # An inactive section's stories are not listed under it (the site has no page for it either).
    world.is_active = False
    world.save()
    assert _uris(api.get("/api/v1/stories", {"section": "world"})) == []


def test_updated_since_finds_edits_readers_were_not_told_about(api, editor_user):
    story = services.create_article(
        user=editor_user, headline="Quiet fix", body="<p>Teh text.</p>", status="published"
    )
    other = ArticleFactory(published=True)
    Article.objects.filter(pk=other.pk).update(modified_at=timezone.now() - timedelta(days=2))
    first = api.get(f"/api/v1/stories/{story.pk}").json()["item"]
    mark = timezone.now()
    services.update_article(story, user=editor_user, body="<p>The text.</p>")
    changed = api.get("/api/v1/stories", {"updated_since": mark.isoformat()})
    assert _uris(changed) == [_uri(story)]
    item = changed.json()["items"][0]
    assert item["versioncreated"] > first["versioncreated"] and item["version"] != first["version"]
    assert item["firstcreated"] == first["firstcreated"]  # a fix never moves the publication time


def test_cursor_pagination_walks_every_story_once_even_at_the_same_time(api):
    when = timezone.now() - timedelta(hours=1)
    same_time = [ArticleFactory(published=True, publish_at=when) for _ in range(5)]
    others = [ArticleFactory(published=True, publish_at=when - timedelta(minutes=i + 1)) for i in range(4)]
    seen, params, pages = [], {"limit": 2}, 0
    while True:
        response = api.get("/api/v1/stories", params)
        data = response.json()
        seen += _uris(response)
        pages += 1
        if data["next_cursor"] is None:
            assert data["next"] is None and "Link" not in response
            break
        assert response["Link"] == f'<{data["next"]}>; rel="next"'
        assert data["next"].startswith("http://127.0.0.1:8000/api/v1/stories?")
        params = {"limit": 2, "cursor": data["next_cursor"]}
    expected = [_uri(a) for a in sorted(same_time, key=lambda a: -a.pk)] + [_uri(a) for a in others]
    assert seen == expected
    assert pages == 5


def test_a_picture_comes_with_every_rendition(api, valid_ninjs, media_root):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage

    from articles.images import save_image
    from articles.models import Image

    buffer = io.BytesIO()
    PILImage.new("RGB", (1000, 600), (200, 40, 40)).save(buffer, "JPEG")
    image = Image(
        file=SimpleUploadedFile("x.jpg", buffer.getvalue()),
        alt_text="A red square",
        caption="Red.",
        credit="Photo: Jane",
    )
    save_image(image)
    story = ArticleFactory(published=True, lead_image=image)
    for item in (
        api.get(f"/api/v1/stories/{story.pk}").json()["item"],
        api.get("/api/v1/stories").json()["items"][0],
    ):
        valid_ninjs(item)
        (picture,) = item["associations"]
        assert (
            picture["name"] == "featureimage"
            and picture["type"] == "picture"
            and picture["by"] == "Photo: Jane"
        )
        assert {"role": "alt", "contenttype": "text/plain", "value": "A red square"} in picture[
            "descriptions"
        ]
        names = [r["name"] for r in picture["renditions"]]
        assert names == [
            "original",
            "jpeg-480",
            "jpeg-960",
            "jpeg-1000",
            "webp-480",
            "webp-960",
            "webp-1000",
        ]
        for rendition in picture["renditions"]:
            assert rendition["href"].startswith("http://127.0.0.1:8000/media/")
            assert rendition["width"] and rendition["height"]
        # Each rendition the API names is served.
        for rendition in picture["renditions"][1:]:
            path = rendition["href"].removeprefix("http://127.0.0.1:8000")
            assert api.client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("api:story", {"pk": 12}),
        ("public:story", {"pk": 987654321, "slug": "بەنداو-dam"}),
        ("public:story", {"pk": 5, "slug": "-"}),
        ("public:tag", {"slug": "کوردستان"}),
        ("public:section", {"slug": "world"}),
        ("public:author", {"slug": "rêbaz-ahmed"}),
    ],
)
def test_fast_links_are_what_reverse_gives(name, kwargs, settings):
    from django.urls import reverse

    assert ninjs.link_to(name, **kwargs) == ninjs.link(reverse(name, kwargs=kwargs))
    settings.SITE_URL = "https://news.example.org"
    assert ninjs.link_to(name, **kwargs) == ninjs.link(reverse(name, kwargs=kwargs))
    assert ninjs.link_to(name, **kwargs).startswith("https://news.example.org/")
