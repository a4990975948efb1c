"""Labelling: analysts give unresolved messages a topic, a new topic or spam, one by one
or a whole group of similar messages at once."""

import logging

import analysis
import pandas as pd
import streamlit as st

from assistant.analytics import REASON_TITLES, find_clusters, unresolved_turns
from assistant.analytics.clusters import NO_KNOWN_WORDS
from assistant.errors import AssistantError
from assistant.labelling import NEW_TOPIC_PREFIX, SPAM, LabelError, LabelStore
from assistant.labels import client_topics, load_topics

log = logging.getLogger(__name__)

TOPIC, NEW_TOPIC, SPAM_KIND = "Тема из списка", "Новая тема", "Спам"
KINDS = (TOPIC, NEW_TOPIC, SPAM_KIND)
# The newest distinct texts offered one by one; larger sets are labelled by group.
SINGLE_TEXTS = 200
RECENT_LABELS = 20
TIME_FORMAT = "YYYY-MM-DD HH:mm"
TEXT_COLUMNS = {
    "masked_text": st.column_config.TextColumn(
        "сообщение (маскировано)", width="large"
    ),
    "turns": "сколько раз",
    "last_seen": st.column_config.DatetimeColumn(
        "последний раз (по Москве)", format=TIME_FORMAT, timezone=analysis.TIMEZONE
    ),
    "label": "догадка модели",
    "confidence": st.column_config.NumberColumn("уверенность", format="%.2f"),
    "reasons": "причины",
    "labelled": "метка аналитика",
}
LABEL_COLUMNS = {
    "text": st.column_config.TextColumn("сообщение", width="large"),
    "label": "метка",
    "analyst": "аналитик",
    "labelled_at": st.column_config.DatetimeColumn(
        "когда (по Москве)", format=TIME_FORMAT, timezone=analysis.TIMEZONE
    ),
    "cluster": "группа",
}


def topic_title(label: str) -> str:
    topics = load_topics()
    return topics[label].title if label in topics else label


def label_title(label: str) -> str:
    """A stored label as analysts read it: a topic title, «спам» or «новая тема: …»."""
    if label == SPAM:
        return "спам"
    if label.startswith(NEW_TOPIC_PREFIX):
        return "новая тема:" + label[len(NEW_TOPIC_PREFIX) :]
    return topic_title(label)


def distinct_texts(turns: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """One row per masked text, newest first, with the analyst's label if it has one."""
    texts = turns[turns["masked_text"].str.strip() != ""]
    # The turns come newest first, so `first` is the latest guess of the model.
    texts = texts.groupby("masked_text", as_index=False, sort=False).agg(
        turns=("turn_id", "size"),
        last_seen=("logged_at", "max"),
        label=("label", "first"),
        confidence=("confidence", "min"),
        reasons=("reasons", "first"),
    )
    given = labels.set_index("text")["label"].map(label_title)
    return texts.assign(labelled=texts["masked_text"].map(given))


def chosen_label(prefix: str) -> str:
    """The label the form describes, in the form LabelStore stores."""
    kind = st.session_state.get(f"{prefix}_kind", TOPIC)
    if kind == SPAM_KIND:
        return SPAM
    if kind == NEW_TOPIC:
        return f"{NEW_TOPIC_PREFIX} {st.session_state.get(f'{prefix}_new_topic', '')}"
    return st.session_state.get(f"{prefix}_topic") or ""


def save(store, analyst, prefix, texts, cluster=None) -> None:
    """Store the texts under the form's label; the outcome is shown on the next run."""
    label = chosen_label(prefix)
    if not label:
        st.session_state.notice = ("warning", "Выберите тему из списка.")
        return
    try:
        saved = store.add(texts, label, analyst, cluster=cluster)
    except LabelError:
        st.session_state.notice = ("warning", "Введите название новой темы.")
        return
    except AssistantError as error:
        log.error("labels of %s not saved: %s", analyst, error)
        st.session_state.notice = (
            "error",
            "Метки не сохранены: файл разметки занят. Попробуйте ещё раз через минуту.",
        )
        return
    log.info("%s labelled %d texts (cluster %s)", analyst, saved, cluster)
    st.session_state.chosen = []
    st.session_state.notice = ("success", f"Сохранено меток: {saved}.")


def show_notice() -> None:
    notice = st.session_state.pop("notice", None)
    if notice:
        kind, text = notice
        getattr(st, kind)(text)


def suggest_topic(prefix: str, owner: str, topic: str | None) -> None:
    """Start the topic field at `topic` whenever the texts it labels change.

    A field that kept the previous group's topic, or the first of the list, would have
    one click label a whole group wrongly; the analyst's own choice stays while the
    same texts are shown."""
    if st.session_state.get(f"{prefix}_topic_owner") == owner:
        return
    st.session_state[f"{prefix}_topic_owner"] = owner
    # Only a client topic is a useful start: «out_of_scope» is what most fallbacks carry.
    st.session_state[f"{prefix}_topic"] = topic if topic in client_topics() else None


def label_form(prefix: str) -> None:
    """What the texts are: a topic of the list, a new topic with a name, or spam."""
    kind = st.radio("Что это", KINDS, key=f"{prefix}_kind", horizontal=True)
    if kind == TOPIC:
        topics = list(load_topics())
        st.selectbox(
            "Тема",
            topics,
            index=None,
            key=f"{prefix}_topic",
            format_func=topic_title,
            placeholder="выберите тему",
        )
    elif kind == NEW_TOPIC:
        st.text_input("Название новой темы", key=f"{prefix}_new_topic")


@st.cache_data(ttl=analysis.SNAPSHOT_SECONDS, show_spinner="Группируем сообщения…")
def clusters_of(_snapshot, loaded_at, turn_filter):
    return find_clusters(_snapshot, turn_filter)


def cluster_title(summary: pd.DataFrame, cluster: str) -> str:
    row = summary.set_index("cluster").loc[cluster]
    topic = next(
        (name for name in row[["topic_title", "topic"]] if pd.notna(name) and name),
        "тема не ясна",
    )
    if cluster == NO_KNOWN_WORDS:
        topic = analysis.WORDLESS_TITLE
    return f"реплик: {int(row['size'])} · {topic} · «{row['typical'][0][:60]}»"


def label_cluster(store, analyst, snapshot, turn_filter, texts) -> None:
    st.subheader("Группа похожих сообщений")
    clusters = clusters_of(snapshot, snapshot.loaded_at, turn_filter)
    summary = clusters.summary
    if summary.empty:
        st.info("Групп в выбранном срезе нет.")
        return
    options = summary["cluster"].tolist()
    if st.session_state.get("cluster") not in options:
        # A group from an earlier filter would make the widget reject its own state.
        st.session_state.pop("cluster", None)
    cluster = st.selectbox(
        "Группа",
        options,
        key="cluster",
        format_func=lambda option: cluster_title(summary, option),
    )

    members = texts[texts["masked_text"].isin(clusters.texts(cluster))]
    size, distinct, labelled = st.columns(3)
    row = summary.set_index("cluster").loc[cluster]
    size.metric("Реплик в группе", int(row["size"]))
    distinct.metric("Разных текстов", int(row["texts"]))
    labelled.metric("Уже размечено", int(members["labelled"].notna().sum()))
    st.markdown("**Типичные сообщения**")
    # Plain text: a masked mark such as <PHONE> must not be read as markup.
    for typical in row["typical"]:
        st.text(f"— {typical}")
    analysis.show_table(members, column_config=TEXT_COLUMNS)

    likeliest = row["topic"] if cluster != NO_KNOWN_WORDS else None
    owner = f"{cluster}: {row['typical'][0]}"
    suggest_topic("cluster", owner, likeliest if pd.notna(likeliest) else None)
    label_form("cluster")
    st.button(
        f"Разметить всю группу (текстов: {int(row['texts'])})",
        type="primary",
        key="save_cluster",
        on_click=save,
        args=(store, analyst, "cluster", clusters.texts(cluster), cluster),
    )


def choose_all(texts: list[str]) -> None:
    st.session_state.chosen = list(texts)


def label_single(store, analyst, texts: pd.DataFrame) -> None:
    st.subheader("Отдельные сообщения")
    if not st.checkbox("Показывать уже размеченные", key="show_labelled"):
        texts = texts[texts["labelled"].isna()]
    texts = texts.head(SINGLE_TEXTS)
    if texts.empty:
        st.info("Неразмеченных сообщений в выбранном срезе нет.")
        return
    analysis.show_table(texts, column_config=TEXT_COLUMNS)

    options = texts["masked_text"].tolist()
    # Choices left from an earlier filter would make the widget reject its own state.
    kept = [text for text in st.session_state.get("chosen", []) if text in options]
    st.session_state.chosen = kept
    chosen = st.multiselect(
        "Сообщения для разметки",
        options,
        key="chosen",
        placeholder="выберите сообщения или нажмите «Выбрать все показанные»",
    )
    st.button("Выбрать все показанные", on_click=choose_all, args=(options,))
    label_form("single")
    st.button(
        "Сохранить",
        type="primary",
        key="save_single",
        on_click=save,
        args=(store, analyst, "single", chosen),
        disabled=not chosen,
    )


def read_labels(store: LabelStore) -> pd.DataFrame:
    try:
        return store.frame()
    except AssistantError as error:
        log.error("labels not read: %s", error)
        st.error("Файл разметки занят. Обновите страницу через минуту.")
        st.stop()


def show_recent_labels(labels: pd.DataFrame) -> None:
    st.subheader("Последние метки")
    if labels.empty:
        st.info("Меток пока нет.")
        return
    recent = labels.sort_values("labelled_at", ascending=False).head(RECENT_LABELS)
    recent = recent.assign(label=recent["label"].map(label_title))
    recent = recent.assign(cluster=recent["cluster"].map(analysis.cluster_title))
    analysis.show_table(recent, column_config=LABEL_COLUMNS)


analyst = analysis.require_analyst()
snapshot = analysis.load_snapshot()
analysis.refresh_button(snapshot)
turn_filter = analysis.filter_sidebar(snapshot, REASON_TITLES)
store = LabelStore()

st.title("Разметка")
st.caption(
    f"Аналитик: {analyst}. Метки тем уходят в обучение модели при следующей сборке. "
    "Сообщения показаны только маскированными."
)
show_notice()

labels = read_labels(store)
texts = distinct_texts(unresolved_turns(snapshot, turn_filter), labels)
total, labelled = st.columns(2)
total.metric("Разных нерешённых текстов", len(texts))
labelled.metric("Из них размечено", int(texts["labelled"].notna().sum()))

label_cluster(store, analyst, snapshot, turn_filter, texts)
label_single(store, analyst, texts)
show_recent_labels(labels)
