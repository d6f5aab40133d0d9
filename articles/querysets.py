"""Reads. "Published" is defined here, once; every public surface starts from it."""

import re

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchConfig,
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import models
from django.db.models import Case, F, Func, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, JSONObject
from django.utils import timezone

from articles.workflow import desk_state_condition

# Highlight markers: private-use characters that ts_headline wraps around matches. The snippet is
# escaped in Python and only then are these turned into <mark>, so no stored text can inject HTML.
MARK_START = "\ue000"
MARK_END = "\ue001"
ENGLISH = Q(language="en") | Q(language__startswith="en-")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What a reader may see at ``now``: published, due, not embargoed, not expired."""
        return self.filter(desk_state_condition("live", now or timezone.now()))

    def _with_credits(self):
        from articles.models import ArticleCredit

        return self.prefetch_related(
            Prefetch("credits", queryset=ArticleCredit.objects.select_related("editor").order_by("position", "id"))
        )

    def for_listing(self):
        """A teaser in a list: headline, standfirst, section, image, credits. Three queries for any length."""
        return (
            self.select_related("section", "lead_image")
            .defer("body", "editor_note", "withdrawn_reason")
            ._with_credits()
            .order_by("-publish_at", "-id")
        )

    def for_story_page(self):
        """Everything the story page shows, in two queries: the story (section, image, source, tags,
        corrections, renditions and translations in the same row) and its credits."""
        return (
            self.select_related("section", "lead_image", "source")
            .defer("search_vector")
            ._with_credits()
            .with_renditions()
            .with_translations()
            .with_tag_list()
            .with_correction_list()
        )

    def with_correction_list(self):
        """``correction_list``: the story's corrections (id, kind, text, created_at), oldest first, in the
        same query; ``story_corrections()`` turns them into Correction objects. (A prefetch would be one
        more query, and the story page's worst case would exceed its budget of 6.)"""
        from articles.models import Correction

        corrections = (
            Correction.objects.filter(article=OuterRef("pk"))
            .order_by("created_at", "id")
            .values(json=JSONObject(id="id", kind="kind", text="text", created_at="created_at"))
        )
        return self.annotate(correction_list=ArraySubquery(corrections))

    def with_tag_list(self):
        """``tag_list``: the story's tags (id, name, slug), by name, in the same query; ``story_tags()``
        turns them into Tag objects. (A prefetch would be one more query: with the page-cache generation
        read the story page would then exceed its budget of 6.)"""
        from articles.models import Tag

        tags = Tag.objects.filter(articles=OuterRef("pk")).order_by("name").values(
            json=JSONObject(id="id", name="name", slug="slug")
        )
        return self.annotate(tag_list=ArraySubquery(tags))

    # --- Public site helpers (issue 5). Each adds columns to the same query, never a query per row.

    def with_renditions(self):
        """``lead_renditions``: the lead image's renditions as a list of dicts, in the same query."""
        from articles.models import ImageRendition

        renditions = (
            ImageRendition.objects.filter(image_id=OuterRef("lead_image_id"))
            .order_by("format", "width")
            .values(json=JSONObject(width="width", height="height", format="format", file="file"))
        )
        return self.annotate(lead_renditions=ArraySubquery(renditions))

    def with_translations(self):
        """``translation_links``: the published translations of a story (or of the story it translates),
        as dicts (id, slug, language, headline), in the same query."""
        from articles.models import Article

        siblings = (
            Article.objects.published()
            .filter(
                Q(pk=OuterRef("translation_of_id"))
                | Q(translation_of_id=OuterRef("pk"))
                | (Q(translation_of_id=OuterRef("translation_of_id")) & ~Q(pk=OuterRef("pk")))
            )
            .order_by("language")
            .values(json=JSONObject(id="id", slug="slug", language="language", headline="headline"))
        )
        return self.annotate(translation_links=ArraySubquery(siblings))

    def for_teasers(self):
        """A teaser without credits: headline, standfirst, section, image. One query."""
        return (
            self.select_related("section", "lead_image")
            .defer("body", "editor_note", "withdrawn_reason", "search_vector")
            .order_by("-publish_at", "-id")
        )

    def section_blocks(self, per_section=4):
        """The newest ``per_section`` stories of every active section (among ``self``), in one query.

        For each active section a subquery takes its newest stories with ``LIMIT per_section``, walking
        the (section, publish_at) index from the top, so the cost grows with the number of sections,
        not of stories (a ``ROW_NUMBER()`` window over every published story read them all):

            WHERE id IN (SELECT unnest(ARRAY(SELECT id FROM article WHERE section_id = s.id AND <self>
                                             ORDER BY publish_at DESC, id DESC LIMIT n))
                         FROM section s WHERE s.is_active)
        """
        from articles.models import Section

        newest = self.filter(section_id=OuterRef("pk")).order_by("-publish_at", "-id").values("pk")[:per_section]
        ids = (
            Section.objects.filter(is_active=True)
            .annotate(story_id=Func(ArraySubquery(newest), function="unnest", output_field=models.BigIntegerField()))
            .values("story_id")
        )
        return self.filter(pk__in=ids).for_teasers().with_renditions()

    def by_author(self, editor):
        from articles.models import ArticleCredit

        return self.filter(pk__in=ArticleCredit.objects.filter(editor=editor).values("article_id"))

    def related_to(self, article, limit=4):
        """Stories sharing a tag or the section with ``article``, newest first, with their image renditions
        (the teasers show an image). Uses the tags loaded with the story."""
        return self.related_to_ids(article.pk, article.section_id, [tag.pk for tag in story_tags(article)], limit)

    def related_to_ids(self, pk, section_id, tag_ids, limit=4):
        """``related_to()`` from the story's id, section id and tag ids (what a cached story fragment keeps)."""
        from articles.models import Article

        condition = Q(section_id=section_id) if section_id else Q(pk__in=[])
        if tag_ids:
            condition |= Q(pk__in=Article.tags.through.objects.filter(tag_id__in=tag_ids).values("article_id"))
        return self.filter(condition).exclude(pk=pk).for_teasers().with_renditions()[:limit]

    def search(self, text, language=None):
        """Full-text search over the stored ``search_vector``, ranked, with a highlighted ``snippet``.

        English stories were indexed with the ``english`` configuration (stemmed), every other language
        with ``simple``; each is matched with a query in its own configuration. Kurdish and Arabic have
        no stemmer, so a trigram word match on the headline (GIN ``gin_trgm_ops`` index) catches inflected
        forms (``بەنداو`` / ``بەنداوەکە``).
        """
        english_query = SearchQuery(text, search_type="websearch", config="english")
        simple_query = SearchQuery(text, search_type="websearch", config="simple")
        # Prefix terms for languages without a stemmer: بەنداو matches بەنداوەکەی. Only word characters
        # reach the raw tsquery, so nothing the reader types can break its syntax.
        words = re.findall(r"\w+", text)[:8]
        if words:
            simple_query = simple_query | SearchQuery(
                " & ".join(f"{w}:*" for w in words), search_type="raw", config="simple"
            )
        qs = self
        if language:
            qs = qs.filter(ENGLISH) if language == "en" else qs.filter(language=language)
        match = (ENGLISH & Q(search_vector=english_query)) | (
            ~ENGLISH & (Q(search_vector=simple_query) | Q(headline__trigram_word_similar=text))
        )
        # Rank only the newest SEARCH_WINDOW matches. The candidates come from the two GIN indexes
        # (search vector, headline trigrams) in one bitmap scan, newest first; ranking, the per-language
        # match and the snippets then run on at most that many rows, so a common word costs the same
        # at 10,000 or 1,000,000 stories. News readers want recent stories; older ones are reached
        # with more precise words.
        candidates = (
            qs.filter(Q(search_vector=english_query | simple_query) | Q(headline__trigram_word_similar=text))
            .order_by("-publish_at", "-id")
            .values("pk")[:SEARCH_WINDOW]
        )
        qs = qs.filter(pk__in=Subquery(candidates))
        config = SearchConfig(Case(When(ENGLISH, then=Value("english")), default=Value("simple")))
        document = Concat(
            "standfirst", Value(" "), _plain_text("body"), output_field=models.TextField()
        )
        return (
            qs.filter(match)
            .annotate(
                rank=SearchRank(F("search_vector"), english_query | simple_query)
                + Case(When(ENGLISH, then=Value(0.0)), default=TrigramWordSimilarity(text, "headline")),
                snippet=SearchHeadline(
                    document,
                    english_query | simple_query,
                    config=config,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-publish_at", "-id")
        )


SEARCH_WINDOW = 500  # how many of the newest matches a search ranks


def _plain_text(field):
    """HTML tags out of a field, as the stored search vector does it."""
    return Func(
        Coalesce(F(field), Value("")),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


def story_tags(article):
    """The tags of a story as Tag objects: from ``with_tag_list()`` when it was used, else a query."""
    from articles.models import Tag

    tag_list = getattr(article, "tag_list", None)
    if tag_list is None:
        return list(article.tags.all())
    return [Tag(id=t["id"], name=t["name"], slug=t["slug"]) for t in tag_list]


def story_corrections(article):
    """The corrections of a story, oldest first, as Correction objects: from ``with_correction_list()``
    when it was used, else a query."""
    from datetime import datetime

    from articles.models import Correction

    correction_list = getattr(article, "correction_list", None)
    if correction_list is None:
        return list(article.corrections.order_by("created_at", "id"))
    return [
        Correction(
            id=c["id"],
            article_id=article.pk,
            kind=c["kind"],
            text=c["text"],
            created_at=datetime.fromisoformat(c["created_at"]),
        )
        for c in correction_list
    ]
