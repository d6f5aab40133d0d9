from django import template
from django.utils import dateformat, timezone, translation
from django.utils.html import format_html
from django.utils.translation import pgettext_lazy

from articles import languages
from articles.languages import endonym, text_direction

register = template.Library()

# The phrase before the names of each credit role, for readers: translated when shown, in the language
# active then (the story's, articles/fragments.py). The model's role labels are the desk's.
ROLE_PHRASES = {
    "writer": pgettext_lazy("credit", "By"),
    "reporting": pgettext_lazy("credit", "Reporting by"),
    "additional": pgettext_lazy("credit", "Additional reporting by"),
    "editing": pgettext_lazy("credit", "Editing by"),
    "translation": pgettext_lazy("credit", "Translation by"),
    "photo": pgettext_lazy("credit", "Photos by"),
}

# Correction kinds as readers see them (the model's labels are the desk's, and changing them would
# change the model's choices): translated at display time.
CORRECTION_KINDS = {
    "correction": pgettext_lazy("correction kind", "Correction"),
    "clarification": pgettext_lazy("correction kind", "Clarification"),
    "update": pgettext_lazy("correction kind", "Update"),
    "editors_note": pgettext_lazy("correction kind", "Editor's note"),
}


@register.simple_tag
def credit_groups(article):
    """[("By", [credit, ...]), ("Editing by", [...])] in role order, from the prefetched credits; each
    phrase in the active language."""
    groups: dict[str, list] = {}
    for credit in article.credits.all():
        groups.setdefault(credit.role, []).append(credit)
    return [(str(ROLE_PHRASES.get(role, role)), credits) for role, credits in groups.items()]


@register.filter
def correction_kind(kind):
    """A correction's kind (``correction``, ``editors_note``...) for readers, in the active language."""
    label = CORRECTION_KINDS.get(kind)
    return str(label) if label is not None else kind.replace("_", " ").capitalize()


def _cached_include(context, name: str, key: str):
    """``name`` rendered once per ``key`` (``public.caching.keys``: it carries the template's digest and
    the language)."""
    from django.core.cache import cache
    from django.utils.safestring import mark_safe

    from public.caching import purging

    html = purging.local_get(key) or cache.get(key)
    if html is None:
        html = context.template.engine.get_template(name).render(context)
        cache.set(key, str(html), 3600)
    purging.local_set(key, str(html))
    return mark_safe(html)  # noqa: S308 - a rendered template


_HEAD_LINKS: dict = {}


@register.simple_tag(takes_context=True)
def site_head_links(context):
    """``includes/head_links.html`` (fonts, stylesheet, icon, feeds): the same on every page for the
    life of the process (the static manifest, the URLconf and the catalogues are fixed), so kept in the
    process, never in a shared cache where a deploy's new static names would not reach it; one copy a
    language (the feeds' titles are translated)."""
    from django.utils.safestring import mark_safe

    from public.caching import keys

    key = keys.head_links_key(context.get("SITE_NAME"))
    if key not in _HEAD_LINKS:
        html = context.template.engine.get_template("includes/head_links.html").render(context)
        _HEAD_LINKS[key] = str(html)
    return mark_safe(_HEAD_LINKS[key])  # noqa: S308 - a rendered template


@register.simple_tag(takes_context=True)
def site_header(context):
    """``includes/header.html``, rendered once per page-cache generation, current section and language
    (the navigation changes only with a purge); a search page (``q``) renders it each time."""
    from public.caching import generation, keys

    section = context.get("section")
    if context.get("q") or context.get("is_preview"):
        return context.template.engine.get_template("includes/header.html").render(context)
    return _cached_include(
        context, "includes/header.html", keys.header_key(generation(), getattr(section, "pk", None))
    )


@register.simple_tag(takes_context=True)
def site_footer(context):
    """``includes/footer.html``, rendered once a year and language (it shows the year and fixed links)."""
    from django.utils import timezone

    from public.caching import keys

    return _cached_include(context, "includes/footer.html", keys.footer_key(timezone.localdate().year))


@register.simple_tag(takes_context=True)
def nav_items(context, section=None):
    """The navigation's section links, the current ``section`` marked (articles/context_processors.py)."""
    from django.utils.safestring import mark_safe

    from public.context_processors import nav_items_html

    return mark_safe(nav_items_html(getattr(section, "pk", None)))  # noqa: S308 - built with format_html


@register.filter
def direction(language):
    return text_direction(language)


@register.filter
def og_locale(language):
    """``ckb`` -> ``cb_IQ``: Open Graph's ``ll_TT`` (articles/languages.py maps each consumer's code)."""
    return languages.og_locale(language)


@register.filter
def news_language(language):
    """``nb-NO`` -> ``nb``: Google News's ISO 639 code."""
    return languages.news_sitemap_language(language)


@register.filter
def language_label(language):
    """The language's name in itself (``ckb`` -> ``کوردی``): links to translations carry its ``lang``."""
    return endonym(language)


# --- Public site (issue 5) -----------------------------------------------------------------------


@register.simple_tag
def teaser(story, level=3, compact=False, is_lead=False, hide_section=False, snippet=False):
    """A story's teaser, put together from its parts (``stored.teaser_parts``: stored with the story,
    set on listings by ``stored.ensure_teasers``; rendered now for a story that has none): the lead
    variant, the compact one (no picture, no standfirst), the headline's level, the section label.
    ``snippet``: the search snippet (``story.snippet``) under the headline."""
    from django.utils.safestring import mark_safe

    from public.caching import stored

    parts = story if isinstance(story, dict) else getattr(story, "teaser_parts", None)
    if parts is None:
        parts = stored.teaser_parts(story)
    classes = "teaser" + (" teaser--lead" if is_lead else "") + (" teaser--compact" if compact else "")
    picture = "" if compact else parts["picture_lead"] if is_lead else parts["picture"]
    url = parts["url"]
    out = [f'<article class="{classes}" lang="{parts["language"]}" dir="{parts["direction"]}">\n  ']
    if picture:
        out.append(f'<a class="teaser__image" href="{url}" tabindex="-1" aria-hidden="true">{picture}</a>')
    out.append('\n  <div class="teaser__text">\n    ')
    if parts["kicker"]:
        out.append(f'<p class="kicker">{parts["kicker"]}</p>')
    out.append(
        f'\n    <h{level} class="teaser__headline"><a href="{url}">{parts["headline"]}</a></h{level}>\n    '
    )
    if parts["standfirst"] and not compact:
        out.append(f'<p class="teaser__standfirst">{parts["standfirst"]}</p>')
    out.append("\n    ")
    if snippet:
        out.append(f'<p class="snippet">{highlighted(getattr(story, "snippet", ""))}</p>')
    out.append('\n    <p class="meta">')
    if parts["section"] and not hide_section:
        out.append(f'<bdi class="section-label">{parts["section"]}</bdi> · ')
    out.append(f"{parts['time']}</p>\n  </div>\n</article>\n")
    return mark_safe("".join(out))  # noqa: S308 - every part was escaped or rendered when stored


@register.simple_tag
def lead_image(story):
    """The story's lead image sources (srcset from renditions, else the original), or None."""
    from public.seo import image_sources

    return image_sources(story)


@register.filter
def story_tags(article):
    from articles.querysets import story_tags

    return story_tags(article)


@register.simple_tag
def news_article_json_ld(article):
    from public.seo import json_ld, news_article

    return json_ld(news_article(article))


@register.simple_tag
def organization_json_ld():
    from public.seo import json_ld, news_media_organization

    return json_ld(news_media_organization())


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL with ``page`` set to ``number``. Only the parameters the page reads (``q`` on the
    search page) are kept, each once: nothing else a visitor adds to the URL reaches the page (or the
    copy of it in the page cache)."""
    from urllib.parse import urlencode

    from public.caching import public_params

    request = context["request"]
    params = {name: value for name, value in public_params(request).items() if name != "page"}
    if number != 1:
        params["page"] = number
    query = urlencode(params)
    return f"{request.path}?{query}" if query else request.path


@register.simple_tag
def page_numbers(page, around=2):
    """Page numbers to show: first, last and a window round the current page; None marks a gap."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - around, page.number + around + 1)}
    numbers, previous = [], 0
    for n in sorted(x for x in wanted if 1 <= x <= last):
        if n - previous > 1:
            numbers.append(None)
        numbers.append(n)
        previous = n
    return numbers


@register.filter
def highlighted(snippet):
    """A search snippet: escaped, then the markers from ts_headline turned into <mark>."""
    import html

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    from articles.querysets import MARK_END, MARK_START

    text = escape(html.unescape(snippet or ""))
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


@register.filter
def absolute_url(path):
    from public.seo import absolute

    return absolute(str(path))


def utc_offset_label(local) -> str:
    """``UTC+3``, ``UTC-4:30``, ``UTC``: the offset of an aware local time, as readers write it."""
    minutes = int(local.utcoffset().total_seconds() // 60)
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


@register.simple_tag
def reader_time(value, language="en", fmt="j F Y, H:i"):
    """A ``<time>`` for readers, in the site's zone (``TIME_ZONE``) with its UTC offset:
    ``25 November 2026, 16:04 (UTC+3)``, the month named in ``language``; ``datetime`` is ISO 8601
    with the offset.

    The date is isolated in a ``<bdi>`` with the language's direction (a right-to-left date takes the
    Arabic comma, so "25 سەرماوەز 2026، 16:04" reads in order inside a right-to-left teaser) and the
    offset in a left-to-right ``<bdi>`` of its own.
    """
    if not value:
        return ""
    local = timezone.localtime(value).replace(microsecond=0)
    with translation.override(language):
        text = dateformat.format(local, fmt)
    rtl = text_direction(language) == "rtl"
    if rtl:
        text = text.replace(", ", "، ")
    return format_html(
        '<time datetime="{}"><bdi dir="{}">{}</bdi> <bdi dir="ltr" class="zone">({})</bdi></time>',
        local.isoformat(),
        "rtl" if rtl else "ltr",
        text,
        utc_offset_label(local),
    )
