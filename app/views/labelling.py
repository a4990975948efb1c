"""Labelling: analysts give unresolved client messages a topic, spam or a new topic."""

import logging

import pandas as pd
import streamlit as st

from assistant.errors import AssistantError
from assistant.labelling import (
    DEFAULT_ANALYST,
    NEW_TOPIC_PREFIX,
    SPAM,
    LabelError,
    LabelStore,
)
from assistant.labels import load_topics
from assistant.unresolved import recent_unresolved

log = logging.getLogger(__name__)

TOPIC, NEW_TOPIC, SPAM_KIND = "Тема из списка", "Новая тема", "Спам"
KINDS = (TOPIC, NEW_TOPIC, SPAM_KIND)
ANY_GUESS = "все"
RECENT_LABELS = 20
OUTCOMES = {"fallback": "не понят", "clarified": "уточнение", "answered": "низкая уверенность"}
TURN_COLUMNS = {"text": "Сообщение", "turns": "Сколько раз", "last_seen": "Последний раз",
                "outcome": "Исход", "label": "Догадка модели", "confidence": "Уверенность"}
LABEL_COLUMNS = {"text": "Сообщение", "label": "Метка", "analyst": "Аналитик",
                 "labelled_at": "Когда", "cluster": "Группа"}


def analyst_name() -> str:
    """The signed-in analyst; the sign-in page puts the name into the session."""
    return str(st.session_state.get("analyst") or DEFAULT_ANALYST)


def topic_title(label: str) -> str:
    topics = load_topics()
    return topics[label].title if label in topics else label


def chosen_label() -> str:
    """The label the form describes, in the form LabelStore stores."""
    kind = st.session_state.get("kind", TOPIC)
    if kind == SPAM_KIND:
        return SPAM
    if kind == NEW_TOPIC:
        return f"{NEW_TOPIC_PREFIX} {st.session_state.get('new_topic', '')}"
    return st.session_state.get("topic", "")


def save(store: LabelStore) -> None:
    """Store the chosen messages under the chosen label; the outcome is shown next run."""
    texts = st.session_state.get("chosen", [])
    try:
        saved = store.add(texts, chosen_label(), analyst_name())
    except LabelError:
        st.session_state.notice = ("warning", "Введите название новой темы.")
        return
    except AssistantError as error:
        log.error("labels not saved: %s", error)
        st.session_state.notice = ("error", "Метки не сохранены: файл разметки занят. "
                                            "Попробуйте ещё раз через минуту.")
        return
    st.session_state.chosen = []
    st.session_state.notice = ("success", f"Сохранено меток: {saved}.")


def choose_all(texts: list[str]) -> None:
    st.session_state.chosen = list(texts)


def show_notice() -> None:
    notice = st.session_state.pop("notice", None)
    if notice:
        kind, text = notice
        getattr(st, kind)(text)


def unlabelled(turns: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    return turns[~turns["text"].isin(set(labels["text"]))]


def filter_by_guess(turns: pd.DataFrame) -> pd.DataFrame:
    """A group of messages the model took for the same topic, labelled in one go."""
    guesses = [ANY_GUESS, *sorted(turns["label"].dropna().unique())]
    guess = st.selectbox("Догадка модели", guesses, key="guess",
                         format_func=lambda label: label if label == ANY_GUESS
                         else topic_title(label))
    return turns if guess == ANY_GUESS else turns[turns["label"] == guess]


def show_turns(turns: pd.DataFrame) -> None:
    shown = turns.assign(outcome=turns["outcome"].map(OUTCOMES).fillna(turns["outcome"]))
    st.dataframe(shown.rename(columns=TURN_COLUMNS), hide_index=True)


def show_form(store: LabelStore, texts: list[str]) -> None:
    # Choices left from an earlier filter would make the widget reject its own state.
    kept = [text for text in st.session_state.get("chosen", []) if text in texts]
    st.session_state.chosen = kept
    st.multiselect("Сообщения для разметки", texts, key="chosen")
    st.button("Выбрать все показанные", on_click=choose_all, args=(texts,))
    kind = st.radio("Что это", KINDS, key="kind", horizontal=True)
    if kind == TOPIC:
        st.selectbox("Тема", list(load_topics()), key="topic", format_func=topic_title)
    elif kind == NEW_TOPIC:
        st.text_input("Название новой темы", key="new_topic")
    st.button("Сохранить", type="primary", on_click=save, args=(store,),
              disabled=not st.session_state.chosen)


def show_recent_labels(labels: pd.DataFrame) -> None:
    st.subheader("Последние метки")
    if labels.empty:
        st.info("Меток пока нет.")
        return
    recent = labels.sort_values("labelled_at", ascending=False).head(RECENT_LABELS)
    recent = recent.assign(label=recent["label"].map(topic_title))
    st.dataframe(recent.rename(columns=LABEL_COLUMNS), hide_index=True)


def main() -> None:
    st.title("Разметка")
    st.caption(f"Аналитик: {analyst_name()}. Сообщения показаны с маскированными "
               "персональными данными.")
    store = LabelStore()
    show_notice()

    labels = store.frame()
    turns = recent_unresolved()
    if not st.checkbox("Показывать уже размеченные", key="show_labelled"):
        turns = unlabelled(turns, labels)
    if turns.empty:
        st.info("Нерешённых сообщений нет.")
    else:
        turns = filter_by_guess(turns)
        show_turns(turns)
        show_form(store, turns["text"].tolist())
    show_recent_labels(labels)


main()
