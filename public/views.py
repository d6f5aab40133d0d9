"""Public pages. Thin: each reads a named queryset built on ``published()``; ``public_page`` adds the
page cache, validators and Cache-Control (articles/cache.py)."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext

from articles import querysets
from articles.languages import LANGUAGE_CHOICES
from articles.models import Article, Correction, Status
from editors.models import Editor
from public.caching import fragments, public_page, set_last_modified, stored
from public.context_processors import nav_sections
from public.seo import absolute

PAGE_SIZE = 20
LATEST_COUNT = 12
SEARCH_MAX_LENGTH = 200
# The query parameters each kind of page reads (request.public_params); no other can change the page
# or add an entry to the page cache.
LISTING_PARAMS = ("page",)
SEARCH_PARAMS = ("q", "section", "language", "page")


# A listing counts at most this many stories: the count then costs the same at any archive size, and
# older stories are reached through search, tags, feeds and the sitemaps (50 pages of 20 to browse).
LISTING_COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    @cached_property
    def count(self):
        # Only the ids: the listing's annotations (image renditions) would be computed for every row.
        # No order: a count needs none, and without one PostgreSQL stops at the cap from any index
        # (a tag's links, a section's stories) instead of sorting the matches first.
        return self.object_list.order_by().values("pk")[:LISTING_COUNT_CAP].count()


class _PageMoved(Exception):
    def __init__(self, url):
        self.url = url


def _page(request, queryset, per_page=PAGE_SIZE):
    """The page asked for. A page number that is not the page shown (past the last page, not a number,
    ``page=1``, below 1) raises ``_PageMoved`` to the page's own URL, so that invented page numbers neither fill
    the page cache with copies nor show one page under many addresses."""
    asked = request.public_params.get("page")  # an integer as text, or None (cache.normalised_params)
    # Below 1 is the first page (Django's get_page would give the last); past the last, the last.
    page = CappedPaginator(queryset, per_page).get_page(max(int(asked), 1) if asked is not None else None)
    if asked is not None and asked != str(page.number) or asked == "1":
        params = {k: v for k, v in request.public_params.items() if k != "page"}
        if page.number != 1:
            params["page"] = page.number
        raise _PageMoved(request.path + (f"?{urlencode(params)}" if params else ""))
    return page


def _redirect_moved_pages(view):
    """Turns ``_PageMoved`` into a redirect (a 302: the last page moves as stories are added)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _PageMoved as moved:
            return redirect(moved.url)

    return wrapper


def _newest(stories):
    return max((s.modified_at for s in stories if s.modified_at), default=None)


# What a listing reads of each story: its teaser comes from its stored rendering (``stored.py``).
LISTED = ("id", "slug", "modified_at", "section_id", "lead_image_id", "language")


def _listed(queryset):
    return stored.with_stored_teasers(queryset.only(*LISTED).order_by(*querysets.newest_first()))


@public_page(params=())
def home(request):
    latest = list(_listed(Article.objects.published())[: LATEST_COUNT + 1])
    shown = [s.pk for s in latest]
    block_stories = list(
        _listed(Article.objects.published().exclude(pk__in=shown).section_blocks(teasers=False))
    )
    # One query renders every teaser that has no current stored rendering, for both lists.
    listed = {s.pk for s in stored.ensure_teasers(latest + block_stories)}
    latest = [s for s in latest if s.pk in listed]
    lead = next((s for s in latest[:5] if s.lead_image_id), latest[0] if latest else None)
    others = [s for s in latest if s is not lead][:LATEST_COUNT]
    blocks: dict[int, list] = {}
    for story in block_stories:
        if story.pk in listed:
            blocks.setdefault(story.section_id, []).append(story)
    section_blocks = [(s, blocks[s.pk]) for s in nav_sections() if s.pk in blocks]
    response = render(
        request, "articles/home.html", {"lead": lead, "latest": others, "section_blocks": section_blocks}
    )
    set_last_modified(response, _newest(latest))
    return response


@public_page(params=())
def story(request, pk, slug=None):
    # Whether the story may be shown is decided here, on every request (published(): status, publish
    # time, embargo, expiry); only then are its rendered fragments used (articles/fragments.py).
    found = fragments.story_page(pk)
    if found is None:
        if Article.objects.filter(pk=pk, status=Status.KILLED).exists():
            return render(request, "410.html", status=410)
        raise Http404("No such story.")
    if slug != (found.slug or "-"):  # get_absolute_url() writes an empty slug as "-"
        return redirect(
            reverse("public:story", kwargs={"pk": found.pk, "slug": found.slug or "-"}), permanent=True
        )
    response = render(request, "articles/story.html", {"story": found.story, "around": found.around})
    set_last_modified(response, found.last_modified)
    return response


def _listing(request, queryset, context):
    page = _page(request, _listed(queryset))
    page.object_list = stored.ensure_teasers(page.object_list)
    response = render(request, "articles/listing.html", {"page": page, **context})
    set_last_modified(response, _newest(page))
    return response


@public_page(params=LISTING_PARAMS)
@_redirect_moved_pages
def section(request, slug):
    section = next((s for s in nav_sections() if s.slug == slug), None)
    if section is None:
        raise Http404("No such section.")
    return _listing(
        request,
        Article.objects.published().filter(section=section),
        {
            "title": section.name,
            "section": section,
            "feed_url": reverse("public:feed_section", args=[slug]),
        },
    )


@public_page(params=LISTING_PARAMS)
@_redirect_moved_pages
def tag(request, slug):
    tag = get_object_or_404(querysets.public_tags(), slug=slug)
    return _listing(
        request,
        Article.objects.published().filter(tags=tag),
        {"title": tag.name, "tag": tag, "feed_url": reverse("public:feed_tag", args=[slug])},
    )


@public_page(params=LISTING_PARAMS)
@_redirect_moved_pages
def author(request, slug):
    editor = get_object_or_404(Editor, slug=slug, is_active=True)
    return _listing(
        request,
        Article.objects.published().by_author(editor),
        {
            "title": editor.display_name,
            "author": editor,
            "feed_url": reverse("public:feed_author", args=[slug]),
        },
    )


@public_page(params=LISTING_PARAMS)
@_redirect_moved_pages
def corrections(request):
    queryset = (
        Correction.objects.filter(article__in=Article.objects.published())
        .select_related("article")
        .only(
            "kind", "text", "created_at", "article", "article__headline", "article__slug", "article__language"
        )
        .order_by("-created_at", "-id")
    )
    page = _page(request, queryset)
    return render(request, "articles/corrections.html", {"page": page})


def _search_page(request, text, language, section_slug):
    queryset = Article.objects.published()
    if section_slug:
        queryset = queryset.filter(section__slug=section_slug)
    results = queryset.for_teasers().search(text, language=language or None)
    page = _page(request, stored.with_stored_teasers(results))
    page.object_list = stored.ensure_teasers(page.object_list)
    return page


def search_cache_seconds() -> int:
    """How long a page of search results stays in the page cache (a purge ends it at once)."""
    return settings.SEARCH_CACHE_SECONDS


@public_page(params=SEARCH_PARAMS)
@_redirect_moved_pages
def search(request):
    params = request.public_params
    text = params.get("q", "").replace("\x00", "").strip()
    language = params.get("language", "")
    section_slug = params.get("section", "")
    languages = dict(LANGUAGE_CHOICES)
    context = {"q": text, "language": language, "section_slug": section_slug, "languages": LANGUAGE_CHOICES}
    if len(text) > SEARCH_MAX_LENGTH:
        context["error"] = gettext("Please search with at most %(max)s characters.") % {
            "max": SEARCH_MAX_LENGTH
        }
        return render(request, "articles/search.html", context, status=400)
    if language and language not in languages:
        language = context["language"] = ""
    page = _search_page(request, text, language, section_slug) if text else None
    context["page"] = page
    # Search gives the best SEARCH_WINDOW stories, not every match: say so rather than "100 results".
    context["capped"] = page is not None and page.paginator.count >= querysets.SEARCH_WINDOW
    response = render(request, "articles/search.html", context)
    # Any q is a page of its own: kept for SEARCH_CACHE_SECONDS only (the popular searches, asked again
    # and again, are then served like any stored page; a purge, at every publication or kill, ends them
    # at once), so that random queries cannot hold the cache for long. Validators and Cache-Control
    # apply as to every page.
    if "q" in params:
        response.page_cache_seconds = search_cache_seconds()
    return response


@public_page(params=())
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute(reverse('public:sitemap-index'))}",
        f"Sitemap: {absolute(reverse('public:sitemap-news'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def not_found(request, exception=None):
    """The 404 for an address no URL pattern matches, with the ``Cache-Control`` every other public 404
    has (a shared cache must not keep a "not found" for a story about to be published)."""
    from django.utils.cache import patch_cache_control
    from django.views.defaults import page_not_found

    response = page_not_found(request, exception)
    patch_cache_control(response, no_cache=True, max_age=0)
    return response
