"""What counts as an unresolved turn: the one definition the pages and exports share.

A turn is unresolved when at least one reason below holds; every reason that holds is
kept in the `reasons` column. The analyst pages print REASONS as the definition.
"""

from dataclasses import dataclass

import pandas as pd

from .filters import TurnFilter


@dataclass(frozen=True)
class Reason:
    code: str
    title: str
    # A condition over one row of the turns table (see snapshot.py for its columns).
    condition: str


REASONS = (
    Reason(
        "fallback",
        "помощник не понял вопрос и попросил переформулировать",
        "outcome = 'fallback'",
    ),
    # A clarification the client answered by picking one of its topics is resolved.
    Reason(
        "clarified_only",
        "помощник только уточнял тему, и клиент не выбрал вариант",
        "outcome = 'clarified' AND NOT (next_outcome = 'answered' "
        "AND contains(choices, '\"' || next_label || '\"'))",
    ),
    Reason(
        "low_confidence",
        "уверенность модели ниже порога ответа",
        "confidence < $answer_threshold",
    ),
    Reason("rated_negative", "клиент оценил ответ 👎 (−1)", "rating = -1"),
    Reason(
        "asked_operator",
        "сразу после ответа клиент попросил оператора",
        "outcome = 'answered' AND label <> 'operator' AND next_label = 'operator'",
    ),
    Reason(
        "ended_after_fallback",
        "после непонятого вопроса клиент ушёл из чата",
        "outcome = 'fallback' AND last_in_session",
    ),
)
REASON_TITLES = {reason.code: reason.title for reason in REASONS}

UNRESOLVED_COLUMNS = """
    turn_id, session_id, source, channel, logged_at, label, topic_title, confidence,
    top, array_to_string(reasons, ', ') AS reasons, masked_text
"""


def reasons_sql() -> str:
    """A list expression holding the codes of every reason that holds for a row."""
    cases = ", ".join(
        f"CASE WHEN coalesce({reason.condition}, false) THEN '{reason.code}' END"
        for reason in REASONS
    )
    return f"list_filter([{cases}], lambda code: code IS NOT NULL)"


def reason_filter(reasons) -> tuple[str, dict]:
    """SQL keeping unresolved turns, only those with one of `reasons` if given."""
    if not reasons:
        return "len(reasons) > 0", {}
    return "list_has_any(reasons, $reasons)", {"reasons": list(reasons)}


def unresolved_turns(
    snapshot, turn_filter: TurnFilter, limit: int | None = None
) -> pd.DataFrame:
    """Unresolved turns of the filter, newest first: masked text, top-3, reasons."""
    where, params = turn_filter.where()
    reasons, reason_params = reason_filter(turn_filter.reasons)
    sql = (
        f"SELECT {UNRESOLVED_COLUMNS} FROM turns WHERE {where} AND {reasons} "
        "ORDER BY logged_at DESC, turn_id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return snapshot.query(sql, {**params, **reason_params})


def reason_counts(snapshot, turn_filter: TurnFilter) -> pd.DataFrame:
    """How many turns of the filter each reason covers (a turn may have several)."""
    where, params = turn_filter.where()
    # The chart follows the reason filter like the table does.
    chosen = "true"
    if turn_filter.reasons:
        chosen = "list_contains($chosen_reasons, reason)"
        params["chosen_reasons"] = list(turn_filter.reasons)
    sql = f"""
        SELECT reason, count(*) AS turns
        FROM (SELECT unnest(reasons) AS reason FROM turns WHERE {where})
        WHERE {chosen}
        GROUP BY reason ORDER BY turns DESC
    """
    return snapshot.query(sql, params)
