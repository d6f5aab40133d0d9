"""Reads. "Published" is defined here, once; every public surface starts from it."""

import itertools
import re
from datetime import timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import F, Func, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, JSONObject
from django.utils import timezone

# Highlight markers: private-use characters that ts_headline wraps around matches. The snippet is
# escaped in Python and only then are these turned into <mark>, so no stored text can inject HTML.
MARK_START = "\ue000"
MARK_END = "\ue001"
ENGLISH = Q(language="en") | Q(language__startswith="en-")


def published_time_expr():
    """A story's publication time for readers, in SQL: its publish time, or the end of its embargo when
    that is later (``workflow.visible_from``, the same rule for a story in memory, is
    ``Article.published_time``). Republishing keeps ``publish_at`` (back online under its original
    date), so a republished story keeps its time. Indexed (``article_status_published_idx``,
    ``article_section_published_idx``): filter and order on this expression, never on ``publish_at``."""
    return Greatest(F("publish_at"), Coalesce(F("embargo_until"), F("publish_at")))


def modified_time_expr():
    """When readers were last told the story changed (``updated_at``: corrections, republication, a
    wire update), never before its publication time (``Article.modified_time``)."""
    published = published_time_expr()
    return Greatest(published, Coalesce(F("updated_at"), published))


def newest_first():
    """The order of everything that lists stories "newest first": by publication time, then id."""
    return (published_time_expr().desc(), F("id").desc())


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What a reader may see at ``now``: published, due, not embargoed, not expired."""
        from articles.workflow import desk_state_condition  # workflow imports the models' vocabulary

        now = now or timezone.now()
        # The same rule, once more as "published time <= now" (what the status and section indexes are
        # on): so a listing's index scan starts at now, instead of first stepping over the drafts
        # (no publication time: first in a descending index) and the scheduled stories.
        return self.alias(_published_time=published_time_expr()).filter(
            desk_state_condition("live", now), _published_time__lte=now
        )

    def _with_credits(self):
        from articles.models import ArticleCredit

        return self.prefetch_related(
            Prefetch(
                "credits", queryset=ArticleCredit.objects.select_related("editor").order_by("position", "id")
            )
        )

    def for_listing(self):
        """A teaser in a list: headline, standfirst, section, image, credits. Three queries for any length."""
        return (
            self.select_related("section", "lead_image")
            .defer("body", "editor_note", "withdrawn_reason", "search_vector", "search_head")
            ._with_credits()
            .order_by(*newest_first())
        )

    def for_story_page(self):
        """Everything the story page shows, in two queries: the story (section, image, source, tags,
        corrections, renditions and translations in the same row) and its credits."""
        return (
            self.select_related("section", "lead_image", "source")
            .defer("search_vector", "search_head")
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

        tags = (
            Tag.objects.filter(articles=OuterRef("pk"))
            .order_by("name")
            .values(json=JSONObject(id="id", name="name", slug="slug"))
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
            .defer("body", "editor_note", "withdrawn_reason", "search_vector", "search_head")
            .order_by(*newest_first())
        )

    def section_blocks(self, per_section=4, teasers=True):
        """The newest ``per_section`` stories of every active section (among ``self``), in one query
        (``teasers``: with what a teaser shows; without, the caller chooses the columns).

        For each active section a subquery takes its newest stories with ``LIMIT per_section``, walking
        the (section, publication time) index from the top, so the cost grows with the number of sections,
        not of stories (a ``ROW_NUMBER()`` window over every published story read them all):

            WHERE id IN (SELECT unnest(ARRAY(SELECT id FROM article WHERE section_id = s.id AND <self>
                                             ORDER BY <published time> DESC, id DESC LIMIT n))
                         FROM section s WHERE s.is_active)
        """
        from articles.models import Section

        newest = self.filter(section_id=OuterRef("pk")).order_by(*newest_first()).values("pk")[:per_section]
        ids = (
            Section.objects.filter(is_active=True)
            .annotate(
                story_id=Func(ArraySubquery(newest), function="unnest", output_field=models.BigIntegerField())
            )
            .values("story_id")
        )
        blocks = self.filter(pk__in=ids)
        return blocks.for_teasers().with_renditions() if teasers else blocks.order_by(*newest_first())

    def by_author(self, editor):
        from articles.models import ArticleCredit

        return self.filter(pk__in=ArticleCredit.objects.filter(editor=editor).values("article_id"))

    def related_to(self, article, limit=4):
        """Stories sharing a tag or the section with ``article``, newest first, with their image renditions
        (the teasers show an image). Uses the tags loaded with the story."""
        return self.related_to_ids(
            article.pk, article.section_id, [tag.pk for tag in story_tags(article)], limit
        )

    def related_to_ids(self, pk, section_id, tag_ids, limit=4):
        """``related_to()`` from the story's id, section id and tag ids (what a cached story fragment keeps)."""
        from articles.models import Article

        condition = Q(section_id=section_id) if section_id else Q(pk__in=[])
        if tag_ids:
            condition |= Q(
                pk__in=Article.tags.through.objects.filter(tag_id__in=tag_ids).values("article_id")
            )
        return self.filter(condition).exclude(pk=pk).for_teasers().with_renditions()[:limit]

    def search(self, text, language=None):
        """Full-text search: at most ``SEARCH_WINDOW`` stories, ranked, each with a highlighted ``snippet``.

        Matching is language-aware: English stories were indexed with the ``english`` configuration
        (stemmed), every other language with ``simple``; the reader's words become a query in both
        (``websearch`` syntax: quotes, ``OR``, ``-``), OR-ed, so that one GIN index scan answers for
        every language. Sorani and Arabic have no stemmer: words in Arabic script also match as
        prefixes (``بەنداو`` finds ``بەنداوەکەی``) and, when that finds too few, by trigram word
        similarity on the headline.

        Which stories: the newest ``SEARCH_WINDOW`` whose headline or standfirst matches; when fewer
        than that match there, the newest whose text matches fill the rest (then, for Arabic script,
        the trigram matches). Each step looks at the last week first, then the last quarter, then the
        rest of the archive, and stops as soon as it has enough: one ``UNION ALL`` of newest-first
        branches under one ``LIMIT``, which PostgreSQL stops executing once the limit is reached. So a
        common word is answered from last week's stories and never reads its thousands of older
        matches, and a rare word reads its few matches wherever they are.

        Order: the rank of the headline and standfirst match (``search_head``: stored in the row, so no
        4 KB vector is read to rank), then newest first. A story that matches only in its text ranks
        below every headline or standfirst match.

        Two steps: ``search()`` runs the candidate query at once (one query, the ids of at most
        ``SEARCH_WINDOW`` stories) and returns a queryset of those ids, ranked, with snippets; the
        paginator's count and the page read them by primary key.
        """
        words = re.findall(r"\w+", text)[:8]
        arabic_script = bool(ARABIC_SCRIPT.search(text))
        english_sql = "websearch_to_tsquery('english'::regconfig, %s)"
        simple_sql = "websearch_to_tsquery('simple'::regconfig, %s)"
        simple_params = [text]
        if words and arabic_script:
            # Only word characters reach the raw tsquery, so nothing the reader types can break its syntax.
            simple_sql = f"({simple_sql} || to_tsquery('simple'::regconfig, %s))"
            simple_params.append(" & ".join(f"{w}:*" for w in words))
        query_sql = f"({english_sql} || {simple_sql})"
        query_params = [text, *simple_params]

        qs = self
        if language:
            qs = qs.filter(ENGLISH) if language == "en" else qs.filter(language=language)

        table = '"articles_article"'
        in_head = (f'{table}."search_head" @@ {query_sql}', query_params)
        in_text = (f'{table}."search_vector" @@ {query_sql}', query_params)
        now = timezone.now()
        bounds = [None, *(now - age for age in SEARCH_RECENT_WINDOWS), None]
        published_sql, published_params = _expression_sql(qs, published_time_expr())
        windows = []
        for newer, older in itertools.pairwise(bounds):
            window = []
            if newer is not None:
                window.append((f"{published_sql} <= %s", [*published_params, newer]))
            if older is not None:
                window.append((f"{published_sql} > %s", [*published_params, older]))
            windows.append(_and(*window))
        try:
            branch = _branch_builder(qs)
        except EmptyResultSet:  # e.g. .none(): nothing to search
            return qs.none()

        parts = [branch(_and(in_head, window)) for window in windows]
        if '"' in text:
            # A phrase needs the word positions, so each story that has all the words costs a read of
            # its 4 KB vector. In the text, look for the phrase only among the newest PHRASE_WINDOW
            # stories that contain all its words (found, like the rest, window by window).
            loose_text = re.sub(r'-\s*"[^"]*"?', " ", text).replace('"', " ")
            loose = (
                f"{table}.\"search_vector\" @@ (websearch_to_tsquery('english'::regconfig, %s) "
                "|| websearch_to_tsquery('simple'::regconfig, %s))",
                [loose_text, loose_text],
            )
            newest_sql, newest_params = _union(
                [branch(_and(loose, window), PHRASE_WINDOW) for window in windows], PHRASE_WINDOW
            )
            among = (f'{table}."id" = ANY(ARRAY({newest_sql}))', newest_params)
            parts.append(branch(_and(among, in_text, _not(in_head))))
        else:
            parts += [branch(_and(in_text, _not(in_head), window)) for window in windows]
        if arabic_script:
            # The last resort, reached only when the steps above found too few: a headline word like
            # the reader's (an inflected form the prefix does not reach). One branch: a word that gets
            # this far is rare. The word goes in as a sub-select, out of the planner's sight: estimating
            # the operator computes similarities against the column's statistics, which doubled the
            # planning time of every Arabic-script search, though this branch rarely runs.
            trigram = (f'{table}."headline" %%> (SELECT %s::text)', [text])
            parts.append(branch(_and(trigram, _not(in_text))))
        candidates_sql, candidates_params = _union(parts)

        # RawSQL below (noqa S611): the SQL text is constant or compiled by Django; whatever the reader
        # typed goes in as a parameter.
        english = f"({table}.\"language\" = 'en' OR {table}.\"language\" LIKE 'en-%%')"
        rank = RawSQL(  # noqa: S611
            f'ts_rank({table}."search_head", CASE WHEN {english} THEN {english_sql} ELSE {simple_sql} END)',
            [text, *simple_params],
            output_field=models.FloatField(),
        )
        # The snippet: the standfirst for a headline or standfirst match (it is the summary); for a
        # match in the text, the best passage of about 600 characters of the text around the first
        # place the reader's first word occurs as typed (the start, when it does not: e.g. only an
        # inflected form is there), cut from the HTML first and only then stripped of its tags (a tag
        # cut in two at either end included). ts_headline parses everything it is given: over whole
        # 2 KB texts it was most of the page's time.
        config = f"CASE WHEN {english} THEN 'english'::regconfig ELSE 'simple'::regconfig END"
        body = f"coalesce({table}.\"body\", '')"
        document = (
            f"CASE WHEN {in_head[0]} THEN coalesce({table}.\"standfirst\", '') "
            f"ELSE regexp_replace(substr({body}, greatest(strpos(lower({body}), lower(%s)) - 200, 1), 600), "
            "'<[^>]*>|^[^<]*>|<[^>]*$', ' ', 'g') END"
        )
        snippet = RawSQL(  # noqa: S611
            f"ts_headline({config}, {document}, {query_sql}, %s)",
            [*query_params, words[0] if words else "", *query_params, SNIPPET_OPTIONS],
            output_field=models.TextField(),
        )
        # One query chooses the candidates, now: the paginator's count and the page then read at most
        # SEARCH_WINDOW stories by primary key instead of each running the candidate query again.
        with connections[self.db].cursor() as cursor:
            cursor.execute(candidates_sql, candidates_params)
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return qs.none()
        return (
            qs.filter(RawSQL(f'{table}."id" = ANY(%s)', [ids], output_field=models.BooleanField()))  # noqa: S611
            .defer("search_vector", "search_head")
            .annotate(rank=rank, snippet=snippet)
            .order_by("-rank", *newest_first())
        )


SEARCH_WINDOW = 100  # the most stories a search returns (5 pages of 20)
# A quoted phrase is looked for in story text among the newest PHRASE_WINDOW stories with all its words.
PHRASE_WINDOW = 300
# Candidates are looked for in the last week first, then the last quarter, then the rest of the archive.
SEARCH_RECENT_WINDOWS = (timedelta(days=7), timedelta(days=90))
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
# ts_headline's options, as Django's SearchHeadline writes them: one passage of 15 to 35 words.
SNIPPET_OPTIONS = f"StartSel='{MARK_START}', StopSel='{MARK_END}', MaxWords=35, MinWords=15"


def _and(*conditions):
    return " AND ".join(f"({sql})" for sql, _ in conditions), [p for _, params in conditions for p in params]


def _union(branches, limit=None):
    """Newest-first branches, concatenated, at most ``limit`` (SEARCH_WINDOW) rows: PostgreSQL stops
    running branches once it has that many."""
    sql = " UNION ALL ".join(f"({sql})" for sql, _ in branches) + " LIMIT %s"
    return sql, [p for _, params in branches for p in params] + [limit or SEARCH_WINDOW]


def _not(condition):
    return f"NOT ({condition[0]})", condition[1]


_SLOT = "__search_condition__"


def _expression_sql(qs, expression):
    """``expression`` as SQL on ``qs``'s table, for the hand-written parts of the search query."""
    query = qs.query.chain()
    return query.get_compiler(qs.db).compile(expression.resolve_expression(query))


def _branch_builder(qs):
    """A function (condition SQL, params) -> one newest-first branch of the candidate query: ``qs``'s
    own conditions (published, section, language) plus the given one, ``LIMIT SEARCH_WINDOW``.

    ``qs`` is compiled by Django once, with a marker where the condition goes, instead of once per
    branch: compiling nine branches through the ORM cost more than running them."""
    slot = RawSQL(_SLOT, [], output_field=models.BooleanField())  # noqa: S611
    # Newest first (``newest_first()``): ``after`` ends with the ORDER BY.
    sql, params = qs.order_by(*newest_first()).values("pk").filter(slot).query.sql_with_params()
    at = sql.index(_SLOT)
    before, after = sql[:at], sql[at + len(_SLOT) :]
    split = before.count("%s")

    def branch(condition, limit=None):
        condition_sql, condition_params = condition
        return (
            f"{before}({condition_sql}){after} LIMIT %s",
            [*params[:split], *condition_params, *params[split:], limit or SEARCH_WINDOW],
        )

    return branch


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


def public_tags():
    """The tags a reader may see: those on at least one published story. A tag used only by drafts
    answers 404 like a tag that does not exist (its name would say what the desk is working on)."""
    from articles.models import Article, Tag

    # A correlated "first published story with this tag" per tag, not EXISTS: PostgreSQL turns an
    # EXISTS into a semi-join that hashes every published story; this probes each tag's links by index
    # and stops at the first live one.
    first_live = Article.objects.published().filter(tags=OuterRef("pk")).order_by().values("pk")[:1]
    return Tag.objects.alias(first_live=models.Subquery(first_live)).filter(first_live__isnull=False)
