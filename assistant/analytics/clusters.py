"""Groups of similar unresolved messages, by the cosine of their Navec vectors.

Complete-linkage agglomerative clustering with a distance cut-off: the number of groups
follows the data, and no two messages of a group are further apart than the cut-off.
Only the most frequent distinct texts are clustered (MAX_TEXTS), so the cost stays
bounded however long the log grows.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering

from ..features import vector
from ..text import normalize
from .filters import TurnFilter
from .unresolved import reason_filter

# About a second on two cores the first time, a fraction once the vectors are cached.
MAX_TEXTS = 1000
VECTOR_CACHE = 50_000
# The largest cosine distance inside a group. Tried on the unresolved history: average
# linkage chains long messages into one group of hundreds; complete linkage at 0.3 keeps
# groups to rewordings of one question (largest about 70 of 1,100 texts).
DISTANCE = 0.3
TYPICAL_COUNT = 3
# Messages with no word Navec knows (digits, emoji, placeholders, gibberish) have a zero
# vector: they are not clustered but kept in one group of their own, listed last and
# with no topic, since nothing in them points to one.
NO_KNOWN_WORDS = "no-known-words"

TEXTS_SQL = """
SELECT masked_text, count(*) AS turns, mode(label) AS label, max(logged_at) AS last_seen
FROM turns
WHERE {where} AND {reasons} AND length(trim(masked_text)) > 0
GROUP BY masked_text
ORDER BY turns DESC, last_seen DESC, masked_text
LIMIT {limit}
"""
SUMMARY_SQL = """
WITH topic_votes AS (
    SELECT cluster, label, sum(turns) AS votes FROM members GROUP BY ALL
), likeliest AS (
    SELECT cluster, arg_max(label, votes) AS label, max(votes) AS votes
    FROM topic_votes GROUP BY cluster
), ranked AS (
    SELECT cluster, masked_text,
           row_number() OVER (PARTITION BY cluster ORDER BY similarity DESC, turns DESC)
               AS place
    FROM members
)
SELECT members.cluster, sum(turns) AS size, count(*) AS texts,
       list(ranked.masked_text ORDER BY place) FILTER (WHERE place <= {typical})
           AS typical,
       any_value(likeliest.label) FILTER (WHERE NOT wordless) AS topic,
       any_value(topics.topic_title) FILTER (WHERE NOT wordless) AS topic_title,
       any_value(likeliest.votes) FILTER (WHERE NOT wordless) / sum(turns)
           AS topic_share
FROM (SELECT *, cluster = $wordless AS wordless FROM members) AS members
JOIN ranked USING (cluster, masked_text)
JOIN likeliest USING (cluster)
LEFT JOIN topics ON topics.label = likeliest.label
GROUP BY members.cluster
ORDER BY members.cluster = $wordless, size DESC, members.cluster
"""


@dataclass(frozen=True)
class Clusters:
    """`summary`: one row per group; `members`: each clustered text and its group."""

    summary: pd.DataFrame
    members: pd.DataFrame

    def texts(self, cluster: str) -> list[str]:
        """The distinct masked texts of one group, most typical first."""
        chosen = self.members[self.members["cluster"] == cluster]
        return chosen.sort_values("similarity", ascending=False)["masked_text"].tolist()


def find_clusters(
    snapshot,
    turn_filter: TurnFilter,
    max_texts: int = MAX_TEXTS,
    distance: float = DISTANCE,
) -> Clusters:
    """Groups of the unresolved turns of the filter, largest first."""
    where, params = turn_filter.where()
    reasons, reason_params = reason_filter(turn_filter.reasons)
    sql = TEXTS_SQL.format(where=where, reasons=reasons, limit=int(max_texts))
    texts = snapshot.query(sql, {**params, **reason_params})
    members = assign_clusters(texts, distance)
    if members.empty:
        return Clusters(empty_summary(), members)
    summary = snapshot.query(
        SUMMARY_SQL.format(typical=TYPICAL_COUNT),
        {"wordless": NO_KNOWN_WORDS},
        tables={"members": members},
    )
    return Clusters(summary, members)


def assign_clusters(texts: pd.DataFrame, distance: float) -> pd.DataFrame:
    """texts plus `cluster` and `similarity` (cosine to the group's centre)."""
    members = texts[["masked_text", "turns", "label"]].copy()
    if members.empty:
        return members.assign(
            cluster=pd.Series(dtype=str), similarity=pd.Series(dtype=float)
        )
    vectors = np.stack([text_vector(text) for text in members["masked_text"]])
    known = np.linalg.norm(vectors, axis=1) > 0
    groups = np.full(len(members), -1)
    if known.sum() >= 2:
        model = AgglomerativeClustering(
            n_clusters=None,
            distance_threshold=distance,
            metric="cosine",
            linkage="complete",
        )
        groups[known] = model.fit_predict(vectors[known])
    elif known.sum() == 1:
        groups[known] = 0
    members["similarity"] = centre_similarity(vectors, groups)
    members["cluster"] = cluster_names(members, groups)
    return members


@lru_cache(maxsize=VECTOR_CACHE)
def text_vector(text: str) -> np.ndarray:
    """The model's Navec vector of a message; filters change, texts repeat."""
    return vector(normalize(text))


def centre_similarity(vectors: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Cosine of each vector to the mean of its group; 0 for texts without vectors."""
    similarity = np.zeros(len(vectors))
    for group in np.unique(groups[groups >= 0]):
        inside = groups == group
        centre = vectors[inside].mean(axis=0)
        norm = np.linalg.norm(centre)
        if norm:
            similarity[inside] = vectors[inside] @ (centre / norm)
    return similarity


def cluster_names(members: pd.DataFrame, groups: np.ndarray) -> list[str]:
    """Names that survive a re-run: a hash of each group's most typical text."""
    order = members.assign(group=groups).sort_values(
        ["similarity", "turns", "masked_text"], ascending=[False, False, True]
    )
    typical = order.groupby("group", sort=False)["masked_text"].first()
    names = {
        group: "c-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        for group, text in typical.items()
    }
    names[-1] = NO_KNOWN_WORDS
    return [names[group] for group in groups]


def empty_summary() -> pd.DataFrame:
    columns = [
        "cluster",
        "size",
        "texts",
        "typical",
        "topic",
        "topic_title",
        "topic_share",
    ]
    return pd.DataFrame(columns=columns)
