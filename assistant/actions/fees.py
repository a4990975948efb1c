"""The connection fee of a matched rule: a figure only where the data confirms it."""

from dataclasses import dataclass

from .rules import UNKNOWN, filled

FIXED, PER_KW = "fixed", "per_kw"


@dataclass(frozen=True)
class Quote:
    fee: float | None = None
    rate: float | None = None
    # The slot to ask before a per-kW figure can be given (kW held before an increase).
    missing: str | None = None


def confirmed_rate(rule: dict) -> float | None:
    """The rule's amount, only when the data marks it confirmed."""
    if str(rule.get("confirmed", "")).lower() != "true" or not filled(
        rule.get("amount_rub")
    ):
        return None
    return float(rule["amount_rub"])


def billed_kw(slots: dict) -> float | None:
    """kW the per-kW rate applies to: all of them, or the added ones on an increase."""
    if not slots.get("increase"):
        return slots["kw"]
    held = slots.get("kw_existing")
    if held is None:
        return None
    return max(slots["kw"] - held, 0.0)


def quote(rule: dict, slots: dict) -> Quote:
    """The figure the rule gives for the case, or an empty quote."""
    rate = confirmed_rate(rule)
    if rate is None:
        return Quote()
    if rule["basis"] == FIXED:
        return Quote(fee=rate, rate=rate)
    if rule["basis"] == PER_KW:
        if slots.get("kw_existing") == UNKNOWN:
            return Quote(rate=rate)
        kilowatts = billed_kw(slots)
        if kilowatts is None:
            return Quote(rate=rate, missing="kw_existing")
        return Quote(fee=rate * kilowatts, rate=rate)
    return Quote()
