from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The reader-facing site: views, feeds, sitemaps, previews and their caches. No models."""

    name = "public"
    verbose_name = "Public site"

    def ready(self):
        from public.caching import receivers

        receivers.connect()  # purge the page cache on the domain's signals
