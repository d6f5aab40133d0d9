"""The public site's caches, in one package: the purge generation (``generation``), the page cache and
conditional requests (``page``), the story page's stored parts (``fragments``) and what purges them
(``receivers``, connected by ``PublicConfig.ready()``). See docs/caching.md."""

from public.caching.page import is_private, public_page, public_params, set_last_modified
from public.caching.purging import forget_generation, generation, purge

__all__ = [
    "forget_generation",
    "generation",
    "is_private",
    "public_page",
    "public_params",
    "purge",
    "set_last_modified",
]
