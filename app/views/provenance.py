"""Sources of facts: what every client answer rests on, and how long ago it was checked."""

import logging
from datetime import datetime

import analysis
import pandas as pd
import streamlit as st

from assistant import settings
from assistant.errors import AssistantError
from assistant.provenance import list_facts, older_than

log = logging.getLogger(__name__)

COLUMNS = {"checked_on": "Проверено", "age_days": "Дней назад", "status": "Статус",
           "table": "Таблица", "fact_id": "Код", "fact": "Факт",
           "source_titles": "Источники", "source_keys": "Ключи источников",
           "hedged": "С оговоркой"}
NOT_BUILT = "Хранилище знаний не собрано. Соберите его командой `make build`."


def load_facts() -> pd.DataFrame:
    today = datetime.now(analysis.MOSCOW).date()
    try:
        return list_facts(settings.KB_DB, today)
    except AssistantError as error:
        log.error("facts not listed: %s", error)
        st.error(NOT_BUILT)
        st.stop()


def choose_facts(facts: pd.DataFrame) -> pd.DataFrame:
    days = st.number_input("Проверены не меньше чем … дней назад", min_value=0, value=0,
                           step=30, key="older_than_days")
    shown = older_than(facts, int(days))
    if st.checkbox("Только неподтверждённые", key="unconfirmed_only"):
        shown = shown[~shown["confirmed"]]
    return shown


def show_summary(facts: pd.DataFrame, shown: pd.DataFrame) -> None:
    total, unconfirmed, oldest = st.columns(3)
    total.metric("Показано фактов", f"{len(shown)} из {len(facts)}")
    unconfirmed.metric("Не подтверждены", int((~shown["confirmed"]).sum()))
    oldest.metric("Самой старой проверке, дней", int(shown["age_days"].max()))
    # VOICE.md: what is not known for sure is never stated as fact.
    bare = shown[~shown["confirmed"] & ~shown["hedged"]]
    if not bare.empty:
        st.warning("Без оговорки о неточности: " + ", ".join(bare["fact_id"]))


def main() -> None:
    analysis.require_analyst()
    st.title("Источники фактов")
    st.caption("Каждый факт ответа клиенту — с источником и датой проверки; "
               "сначала те, что проверялись давно, и неподтверждённые.")
    facts = load_facts()
    shown = choose_facts(facts)
    if shown.empty:
        st.info("Таких фактов нет.")
        return
    show_summary(facts, shown)
    analysis.show_table(shown[list(COLUMNS)].rename(columns=COLUMNS))


main()
