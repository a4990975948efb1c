"""Analyst queries over the replayed export and the live chat log, in DuckDB."""

from .clusters import Clusters, find_clusters
from .filters import SOURCES, TurnFilter
from .snapshot import TurnSnapshot
from .unresolved import REASON_TITLES, REASONS, reason_counts, unresolved_turns

__all__ = [
    "REASONS",
    "REASON_TITLES",
    "SOURCES",
    "Clusters",
    "TurnFilter",
    "TurnSnapshot",
    "find_clusters",
    "reason_counts",
    "unresolved_turns",
]
