from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from articles import cache

        cache.connect()  # purge the public page cache on article_published / article_changed
