"""Recent client messages the assistant did not resolve, read from the live chat log."""

from pathlib import Path

import pandas as pd

from . import segments
from .chatlog import chatlog_dir, flush_open_logs
from .dialog import ANSWERED, CLARIFIED, FALLBACK

# Answered, but barely above the model's answer threshold (about 0.6): such replies
# were right noticeably less often on validation, so analysts see them too.
LOW_CONFIDENCE = 0.7
RECENT_LIMIT = 200
COLUMNS = ["text", "turns", "last_seen", "outcome", "label", "confidence"]

# One row per distinct masked text, its latest outcome and guess first; the same
# question asked by many clients is labelled once.
UNRESOLVED = f"""
SELECT masked_text AS text,
       count(*) AS turns,
       max(logged_at) AS last_seen,
       arg_max(outcome, logged_at) AS outcome,
       arg_max(label, logged_at) AS label,
       min(confidence) AS confidence
FROM rows
WHERE trim(masked_text) <> ''
  AND (outcome IN ('{FALLBACK}', '{CLARIFIED}')
       OR (outcome = '{ANSWERED}' AND confidence < $low_confidence))
GROUP BY masked_text
ORDER BY last_seen DESC, text
LIMIT $limit
"""


def recent_unresolved(
    path: Path | str | None = None,
    limit: int = RECENT_LIMIT,
    low_confidence: float = LOW_CONFIDENCE,
) -> pd.DataFrame:
    """Fallbacks, clarifications and low-confidence answers, newest first."""
    root = Path(path) if path else chatlog_dir()
    # Turns this process still holds in memory belong in the list too.
    flush_open_logs(root)
    params = {"limit": int(limit), "low_confidence": float(low_confidence)}
    frame = segments.query(root, segments.TURNS, UNRESOLVED, params)
    return frame[COLUMNS].reset_index(drop=True)
