"""Every cache key the public site builds, in one place. Each carries what its value depends on: the
purge generation (``purging.generation()``) where a purge must make it unreachable, the templates'
and catalogues' digests where it holds rendered HTML (a deploy never reads HTML rendered by the old
templates or translations from a shared cache), and the active language.

What a key leaves out matters as much: the page key has no host or scheme, because nothing the site
renders depends on them (every absolute link is built from ``SITE_URL``: ``public.seo.absolute`` and
``on_site``), so one request with a hostile ``Host`` or ``X-Forwarded-Proto`` cannot store links for
everyone. Purging is ``purging.purge()``: it moves the generation on."""

from __future__ import annotations

import functools
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.utils import translation

PREFIX = "newsroom"


@functools.cache
def templates_digest(names: tuple[str, ...]) -> str:
    """A digest of the templates' source, read once per process: a deploy that changes a template never
    reads what the old one rendered from a shared cache (Redis)."""
    from django.template import engines

    engine = engines["django"].engine
    sources = [engine.get_template(name).source for name in names]
    return hashlib.blake2b("\0".join(sources).encode(), digest_size=6).hexdigest()


@functools.cache
def catalogues_digest() -> str:
    """A digest of the project's compiled catalogues (``LOCALE_PATHS``), read once per process: a deploy
    that changes a translation never reads what the old one rendered from a shared cache."""
    from pathlib import Path

    digest = hashlib.blake2b(digest_size=6)
    for folder in settings.LOCALE_PATHS:
        for path in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def language_key() -> str:
    """The active language and the catalogues' digest, for the key of anything rendered with translated
    strings: never served in another language (the page's language depends only on settings:
    ``LANGUAGE_CODE``, no negotiation), nor after its translations changed."""
    return f"{translation.get_language()}.{catalogues_digest()}"


def page_key(path: str, params: dict[str, str], generation: int) -> str:
    """A public page: its path, the normalised parameters it reads (``page.normalised_params``) and the
    language it is rendered in (a copy made under one language, before a deploy that changes it, in a
    shared cache, is never served under another)."""
    raw = f"{path}|{urlencode(sorted(params.items()))}|{translation.get_language()}"
    return f"{PREFIX}:page:{generation}:{hashlib.sha256(raw.encode('utf-8', 'surrogatepass')).hexdigest()}"


def include_key(template: str, *parts) -> str:
    """A cached include (``news._cached_include``): what it depends on (``parts``), the template's
    digest and the language."""
    name = template.rsplit("/", 1)[-1].removesuffix(".html")
    return ":".join([PREFIX, name, *(str(p) for p in parts), templates_digest((template,)), language_key()])


def header_key(generation: int, section_pk: int | None) -> str:
    return include_key("includes/header.html", generation, section_pk or 0)


def footer_key(year: int) -> str:
    return include_key("includes/footer.html", year)


def nav_sections_key(generation: int) -> str:
    return f"{PREFIX}:nav:{generation}"


def nav_items_key(generation: int, section_pk: int | None) -> str:
    return f"{PREFIX}:nav-html:{generation}:{section_pk or 0}"


def head_links_key(site_name) -> tuple:
    """The process-local key of ``includes/head_links.html`` (kept in the process, never in a shared
    cache: a deploy's new static names would not reach it there)."""
    from django.urls import get_urlconf

    return (
        site_name,
        settings.STATIC_URL,
        str(settings.STORAGES.get("staticfiles")),
        get_urlconf(),
        settings.ROOT_URLCONF,
        translation.get_language(),
    )
