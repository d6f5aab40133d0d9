"""What a batch carries through the pipeline: its files, their stories, and the run's ``Report``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from sources.ingest import inputs, store
from sources.models import Source
from sources.wire import ParseError
from sources.wire.base import ParsedStory


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    results: list[store.ImportResult] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def summary(self) -> str:
        main = ", ".join(
            f"{name} {self.counts[name]}" for name in ("created", "updated", "unchanged", "failed")
        )
        extra = ", ".join(
            f"{n} {self.counts[n]}"
            for n in ("waiting", "withdrawn", "stale", "skipped", "held")
            if self.counts[n]
        )
        return f"{main}; {extra}" if extra else main

    def merge(self, files: list[BatchFile]) -> None:
        for file in files:
            self.counts.update(file.report.counts)
            self.errors.extend(file.report.errors)
            self.notices.extend(file.report.notices)
            self.results.extend(file.report.results)


@dataclass(eq=False)
class BatchFile:
    name: str
    data: bytes | Exception  # the bytes, or why there are none (unreadable, refused by ``inputs``)
    path: Path | None = None  # in a drop folder: where it is to be moved from
    report: Report = field(default_factory=Report)
    sha256: str = ""
    format: str = ""
    stories: list[BatchStory] = field(default_factory=list)
    whole: str | None = None

    def content(self) -> bytes:
        """The bytes of a file that was read: only those are hashed, parsed and stored."""
        assert isinstance(self.data, bytes), "a file that was not read"
        return self.data

    def raw_text(self) -> str:
        if self.whole is None:  # a file of one story is kept whole
            self.whole = self.content().decode("utf-8-sig", errors="replace")
        return self.whole

    def fail(self, error: Exception) -> None:
        """The whole file failed (unread, refused or unparsable): one failure, named."""
        self.report.counts["failed"] += 1
        # A refused entry's message names it already ("skipped: NAME is a symbolic link ...").
        self.report.errors.append(
            str(error) if isinstance(error, inputs.Refused) else f"{self.name}: {error}"
        )


@dataclass(eq=False)
class BatchStory:
    file: BatchFile
    story: ParsedStory | ParseError
    source: Source | None = None  # found by ``Batcher._identify``
    key: tuple[int, str, str] | None = None  # (source id, guid, checksum)
    result: store.ImportResult | None = None
    error: str | None = None  # the failure, as reported (file name included)
    counts_as: str = ""  # the outcome counted for it
    order: int = 0  # its place in the batch
    new: store.NewStory | None = None  # built for the bulk insert
    parsed: dict | None = None  # story.as_json()
    cleaned: dict | ValidationError | None = None  # mapping.clean_story_text(story)

    def identified(self) -> tuple[ParsedStory, Source, tuple[int, str, str]]:
        """The story, its source and its key, once ``Batcher._identify`` has found them (only such
        stories are planned and stored)."""
        assert isinstance(self.story, ParsedStory), "a story the file could not give"
        assert self.source is not None and self.key is not None, "a story not identified"
        return self.story, self.source, self.key

    def fail(self, message: str) -> None:
        self.error, self.result, self.counts_as = f"{self.file.name}: {message}", None, "failed"

    def done(self, result: store.ImportResult) -> None:
        self.result, self.error, self.counts_as = result, None, result.outcome
        if result.held:
            self.file.report.counts["held"] += 1
            headline = getattr(self.story, "headline", "")[:60]
            self.file.report.notices.append(
                f"{self.file.name}: story {headline!r}: {result.held}: kept as a draft for the desk, not published"
            )
        if result.outcome == "conflict":
            # Stored (nothing received is lost), but not applied: a failure for the run.
            story, _, _ = self.identified()
            self.error = f"{self.file.name}: " + str(
                ParseError(result.message, field="version", line=story.line, story=story.headline[:60])
            )
            self.counts_as = "failed"
