"""The analyst's choice of turns: dates, sources, channels, topics and reasons, as SQL."""

from dataclasses import dataclass
from datetime import date

SOURCES = ("history", "live")


@dataclass(frozen=True)
class TurnFilter:
    """Empty tuples mean "all"; dates are Moscow calendar days, both ends included."""

    start: date | None = None
    end: date | None = None
    sources: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    # Used by the unresolved queries only: turns with any of these reason codes.
    reasons: tuple[str, ...] = ()

    def where(self) -> tuple[str, dict]:
        """A WHERE condition over the turns table and its parameters."""
        clauses, params = ["true"], {}
        if self.start is not None:
            clauses.append("local_time::DATE >= $start")
            params["start"] = self.start
        if self.end is not None:
            clauses.append("local_time::DATE <= $end")
            params["end"] = self.end
        for column, values in [
            ("source", self.sources),
            ("channel", self.channels),
            ("label", self.labels),
            ("topic_group", self.groups),
        ]:
            if values:
                clauses.append(f"list_contains(${column}s, {column})")
                params[f"{column}s"] = list(values)
        return " AND ".join(clauses), params
