"""Case facts kept for the whole session: the power, applicant, voltage and distance one
flow learnt are reused by the next one («а сколько по времени?» after the cost), which
says what it took, so the client can correct it."""

import re

from ..store import KnowledgeStore
from .base import Flow
from .phrasebook import format_kw, text
from .quantities import LOW_VOLTAGE_KV
from .rules import UNKNOWN, has_condition

SHARED_SLOTS = ("kw", "kw_existing", "applicant", "voltage_kv", "distance")
# «Не знаю» about the power ends a flow with the general answer; the next flow asks again
# rather than giving up at once.
NOT_CARRIED = {"kw": UNKNOWN}
START_PREFIX = "start_"
# «Нет, 30 кВт», «а если ИП?»: a correction is a few words around the facts; a longer
# message with a figure («как подать заявку на 30 кВт») asks something else.
MAX_CORRECTION_WORDS = 4
WORD = re.compile(r"[^\W\d_]+")


def recall(flow: Flow) -> None:
    """Fill the case slots the flow has not got yet from what the session knows."""
    for slot in SHARED_SLOTS:
        if slot not in flow.slots and slot in flow.facts:
            flow.slots[slot] = flow.facts[slot]
            flow.recalled.add(slot)


def remember(flow: Flow) -> None:
    """Keep the flow's case slots for the session."""
    for slot in SHARED_SLOTS:
        value = flow.slots.get(slot)
        if value is not None and NOT_CARRIED.get(slot) != value:
            flow.facts[slot] = value


def is_correction(action, text: str) -> bool:
    """A short message that names case facts again, read by a case action."""
    if len(WORD.findall(text)) > MAX_CORRECTION_WORDS:
        return False
    scratch = Flow(action=action.name, label=min(action.labels))
    return bool(action.read_case(scratch, text))


def recall_start(flow: Flow, counted_from: str):
    """The date a term is counted from, if the client gave one of this kind earlier."""
    return flow.facts.get(START_PREFIX + counted_from)


def remember_start(flow: Flow, counted_from: str, start) -> None:
    flow.facts[START_PREFIX + counted_from] = start


def recalled_line(
    store: KnowledgeStore, flow: Flow, rule: dict, also: tuple[str, ...] = ()
) -> str | None:
    """«Это для 15 кВт и физического лица, как вы писали выше…», or None.

    Only the recalled slots the rule decides by, and those in also, are named."""
    slots = [
        slot
        for slot in SHARED_SLOTS
        if slot in flow.recalled
        and flow.slots.get(slot) != UNKNOWN
        and (has_condition(rule, slot) or slot in also)
    ]
    if not slots:
        return None
    parts = [fact_phrase(store, slot, flow.slots[slot]) for slot in slots]
    return text(store, "case_recalled", facts=listed_facts(parts))


def corrected_line(store: KnowledgeStore, flow: Flow) -> str | None:
    """«Считаю для 30 кВт и юридического лица», once, after a correction; or None."""
    corrected = flow.slots.pop("corrected", None)
    if not corrected:
        return None
    return text(store, "case_corrected", facts=named_facts(store, flow, corrected))


def named_facts(store: KnowledgeStore, flow: Flow, slots: set[str]) -> str:
    """The flow's values of some slots, listed in SHARED_SLOTS order, whatever the set's."""
    ordered = [slot for slot in SHARED_SLOTS if slot in slots] + sorted(
        slots.difference(SHARED_SLOTS)
    )
    return listed_facts([fact_phrase(store, slot, flow.slots[slot]) for slot in ordered])


def listed_facts(parts: list[str]) -> str:
    """«15 кВт, физического лица и напряжения до 0,4 кВ»."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} и {parts[-1]}"


def fact_phrase(store: KnowledgeStore, slot: str, value) -> str:
    if slot in ("kw", "kw_existing"):
        return text(store, f"case_fact_{slot}", kw=format_kw(value))
    if slot == "voltage_kv":
        if value <= LOW_VOLTAGE_KV:
            return text(store, "case_fact_voltage_low")
        return text(store, "case_fact_voltage", kv=format_kw(value))
    return text(store, f"case_fact_{slot}_{value}")
