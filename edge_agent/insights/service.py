"""Insights for one data directory: the index, its refresh with the knowledge base's e5 embedder, reports."""
from __future__ import annotations

import logging
import threading
from datetime import date, datetime, time, timedelta
from typing import Callable, Sequence

import numpy as np

from edge_agent.config import Settings
from edge_agent.insights.index import EmbedMany, InsightsIndex, RefreshResult, embed_many, index_path
from edge_agent.insights.queries import Filter
from edge_agent.insights.report import Report, ReportBuilder

log = logging.getLogger("edge_agent.insights")
DEFAULT_DAYS = 14


class InsightsService:
    """Refreshes the index on demand (page view, CLI, cron) and builds k-anonymous reports."""

    def __init__(self, settings: Settings, embedder_of: Callable[[], object]) -> None:
        self.settings = settings
        self.index = InsightsIndex(index_path(settings.data_dir), settings.db_path,
                                   settings.insights_cluster_similarity)
        self.builder = ReportBuilder(self.index, settings.insights_min_sessions, settings.insights_rising_pct)
        self._embedder_of = embedder_of  # the KB's e5 embedder, made only when new questions need vectors
        self._embed: EmbedMany | None = None
        self._lock = threading.Lock()

    def _embedding(self, texts: Sequence[str]) -> np.ndarray:
        if self._embed is None:
            self._embed = embed_many(self._embedder_of())
        return self._embed(texts)

    def refresh(self) -> RefreshResult:
        """Cluster the turns stored since the last refresh (embedding only questions never seen)."""
        with self._lock:
            result = self.index.refresh(self._embedding)
        if result.turns or result.pruned:
            log.info("insights refresh: %d turns, %d new questions, %d purged rows dropped",
                     result.turns, result.questions, result.pruned)
        return result

    def report(self, flt: Filter, lang: str = "zh", *, refresh: bool = True) -> Report:
        """The report for ``flt`` (refreshing the index first unless told not to)."""
        if refresh:
            self.refresh()
        return self.builder.build(flt, lang)

    def after_purge(self) -> None:
        """The conversation store purged turns: drop what the index derived from them now."""
        dropped = self.index.prune()
        log.info("insights: %d rows of purged turns dropped", dropped)

    def close(self) -> None:
        """Close the index."""
        self.index.close()


def day_range(since: date | None, until: date | None, today: date | None = None) -> Filter:
    """The [since, until] days (inclusive, local time) as a filter; defaults to the last DEFAULT_DAYS days."""
    today = today or date.today()
    until = until or today
    since = since or until - timedelta(days=DEFAULT_DAYS - 1)
    start = datetime.combine(since, time.min).timestamp()
    end = datetime.combine(until + timedelta(days=1), time.min).timestamp()
    return Filter(start, end)


def parse_day(raw: str | None) -> date | None:
    """A YYYY-MM-DD day, or None for ''/None (ValueError otherwise)."""
    return date.fromisoformat(raw.strip()) if raw and raw.strip() else None
