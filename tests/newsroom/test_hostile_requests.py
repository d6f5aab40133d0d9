"""No request from anyone gives a 500: every public URL pattern and every desk list and its filters, swept with NUL
bytes, invalid UTF-8, huge numbers, wrong types and oversized values (Hypothesis draws them)."""

import html
import re
from urllib.parse import quote, quote_from_bytes

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory, TagFactory, UserFactory

SPECIAL = [
    "%00",
    "%ff",
    "%c0%af",
    "%ed%a0%80",
    "-1",
    "0",
    "99999999999999999999",
    "1e9",
    "abc",
    "",
    "a" * 3000,
    "%20",
]
values = st.one_of(
    st.sampled_from(SPECIAL),
    st.binary(max_size=24).map(lambda b: quote_from_bytes(b, safe="")),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=30).map(lambda t: quote(t, safe="")),
)
HYPO = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _routes(patterns, prefix=""):
    """Every route of the URLconf as a template ``story/{}/{}/`` (``{}`` where a converter is), so a
    pattern added later is swept too."""
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if not route.startswith(("admin/", "__")):
                yield from _routes(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield re.sub(r"<[^>]+>", "{}", route).lstrip("^").rstrip("$")


PUBLIC_ROUTES = sorted(set(_routes(get_resolver().url_patterns)))


def test_the_sweep_sees_the_site():
    assert {"story/{}/{}/", "tag/{}/", "author/{}/", "feeds/tag/{}/", "search/", "{}/"} <= set(PUBLIC_ROUTES)


@pytest.fixture
def some_stories(db, section):
    tag = TagFactory(name="Oil", slug="oil")
    story = ArticleFactory(section=section, published=True)
    story.tags.add(tag)
    ArticleFactory(section=section)  # a draft
    return story


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC_ROUTES)
@HYPO
@given(data=st.data())
def test_public_urls_never_500(client, some_stories, route, data):
    path = "/" + route.format(*(data.draw(values) for _ in range(route.count("{}"))))
    query = "&".join(
        f"{name}={data.draw(values)}"
        for name in data.draw(
            st.lists(st.sampled_from(["page", "p", "q", "section", "language", "x"]), max_size=3)
        )
    )
    response = client.get(f"{path}?{query}" if query else path)
    assert response.status_code < 500, (path, query, response.status_code)


def _desk_lists():
    return sorted(f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry)


@pytest.fixture
def superuser_client(client, some_stories):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("changelist", _desk_lists())
@HYPO
@given(data=st.data())
def test_desk_lists_and_filters_never_500(superuser_client, changelist, data):
    page = superuser_client.get(changelist)
    assert page.status_code == 200
    # The filter, sort and paging parameters the list itself links to, and a few it does not.
    links = re.findall(r'href="\?([^"#]*)"', page.content.decode())
    names = sorted(
        {kv.split("=", 1)[0] for link in links for kv in html.unescape(link).split("&") if kv}
        | {"p", "q", "o"}
    )
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
    query = "&".join(f"{name}={data.draw(values)}" for name in chosen)
    response = superuser_client.get(f"{changelist}?{query}")
    assert response.status_code < 500, (changelist, query, response.status_code)


@pytest.mark.django_db
@HYPO
@given(term=values, field=st.sampled_from(["section", "tags", "lead_image", "translation_of", "x"]))
def test_desk_autocomplete_never_500(superuser_client, term, field):
    response = superuser_client.get(
        f"/admin/autocomplete/?term={term}&app_label=articles&model_name=article&field_name={field}"
    )
    assert response.status_code < 500, (term, field, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/tag/%00/", "/author/%00/", "/feeds/tag/%00/", "/?section=%00", "/search/?q=a%00b"]
)
def test_a_nul_byte_is_a_bad_request_in_the_site_design(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode() and 'class="error-page' in response.content.decode()
