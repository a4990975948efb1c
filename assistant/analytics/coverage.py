"""Topic coverage: volumes over time, answered shares, rising topics, answer content."""

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from .. import settings
from .filters import TurnFilter

PERIODS = ("day", "week")
BREAKDOWNS = {"label": "label", "group": "topic_group", "channel": "channel"}
# Answers whose facts were last checked longer ago than this are due for a review:
# fees and deadlines of the grid company change about twice a year.
STALE_AFTER_DAYS = 180
CONFIDENCE_BINS = 10


def volume_over_time(
    snapshot, turn_filter: TurnFilter, period: str = "week", by: str = "label"
) -> pd.DataFrame:
    """Messages per period and topic, topic group or channel (`by`)."""
    column = breakdown_column(by)
    where, params = turn_filter.where()
    sql = f"""
        SELECT date_trunc('{checked_period(period)}', local_time)::DATE AS period,
               coalesce({column}, 'unknown') AS key, count(*) AS messages
        FROM turns WHERE {where}
        GROUP BY ALL ORDER BY period, key
    """
    return snapshot.query(sql, params)


def overall(snapshot, turn_filter: TurnFilter) -> dict:
    """Messages of the filter and the shares without fallback and unresolved."""
    where, params = turn_filter.where()
    sql = f"""
        SELECT count(*) AS messages,
               avg((outcome <> 'fallback')::INT) AS without_fallback_share,
               avg((len(reasons) > 0)::INT) AS unresolved_share
        FROM turns WHERE {where}
    """
    return snapshot.query(sql, params).iloc[0].to_dict()


def topic_summary(snapshot, turn_filter: TurnFilter) -> pd.DataFrame:
    """Per topic: messages, shares answered, clarified and fallen back, confidence."""
    where, params = turn_filter.where()
    sql = f"""
        SELECT label, any_value(topic_title) AS title, any_value(topic_group) AS topic_group,
               count(*) AS messages,
               avg((outcome <> 'fallback')::INT) AS without_fallback_share,
               avg((outcome = 'answered')::INT) AS answered_share,
               avg((outcome = 'clarified')::INT) AS clarified_share,
               avg((len(reasons) > 0)::INT) AS unresolved_share,
               median(confidence) AS median_confidence
        FROM turns WHERE {where}
        GROUP BY label ORDER BY messages DESC, label
    """
    return snapshot.query(sql, params)


def rising_topics(
    snapshot, turn_filter: TurnFilter, period: str = "week", limit: int = 10
) -> pd.DataFrame:
    """Topics whose volume grows fastest: the slope of messages per period.

    Periods without a message count as zero, so a topic that appears once late does
    not look like a steady rise."""
    where, params = turn_filter.where()
    unit = checked_period(period)
    sql = f"""
        WITH counts AS (
            SELECT label, date_trunc('{unit}', local_time)::DATE AS period,
                   count(*) AS messages
            FROM turns WHERE {where} GROUP BY ALL
        ), periods AS (
            SELECT DISTINCT period FROM counts
        ), grid AS (
            SELECT labels.label, periods.period,
                   coalesce(counts.messages, 0) AS messages,
                   dense_rank() OVER (ORDER BY periods.period) AS number
            FROM (SELECT DISTINCT label FROM counts) AS labels
            CROSS JOIN periods
            LEFT JOIN counts USING (label, period)
        )
        SELECT grid.label, any_value(topics.topic_title) AS title,
               regr_slope(messages, number) AS slope_per_period,
               arg_max(messages, number) AS last_period,
               coalesce(avg(messages) FILTER (WHERE number < (SELECT max(number) FROM grid)),
                        0) AS earlier_mean,
               sum(messages) AS messages
        FROM grid LEFT JOIN topics USING (label)
        GROUP BY grid.label
        HAVING count(*) >= 2
        ORDER BY slope_per_period DESC NULLS LAST, grid.label
        LIMIT {int(limit)}
    """
    return snapshot.query(sql, params)


def content_status(
    snapshot, turn_filter: TurnFilter, today: date, store_path: Path = settings.KB_DB
) -> pd.DataFrame:
    """Client topics without an answer, or with facts checked too long ago."""
    answers = read_answers(store_path)
    where, params = turn_filter.where()
    sql = f"""
        WITH volume AS (
            SELECT label, count(*) AS messages FROM turns WHERE {where} GROUP BY label
        )
        SELECT topics.label, topics.topic_title AS title, topics.topic_group,
               answers.checked_on, answers.confidence AS source_confidence,
               date_diff('day', answers.checked_on, $today) AS days_since_check,
               CASE WHEN answers.label IS NULL THEN 'missing'
                    WHEN date_diff('day', answers.checked_on, $today) > {STALE_AFTER_DAYS}
                        THEN 'outdated'
                    ELSE 'current' END AS status,
               coalesce(volume.messages, 0) AS messages
        FROM topics
        LEFT JOIN answers USING (label)
        LEFT JOIN volume USING (label)
        WHERE topics.topic_group <> 'dialog'
        ORDER BY status = 'current', messages DESC, topics.label
    """
    return snapshot.query(sql, {**params, "today": today}, tables={"answers": answers})


def confidence_histogram(snapshot, turn_filter: TurnFilter) -> pd.DataFrame:
    """Per topic and confidence bin (tenths): the number of turns."""
    where, params = turn_filter.where()
    sql = f"""
        SELECT label,
               least(floor(confidence * {CONFIDENCE_BINS}), {CONFIDENCE_BINS - 1})
                   / {CONFIDENCE_BINS} AS bin_start,
               count(*) AS turns
        FROM turns WHERE {where}
        GROUP BY ALL ORDER BY label, bin_start
    """
    return snapshot.query(sql, params)


def read_answers(store_path: Path) -> pd.DataFrame:
    """Labels, checked_on and source confidence of the knowledge store's answers."""
    columns = ["label", "checked_on", "confidence"]
    if not Path(store_path).exists():
        return pd.DataFrame(columns=columns)
    with duckdb.connect(str(store_path), read_only=True) as connection:
        return connection.execute(f"SELECT {', '.join(columns)} FROM answers").df()


def checked_period(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"expected a period in {PERIODS}, got {period!r}")
    return period


def breakdown_column(by: str) -> str:
    if by not in BREAKDOWNS:
        raise ValueError(f"expected a breakdown in {tuple(BREAKDOWNS)}, got {by!r}")
    return BREAKDOWNS[by]
